package dev.portcullis.servlet;

import dev.portcullis.AccessRequest;
import dev.portcullis.Outcome;
import dev.portcullis.Portcullis;
import dev.portcullis.Requirement;
import dev.portcullis.attributes.internal.FileAttributeSource;
import dev.portcullis.policy.internal.CerbosPolicyEvaluator;
import dev.portcullis.internal.route.Route;
import dev.portcullis.internal.route.RouteTable;
import dev.portcullis.PortcullisException;
import dev.portcullis.Refusal;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.AdapterHandoff;
import dev.portcullis.internal.RequestPaths;
import dev.portcullis.token.internal.TokenSettings;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.security.cert.X509Certificate;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Servlet filter that admits only requests with a valid identity-only bearer token (RFC 6750),
 * and answers every other request with the right status, {@code WWW-Authenticate} challenge and
 * {@code application/problem+json} body.
 *
 * <p>Registration in {@code web.xml}:
 * <pre>{@code
 * <filter>
 *   <filter-name>portcullis</filter-name>
 *   <filter-class>dev.portcullis.servlet.PortcullisFilter</filter-class>
 *   <async-supported>true</async-supported>
 *   <init-param><param-name>portcullis.issuer</param-name><param-value>https://idp.example.com</param-value></init-param>
 *   <init-param><param-name>portcullis.audience</param-name><param-value>orders-api</param-value></init-param>
 *   <init-param><param-name>portcullis.jwks-uri</param-name><param-value>https://idp.example.com/jwks</param-value></init-param>
 * </filter>
 * <filter-mapping>
 *   <filter-name>portcullis</filter-name><url-pattern>/*</url-pattern><dispatcher>REQUEST</dispatcher>
 * </filter-mapping>
 * }</pre>
 * Async-supported, so that asynchronous requests ({@code startAsync}) may pass it; the named
 * dispatcher type, so that Jetty, like Tomcat, does not apply it to asynchronous dispatches too.
 *
 * <p>Or with one annotated class (this class stays non-final, with a public no-argument
 * constructor, for that purpose):
 * <pre>{@code @WebFilter(urlPatterns = "/*", asyncSupported = true,
 *         initParams = @WebInitParam(name = PortcullisFilter.CONFIG_PARAM, value = "/WEB-INF/portcullis.properties"))
 * public class AppPortcullis extends PortcullisFilter {}
 * }</pre>
 * Or with only a {@code WEB-INF/portcullis.properties}: see {@link PortcullisInitializer}.
 *
 * <p>Init-params (names with or without the {@code portcullis.} prefix), each also settable as a
 * system property {@code portcullis.<name>} or an environment variable {@code PORTCULLIS_<NAME>},
 * which override the init-param:
 * <ul>
 *   <li>{@value #CONFIG_PARAM}: a properties file with the same names, {@code classpath:...},
 *       {@code /WEB-INF/...} or a file path; no default.</li>
 *   <li>{@value #ISSUER_PARAM} (required), {@value #AUDIENCE_PARAM} (required), one of
 *       {@value #JWKS_URI_PARAM}, {@value #DISCOVERY_URI_PARAM}, {@code portcullis.jwks-file},
 *       {@code portcullis.public-key-file}, {@code portcullis.hmac-secret};</li>
 *   <li>{@value #ALGORITHMS_PARAM} (default {@code RS256,PS256,ES256,EdDSA}),
 *       {@value #CLOCK_SKEW_PARAM} (default 30s, at most 5m),
 *       {@value #MAX_TOKEN_BYTES_PARAM} (default 4096),
 *       {@value #PUBLIC_PATHS_PARAM} (default none: exact paths such as {@code /health}, or
 *       prefixes such as {@code /static/*}),
 *       {@value #REALM_PARAM} (default {@code portcullis}),
 *       {@value #ADMIN_HEALTH_PATH_PARAM} (default none: the health endpoint is off).</li>
 * </ul>
 * Servlet context attributes the application may set before the filter starts:
 * {@value #METRICS_REGISTRY_ATTRIBUTE} (a Micrometer {@code MeterRegistry}) and
 * {@value #DECISION_LISTENER_ATTRIBUTE} (a {@code Consumer<String>} of decision-log lines).
 * The README lists every setting with its default. A bad value fails {@link #init} with a
 * {@link ServletException} naming the setting, so the application does not start unprotected.
 *
 * <p>Per request the filter only translates: it relates the raw URI to the dispatched path
 * ({@link DispatchedPath}), lets public paths through, matches the route table, and hands the
 * rest to {@link Portcullis#decide}; it then writes the {@link dev.portcullis.Outcome} (the
 * wrapped request, {@code 204} for the revocation endpoint, or the refusal, which the engine has
 * logged and, after authentication, recorded).
 *
 * <p>On success the request is wrapped: {@code getUserPrincipal()} and {@code getRemoteUser()}
 * give the token subject, {@code getAuthType()} is {@code "Bearer"}, and the {@link dev.portcullis.token.VerifiedToken}
 * is the request attribute {@value Portcullis#IDENTITY_ATTRIBUTE}. The engine is published as the
 * context attribute {@value Portcullis#ENGINE_ATTRIBUTE} for the JAX-RS adapter.
 *
 * <p>Thread safety: thread-safe after {@code init}.
 */
public class PortcullisFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(PortcullisFilter.class);

    /** Init-param naming a properties file of settings. */
    public static final String CONFIG_PARAM = "config";
    public static final String ISSUER_PARAM = SettingNames.ISSUER;
    public static final String AUDIENCE_PARAM = SettingNames.AUDIENCE;
    public static final String JWKS_URI_PARAM = SettingNames.JWKS_URI;
    public static final String DISCOVERY_URI_PARAM = SettingNames.DISCOVERY_URI;
    public static final String ALGORITHMS_PARAM = SettingNames.ALGORITHMS;
    public static final String CLOCK_SKEW_PARAM = SettingNames.CLOCK_SKEW;
    public static final String MAX_TOKEN_BYTES_PARAM = SettingNames.MAX_TOKEN_BYTES;
    public static final String PUBLIC_PATHS_PARAM = SettingNames.PUBLIC_PATHS;
    public static final String REALM_PARAM = SettingNames.REALM;
    /**
     * Route table (YAML, see {@link RouteTable}) mapping endpoints to resource kinds and actions,
     * as {@code /WEB-INF/...}, {@code classpath:...} or a file path; default none (every
     * authenticated, active principal passes to the application).
     */
    public static final String ROUTES_PARAM = SettingNames.ROUTES;
    /**
     * Path of the optional revocation endpoint ({@code POST <path>?subject=...[&issuer=...]}),
     * itself authorized by the policy action {@code revoke} on resource kind {@code portcullis};
     * default none (off).
     */
    public static final String ADMIN_REVOKE_PATH_PARAM = SettingNames.ADMIN_REVOKE_PATH;
    /**
     * Path of the optional health endpoint ({@code GET <path>}: {@link Portcullis#health()} as
     * JSON, 200 or 503): the overall status for anyone, the details for callers the policy allows
     * action {@code health} on resource kind {@code portcullis}; default none (off).
     */
    public static final String ADMIN_HEALTH_PATH_PARAM = SettingNames.ADMIN_HEALTH_PATH;
    /**
     * Servlet context attribute the application may set (before the filter starts, e.g. in a
     * {@code ServletContextListener}) to the Micrometer {@code MeterRegistry} the engine's meters
     * go to; without it, Micrometer's global registry (README, "Metrics").
     */
    public static final String METRICS_REGISTRY_ATTRIBUTE = "dev.portcullis.metrics.registry";
    /**
     * Servlet context attribute the application may set to a {@code java.util.function.Consumer<String>}
     * that also receives every decision-log line ({@link Portcullis.Builder#decisionListener}).
     */
    public static final String DECISION_LISTENER_ATTRIBUTE = "dev.portcullis.decision-listener";
    /**
     * Request attribute set, on a refused INCLUDE dispatch, to the refusal's reason code (such as
     * {@code access_denied}): an include cannot change the including response's status or
     * headers, so the target is not run and nothing is written; the including page may look here.
     */
    public static final String INCLUDE_REFUSAL_ATTRIBUTE = "dev.portcullis.include-refusal";
    /** The servlet request attribute of the TLS client's verified certificate chain (Servlet 6 §3.10). */
    static final String CLIENT_CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    /** Settings naming files that may be given as {@code /WEB-INF/...} inside the web application. */
    private static final List<String> PATH_SETTINGS = List.of(SettingNames.POLICY_DIR,
            FileAttributeSource.FILE, SettingNames.JWKS_FILE, SettingNames.PUBLIC_KEY_FILE);

    private Portcullis engine;
    private PathMatcher publicPaths;
    private String realm;
    private RouteTable routes;
    private String revokePath;
    private String pushPath;
    private String logoutPath;
    private String healthPath;
    private Object metricsRegistry;
    private Consumer<String> decisionListener;

    @Override
    public void init(FilterConfig config) throws ServletException {
        ServletContext context = config.getServletContext();
        Map<String, String> params = new HashMap<>();
        // context-params named portcullis.* are shared defaults; the filter's init-params win
        Enumeration<String> contextNames = context.getInitParameterNames();
        while (contextNames.hasMoreElements()) {
            String name = contextNames.nextElement();
            if (name.startsWith(Settings.PREFIX)) {
                params.put(name, context.getInitParameter(name));
            }
        }
        Enumeration<String> names = config.getInitParameterNames();
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            if (!name.equals(CONFIG_PARAM)) {
                params.put(name, config.getInitParameter(name));
            }
        }
        Map<String, String> file = readConfigFile(context, config.getInitParameter(CONFIG_PARAM));
        Portcullis built = null;
        metricsRegistry = context.getAttribute(METRICS_REGISTRY_ATTRIBUTE);
        decisionListener = listener(context.getAttribute(DECISION_LISTENER_ATTRIBUTE));
        try {
            Settings settings = resolveWebInfPaths(context, Settings.fromSystem(params, file));
            built = createEngine(settings);
            init(settings, built, context);
        } catch (ConfigurationException e) {
            // a bad setting, or policies that do not load (PolicyLoadException): stop the application
            closeQuietly(built);
            throw new ServletException("Portcullis configuration error: " + e.describe(), e);
        } catch (IllegalArgumentException e) {
            closeQuietly(built);
            // a builder check that no setting name was attached to: still fail closed, never start unprotected
            throw new ServletException("Portcullis configuration error: " + e.getMessage(), e);
        }
        context.setAttribute(Portcullis.ENGINE_ATTRIBUTE, engine);
        LOG.info("Portcullis filter '{}' protecting {} (public paths: {}; routes: {}; unmatched paths: {})",
                config.getFilterName(), context.getContextPath().isEmpty() ? "/" : context.getContextPath(),
                publicPaths, routes.routes().size(), routes.unmatched().name().toLowerCase(java.util.Locale.ROOT));
    }

    private void init(Settings settings, Portcullis portcullis, ServletContext context) {
        this.engine = portcullis;
        this.publicPaths = PathMatcher.of(PUBLIC_PATHS_PARAM, settings.getList(PUBLIC_PATHS_PARAM));
        this.realm = settings.get(REALM_PARAM, "portcullis");
        this.routes = settings.get(ROUTES_PARAM).map(location -> loadRoutes(context, location)).orElse(RouteTable.empty());
        this.revokePath = settings.get(ADMIN_REVOKE_PATH_PARAM).orElse(null);
        this.pushPath = settings.get(SettingNames.SIGNALS_PUSH_PATH).orElse(null);
        this.logoutPath = settings.get(SettingNames.BACKCHANNEL_LOGOUT_PATH).orElse(null);
        this.healthPath = settings.get(ADMIN_HEALTH_PATH_PARAM).orElse(null);
        if (healthPath != null && !healthPath.startsWith("/")) {
            throw new ConfigurationException(ADMIN_HEALTH_PATH_PARAM, "must start with /, was '" + healthPath + "'");
        }
        if (healthPath != null && healthPath.equals(revokePath)) {
            throw new ConfigurationException(ADMIN_HEALTH_PATH_PARAM, "is also " + ADMIN_REVOKE_PATH_PARAM);
        }
        List<String> uncovered = new ArrayList<>();
        for (Route route : routes.routes()) {
            if (!engine.covers(route.resourceKind(), route.action())) {
                uncovered.add(route.source() + " '" + route.method() + " " + route.template() + "' -> "
                        + route.resourceKind() + ":" + route.action());
            }
        }
        if (!uncovered.isEmpty()) {
            throw new ConfigurationException(ROUTES_PARAM, "no loaded policy covers " + uncovered
                    + " (a typo here would silently deny; fix the route or add the policy rule)");
        }
        if (revokePath != null) {
            if (!revokePath.startsWith("/")) {
                throw new ConfigurationException(ADMIN_REVOKE_PATH_PARAM, "must start with /, was '" + revokePath + "'");
            }
            if (!engine.covers("portcullis", "revoke")) {
                throw new ConfigurationException(ADMIN_REVOKE_PATH_PARAM, "the revocation endpoint needs a policy"
                        + " rule for action 'revoke' on resource kind 'portcullis'");
            }
        }
        if (routes.unmatched() == RouteTable.Unmatched.AUTHENTICATED && !routes.routes().isEmpty()) {
            LOG.info("paths outside the route table need authentication only (set 'unmatched: deny' to refuse them)");
        }
    }

    /**
     * Builds the engine from the filter's settings: {@link Portcullis#fromSettings}. A subclass
     * may build it from parts instead (its own decision-log sink, attribute source); the filter
     * owns what this returns and closes it in {@link #destroy()}.
     */
    protected Portcullis createEngine(Settings settings) {
        return Portcullis.fromSettings(settings, java.time.Clock.systemUTC(), b -> {
            if (metricsRegistry != null) {
                try {
                    b.metrics(metricsRegistry);
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException(METRICS_REGISTRY_ATTRIBUTE, e.getMessage(), e);
                }
            }
            if (decisionListener != null) {
                b.decisionListener(decisionListener);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Consumer<String> listener(Object attribute) throws ServletException {
        if (attribute == null) {
            return null;
        }
        if (!(attribute instanceof Consumer)) {
            throw new ServletException("Portcullis configuration error: context attribute " + DECISION_LISTENER_ATTRIBUTE
                    + " must be a java.util.function.Consumer<String>, was " + attribute.getClass().getName());
        }
        return (Consumer<String>) attribute;
    }

    private static RouteTable loadRoutes(ServletContext context, String location) {
        try (InputStream in = open(context, location)) {
            if (in == null) {
                throw new ConfigurationException(ROUTES_PARAM, "'" + location + "' not found");
            }
            return RouteTable.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), location, ROUTES_PARAM);
        } catch (IOException e) {
            throw new ConfigurationException(ROUTES_PARAM, "cannot read '" + location + "': " + e.getMessage(), e);
        }
    }

    /** Turns {@code /WEB-INF/...} values of file settings into real paths of the unpacked application. */
    private static Settings resolveWebInfPaths(ServletContext context, Settings settings) {
        Map<String, String> resolved = new HashMap<>();
        for (String name : PATH_SETTINGS) {
            String value = settings.get(name).orElse(null);
            if (value != null && (value.startsWith("/WEB-INF/") || value.startsWith("/META-INF/"))) {
                String real = context.getRealPath(value);
                if (real == null) {
                    throw new ConfigurationException(name, "'" + value + "' has no file system path (the WAR is not"
                            + " unpacked); use a classpath: location or an absolute path");
                }
                resolved.put(name, real);
            }
        }
        return resolved.isEmpty() ? settings : settings.with(resolved);
    }

    private static void closeQuietly(Portcullis portcullis) {
        if (portcullis != null) {
            portcullis.close();
        }
    }

    private static Map<String, String> readConfigFile(ServletContext context, String location) throws ServletException {
        if (location == null || location.isBlank()) {
            return Map.of();
        }
        Properties properties = new Properties();
        try (InputStream in = open(context, location.trim())) {
            if (in == null) {
                throw new ServletException("Portcullis configuration error: " + CONFIG_PARAM + ": '" + location
                        + "' not found");
            }
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ServletException("Portcullis configuration error: " + CONFIG_PARAM + ": cannot read '"
                    + location + "': " + e.getMessage(), e);
        }
        Map<String, String> out = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            out.put(name, properties.getProperty(name));
        }
        return out;
    }

    private static InputStream open(ServletContext context, String location) throws IOException {
        if (location.startsWith("classpath:")) {
            String resource = location.substring("classpath:".length()).replaceFirst("^/", "");
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            return (loader != null ? loader : PortcullisFilter.class.getClassLoader()).getResourceAsStream(resource);
        }
        if (location.startsWith("/WEB-INF/") || location.startsWith("/META-INF/")) {
            return context.getResourceAsStream(location);
        }
        Path path = Path.of(location);
        return Files.isReadable(path) ? Files.newInputStream(path) : null;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest) || !(res instanceof HttpServletResponse)) {
            chain.doFilter(req, res);
            return;
        }
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        request.setAttribute(Portcullis.ENGINE_ATTRIBUTE, engine); // for the JAX-RS adapter, which sees no context attributes
        request.removeAttribute(AdapterHandoff.OUTCOME_ATTRIBUTE); // set again below only if this engine admits
        String method = request.getMethod();
        DispatchedPath dispatched;
        try {
            // every decision below is made on this one path: the one the container dispatched
            dispatched = DispatchedPath.of(request);
        } catch (PortcullisException e) {
            answer(request, response, Outcome.refused(method,
                    RequestPaths.withoutParameters(request.getRequestURI()), e, realm));
            return;
        }
        String path = dispatched.path();
        request.setAttribute(AdapterHandoff.PATH_ATTRIBUTE, path); // the JAX-RS adapter records this path too
        Requirement own = path.equals(pushPath) ? Requirement.signalPush()
                : path.equals(logoutPath) ? Requirement.backchannelLogout() : null;
        if (publicPaths.matches(path) && own == null) {
            chain.doFilter(request, response);
            return;
        }
        Outcome outcome;
        try {
            outcome = engine.decide(AccessRequest.builder(method, path)
                    .authorization(headers(request))
                    .dpop(values(request.getHeaders("DPoP")))
                    .url(() -> request.getRequestURL().toString())
                    .clientCertificate(clientCertificate(request))
                    .query(request.getQueryString())
                    .parameters(name -> values(request, name))
                    .requirement(own != null ? own : revokePath != null && revokePath.equals(path) ? Requirement.revocation()
                            : healthPath != null && healthPath.equals(path) ? Requirement.health()
                            : Requirement.route(routes.match(method, dispatched.segments()), routes.unmatched()))
                    .body(own == null ? null : request.getContentType(), own == null ? null : request::getInputStream)
                    .realm(realm)
                    .continuable() // the JAX-RS adapter may continue it: one count per request
                    .build());
        } catch (RuntimeException e) {
            outcome = Outcome.internalError(method, path, e);
        }
        switch (outcome.kind()) {
            case ADMITTED:
                if (!outcome.authorizations().isEmpty()) {
                    // the allowing decision, with its rule outputs, for the application
                    request.setAttribute(Portcullis.AUTHORIZATION_ATTRIBUTE,
                            outcome.authorizations().get(outcome.authorizations().size() - 1));
                }
                request.setAttribute(AdapterHandoff.OUTCOME_ATTRIBUTE, outcome);
                Set<String> roles = outcome.roles();
                try {
                    chain.doFilter(new AuthenticatedRequest(request, outcome.token(), () -> roles), response);
                } finally {
                    settleAfterChain(request, outcome);
                }
                return;
            case HANDLED:
                // the engine's own endpoints (revocation, health, signals, back-channel logout): done
                writeHandled(response, outcome);
                return;
            case REFUSED:
            default:
                answer(request, response, outcome);
        }
    }

    /**
     * Counts the request in {@code portcullis.requests} unless a JAX-RS step continued it: at once,
     * or, when the chain left the request in asynchronous mode, when its asynchronous cycle ends.
     * A JAX-RS check in an {@code AsyncContext.dispatch} runs after this filter has returned and
     * continues this outcome, so counting it here would count the request twice.
     */
    private static void settleAfterChain(HttpServletRequest request, Outcome outcome) {
        if (request.isAsyncStarted()) { // still true here after the chain called dispatch() or complete()
            try {
                request.getAsyncContext().addListener(new SettleOnEnd(outcome));
                return;
            } catch (IllegalStateException e) {
                // the cycle has already ended: count it now
            }
        }
        outcome.settle();
    }

    /** Settles an outcome when its request's asynchronous cycle ends, however it ends. */
    private static final class SettleOnEnd implements AsyncListener {
        private final Outcome outcome;

        SettleOnEnd(Outcome outcome) {
            this.outcome = outcome;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            outcome.settle();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            outcome.settle();
        }

        @Override
        public void onError(AsyncEvent event) {
            outcome.settle();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this); // a new cycle: listen to its end too
        }
    }

    private static void writeHandled(HttpServletResponse response, Outcome outcome) throws IOException {
        response.setStatus(outcome.handledStatus());
        response.setHeader("Cache-Control", "no-store");
        if (outcome.handledRetryAfter() > 0) {
            response.setHeader("Retry-After", Long.toString(outcome.handledRetryAfter()));
        }
        if (outcome.handledAllow() != null) {
            response.setHeader("Allow", outcome.handledAllow());
        }
        if (outcome.handledBody() != null) {
            byte[] body = outcome.handledBody().getBytes(StandardCharsets.UTF_8);
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }

    private static List<String> values(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        return values == null ? List.of() : List.of(values);
    }

    /** The TLS client's certificate the container verified (RFC 8705 §3), or null. */
    static X509Certificate clientCertificate(HttpServletRequest request) {
        Object chain = request.getAttribute(CLIENT_CERTIFICATE_ATTRIBUTE);
        return chain instanceof X509Certificate[] && ((X509Certificate[]) chain).length > 0
                ? ((X509Certificate[]) chain)[0] : null;
    }

    /** The values of a header: none (the usual case for all but one header) without a list per request. */
    private static List<String> values(Enumeration<String> values) {
        if (values == null || !values.hasMoreElements()) {
            return List.of();
        }
        String first = values.nextElement();
        if (!values.hasMoreElements()) {
            return Collections.singletonList(first);
        }
        List<String> all = new ArrayList<>(2);
        all.add(first);
        all.addAll(Collections.list(values));
        return all;
    }

    private static List<String> headers(HttpServletRequest request) {
        return values(request.getHeaders("Authorization"));
    }

    /** Answers with the refusal (already logged by the engine), except on an INCLUDE dispatch. */
    private static void answer(HttpServletRequest request, HttpServletResponse response, Outcome outcome)
            throws IOException {
        Refusal refusal = outcome.refusal();
        if (request.getDispatcherType() == DispatcherType.INCLUDE) {
            // the container ignores an included resource's status and headers, and the body belongs
            // to the including page (which may have used the writer): only skip the target
            request.setAttribute(INCLUDE_REFUSAL_ATTRIBUTE, refusal.reason() == null ? "internal_error"
                    : refusal.reason().code());
            return;
        }
        write(response, refusal);
    }

    static void write(HttpServletResponse response, Refusal refusal) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.reset();
        response.setStatus(refusal.status());
        for (Map.Entry<String, String> h : refusal.headers().entrySet()) {
            response.setHeader(h.getKey(), h.getValue());
        }
        byte[] body = refusal.body().getBytes(StandardCharsets.UTF_8);
        response.setContentType(Refusal.PROBLEM_JSON);
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The engine this filter built (after {@link #init}). */
    public Portcullis engine() {
        return engine;
    }

    @Override
    public void destroy() {
        if (engine != null) {
            engine.close();
        }
    }
}
