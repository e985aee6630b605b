package dev.portcullis.servlet;

import dev.portcullis.Portcullis;
import dev.portcullis.attributes.FileAttributeSource;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.policy.CerbosPolicyEvaluator;
import dev.portcullis.policy.PolicyLoadException;
import dev.portcullis.route.Route;
import dev.portcullis.route.RouteMatch;
import dev.portcullis.route.RouteTable;
import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
import dev.portcullis.Refusal;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.LogText;
import dev.portcullis.internal.RequestPaths;
import dev.portcullis.token.TokenSettings;
import dev.portcullis.token.VerifiedToken;

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
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

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
 *   <init-param><param-name>portcullis.issuer</param-name><param-value>https://idp.example.com</param-value></init-param>
 *   <init-param><param-name>portcullis.audience</param-name><param-value>orders-api</param-value></init-param>
 *   <init-param><param-name>portcullis.jwks-uri</param-name><param-value>https://idp.example.com/jwks</param-value></init-param>
 * </filter>
 * <filter-mapping><filter-name>portcullis</filter-name><url-pattern>/*</url-pattern></filter-mapping>
 * }</pre>
 *
 * <p>Or with one annotated class (this class stays non-final, with a public no-argument
 * constructor, for that purpose):
 * <pre>{@code @WebFilter(urlPatterns = "/*", initParams = @WebInitParam(name = PortcullisFilter.CONFIG_PARAM,
 *         value = "/WEB-INF/portcullis.properties"))
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
 *       {@value #REALM_PARAM} (default {@code portcullis}).</li>
 * </ul>
 * The README lists every setting with its default. A bad value fails {@link #init} with a
 * {@link ServletException} naming the setting, so the application does not start unprotected.
 *
 * <p>On success the request is wrapped: {@code getUserPrincipal()} and {@code getRemoteUser()}
 * give the token subject, {@code getAuthType()} is {@code "Bearer"}, and the {@link VerifiedToken}
 * is the request attribute {@value Portcullis#IDENTITY_ATTRIBUTE}. The engine is published as the
 * context attribute {@value Portcullis#ENGINE_ATTRIBUTE} for the JAX-RS adapter.
 *
 * <p>Thread safety: thread-safe after {@code init}.
 */
