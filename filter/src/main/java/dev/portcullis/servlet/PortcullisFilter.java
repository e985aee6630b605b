package dev.portcullis.servlet;

import dev.portcullis.Portcullis;
import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
import dev.portcullis.Refusal;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import dev.portcullis.token.TokenSettings;
import dev.portcullis.token.VerifiedToken;

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

    private Portcullis engine;
    private PathMatcher publicPaths;
    private String realm;
    private boolean parameterTokensAllowed;

    @Override
    public void init(FilterConfig config) throws ServletException {
        Map<String, String> params = new HashMap<>();
        Enumeration<String> names = config.getInitParameterNames();
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            if (!name.equals(CONFIG_PARAM)) {
                params.put(name, config.getInitParameter(name));
            }
        }
        Map<String, String> file = readConfigFile(config.getServletContext(), config.getInitParameter(CONFIG_PARAM));
        Settings settings = Settings.fromSystem(params, file);
        try {
            init(settings, Portcullis.fromSettings(settings));
        } catch (ConfigurationException e) {
            throw new ServletException("Portcullis configuration error: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // a builder check that no setting name was attached to: still fail closed, never start unprotected
            throw new ServletException("Portcullis configuration error: " + e.getMessage(), e);
        }
        config.getServletContext().setAttribute(Portcullis.ENGINE_ATTRIBUTE, engine);
        LOG.info("Portcullis filter '{}' protecting {} (public paths: {})", config.getFilterName(),
                config.getServletContext().getContextPath().isEmpty() ? "/" : config.getServletContext().getContextPath(),
                publicPaths);
    }

    private void init(Settings settings, Portcullis portcullis) {
        this.engine = portcullis;
        this.publicPaths = PathMatcher.of(PUBLIC_PATHS_PARAM, settings.getList(PUBLIC_PATHS_PARAM));
        this.realm = settings.get(REALM_PARAM, "portcullis");
        this.parameterTokensAllowed = settings.getBoolean(TokenSettings.ALLOW_INSECURE_QUERY_PARAMETER_TOKENS, false);
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
        if (publicPaths.matches(pathWithinApplication(request))) {
            chain.doFilter(request, response);
            return;
        }
        VerifiedToken token;
        try {
            token = engine.authenticate(headers(request), parameterTokens(request));
            if (token == null) {
                throw new PortcullisException(Reason.MISSING_TOKEN, "no bearer token");
            }
        } catch (PortcullisException e) {
            refuse(request, response, e, null);
            return;
        } catch (RuntimeException e) {
            LOG.error("unexpected failure authenticating {} {}", request.getMethod(), request.getRequestURI(), e);
            writeInternalError(response);
            return;
        }
        chain.doFilter(new AuthenticatedRequest(request, token, Set::of), response);
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

    static String pathWithinApplication(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? "/" : path;
    }

    void refuse(HttpServletRequest request, HttpServletResponse response, PortcullisException e, String decisionId)
            throws IOException {
        Reason reason = e.reason();
        if (reason.status() >= 500) {
            LOG.warn("{} {} refused: {} ({})", request.getMethod(), request.getRequestURI(), reason.code(), e.getMessage());
        } else {
            LOG.debug("{} {} refused: {} ({})", request.getMethod(), request.getRequestURI(), reason.code(), e.getMessage());
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