public class PortcullisFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(PortcullisFilter.class);

    /** Init-param naming a properties file of settings. */
    public static final String CONFIG_PARAM = "config";
    public static final String ISSUER_PARAM = TokenSettings.ISSUER;
    public static final String AUDIENCE_PARAM = TokenSettings.AUDIENCE;
    public static final String JWKS_URI_PARAM = TokenSettings.JWKS_URI;
    public static final String DISCOVERY_URI_PARAM = TokenSettings.DISCOVERY_URI;
    public static final String ALGORITHMS_PARAM = TokenSettings.ALGORITHMS;
    public static final String CLOCK_SKEW_PARAM = TokenSettings.CLOCK_SKEW;
    public static final String MAX_TOKEN_BYTES_PARAM = TokenSettings.MAX_TOKEN_BYTES;
    public static final String PUBLIC_PATHS_PARAM = "portcullis.public-paths";
    public static final String REALM_PARAM = "portcullis.realm";
    /**
     * Route table (YAML, see {@link RouteTable}) mapping endpoints to resource kinds and actions,
     * as {@code /WEB-INF/...}, {@code classpath:...} or a file path; default none (every
     * authenticated, active principal passes to the application).
     */
    public static final String ROUTES_PARAM = "portcullis.routes";
    /**
     * Path of the optional revocation endpoint ({@code POST <path>?subject=...[&issuer=...]}),
     * itself authorized by the policy action {@code revoke} on resource kind {@code portcullis};
     * default none (off).
     */
    public static final String ADMIN_REVOKE_PATH_PARAM = "portcullis.admin.revoke-path";
    /**
     * Request attribute set, on a refused INCLUDE dispatch, to the refusal's reason code (such as
     * {@code access_denied}): an include cannot change the including response's status or
     * headers, so the target is not run and nothing is written; the including page may look here.
     */
    public static final String INCLUDE_REFUSAL_ATTRIBUTE = "dev.portcullis.include-refusal";

    /** Settings naming files that may be given as {@code /WEB-INF/...} inside the web application. */
    private static final List<String> PATH_SETTINGS = List.of(CerbosPolicyEvaluator.POLICY_DIR,
            FileAttributeSource.FILE, TokenSettings.JWKS_FILE, TokenSettings.PUBLIC_KEY_FILE);

    private Portcullis engine;
    private PathMatcher publicPaths;
    private String realm;
    private boolean parameterTokensAllowed;
    private RouteTable routes;
    private String revokePath;

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
        try {
            Settings settings = resolveWebInfPaths(context, Settings.fromSystem(params, file));
            built = Portcullis.fromSettings(settings);
            init(settings, built, context);
        } catch (ConfigurationException e) {
            closeQuietly(built);
            throw new ServletException("Portcullis configuration error: " + e.getMessage(), e);
        } catch (PolicyLoadException e) {
            closeQuietly(built);
            // policies that do not load must stop the application like any other bad setting
            throw new ServletException("Portcullis configuration error: " + CerbosPolicyEvaluator.POLICY_DIR + ": "
                    + e.getMessage(), e);
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
        this.parameterTokensAllowed = settings.getBoolean(TokenSettings.ALLOW_INSECURE_QUERY_PARAMETER_TOKENS, false);
        this.routes = settings.get(ROUTES_PARAM).map(location -> loadRoutes(context, location)).orElse(RouteTable.empty());
        this.revokePath = settings.get(ADMIN_REVOKE_PATH_PARAM).orElse(null);
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
        DispatchedPath dispatched;
        try {
            // every decision below is made on this one path: the one the container dispatched
            dispatched = DispatchedPath.of(request);
        } catch (PortcullisException e) {
            refuse(request, response, e, null, null);
            return;
        }
        if (publicPaths.matches(dispatched.path())) {
            chain.doFilter(request, response);
            return;
        }
        String method = request.getMethod();
        String path = dispatched.path();
        VerifiedToken token;
        PrincipalAttributes principal;
        try {
            token = engine.authenticate(headers(request), parameterTokens(request));
            if (token == null) {
                throw new PortcullisException(Reason.MISSING_TOKEN, "no bearer token");
            }
            principal = engine.admit(token, method, path);
            if (revokePath != null && revokePath.equals(path)) {
                revoke(request, response, token, principal, path);
                return;
            }
            authorizeRoute(token, principal, method, dispatched);
        } catch (PortcullisException e) {
            refuse(request, response, e, e.decisionId(), path);
            return;
        } catch (RuntimeException e) {
            LOG.error("unexpected failure authorizing {} {}", LogText.safe(method), LogText.safe(path), e);
            writeInternalError(response);
            return;
        }
        Set<String> roles = principal.roles();
        chain.doFilter(new AuthenticatedRequest(request, token, () -> roles), response);
    }

    private void authorizeRoute(VerifiedToken token, PrincipalAttributes principal, String method,
                                DispatchedPath dispatched) throws PortcullisException {
        String path = dispatched.path();
        RouteMatch match = routes.match(method, dispatched.segments());
        switch (match.kind()) {
            case MATCHED:
                engine.authorize(token, principal, match.route().resourceKind(), match.resourceId(),
                        match.route().action(), method, path);
                return;
            case UNSAFE_PATH:
                throw new PortcullisException(Reason.INVALID_REQUEST, "path cannot be normalised safely", null, 0,
                        "The request path is not acceptable");
            case METHOD_NOT_ROUTED:
                throw engine.refuse(token, principal, Reason.ACCESS_DENIED, "no route allows this method here",
                        method, path);
            case UNMATCHED:
            default:
                if (routes.unmatched() == RouteTable.Unmatched.DENY) {
                    throw engine.refuse(token, principal, Reason.ACCESS_DENIED, "no route covers this path",
                            method, path);
                }
        }
    }

    /**
     * {@code POST <revoke-path>?subject=...[&issuer=...]}: revoke a principal of a configured
     * issuer, if the policy allows (see {@link dev.portcullis.RevocationEndpoint}).
     */
    private void revoke(HttpServletRequest request, HttpServletResponse response, VerifiedToken token,
                        PrincipalAttributes principal, String path) throws PortcullisException, IOException {
        boolean post = "POST".equals(request.getMethod()); // never read the body of another method
        engine.revocations().revoke(token, principal, request.getMethod(), post ? values(request, "subject") : List.of(),
                post ? values(request, "issuer") : List.of(), path);
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        response.setHeader("Cache-Control", "no-store");
    }

    private static List<String> values(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        return values == null ? List.of() : List.of(values);
    }

    private static List<String> headers(HttpServletRequest request) {
        Enumeration<String> values = request.getHeaders("Authorization");
        return values == null ? List.of() : Collections.list(values);
    }

    private List<String> parameterTokens(HttpServletRequest request) {
        if (parameterTokensAllowed) {
            String[] values = request.getParameterValues("access_token");
            return values == null ? List.of() : List.of(values);
        }
        // Without the insecure switch, only look at the query string: reading form parameters
        // would consume a body that belongs to the application.
        String query = request.getQueryString();
        if (query == null || !query.contains("access_token")) {
            return List.of();
        }
        List<String> found = new ArrayList<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (name.equals("access_token")) {
                found.add(eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        return found;
    }

    /**
     * Answers with the refusal; the log line names the dispatched path ({@code path}) or, when none
     * could be computed, the request URI without path parameters, escaped either way.
     */
    void refuse(HttpServletRequest request, HttpServletResponse response, PortcullisException e, String decisionId,
                String path) throws IOException {
        Reason reason = e.reason();
        if (reason.status() >= 500 || LOG.isDebugEnabled()) {
            String shown = LogText.safe(path != null ? path : RequestPaths.withoutParameters(request.getRequestURI()));
            if (reason.status() >= 500) {
                LOG.warn("{} {} refused: {} ({})", LogText.safe(request.getMethod()), shown, reason.code(),
                        LogText.safe(e.getMessage()));
            } else {
                LOG.debug("{} {} refused: {} ({})", LogText.safe(request.getMethod()), shown, reason.code(),
                        LogText.safe(e.getMessage()));
            }
        }
        if (request.getDispatcherType() == DispatcherType.INCLUDE) {
            // the container ignores an included resource's status and headers, and the body belongs
            // to the including page (which may have used the writer): only skip the target
            request.setAttribute(INCLUDE_REFUSAL_ATTRIBUTE, reason.code());
            return;
        }
        write(response, Refusal.of(e, realm, decisionId));
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

    private static void writeInternalError(HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.reset();
        response.setStatus(500);
        response.setContentType(Refusal.PROBLEM_JSON);
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(("{\"type\":\"" + dev.portcullis.Reason.TYPE_BASE
                + "internal_error\",\"title\":\"Internal error\",\"status\":500}").getBytes(StandardCharsets.UTF_8));
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
