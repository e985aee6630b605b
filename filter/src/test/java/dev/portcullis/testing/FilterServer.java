package dev.portcullis.testing;

import dev.portcullis.Portcullis;
import dev.portcullis.servlet.PortcullisFilter;
import dev.portcullis.token.VerifiedToken;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An embedded Jetty 12 (ee10) server on {@code 127.0.0.1}, port 0, with {@link PortcullisFilter}
 * registered as a web application would: a {@link FilterHolder} with init-params, mapped to
 * {@code /*} for REQUEST dispatches (or {@linkplain Builder#dispatcherTypes others}) under the
 * root context (or {@linkplain Builder#contextPath another}), in front of an echo servlet at {@code /*} that counts its
 * invocations and answers {@code text/plain} lines {@code principal=}, {@code remoteUser=},
 * {@code authType=}, {@code subject=}, {@code issuer=}, and a public {@code /health} servlet
 * answering {@code ok}.
 *
 * <pre>{@code
 * try (FilterServer app = FilterServer.builder()
 *         .param("portcullis.issuer", idp.issuer())
 *         .param("portcullis.audience", "api")
 *         .param("portcullis.jwks-uri", idp.jwksUri().toString())
 *         .param("portcullis.public-paths", "/health")
 *         .start()) {
 *     HttpResponse<String> r = app.get("/orders", "Authorization", "Bearer " + token);
 * }
 * }</pre>
 *
 * <p>If the filter's {@code init} fails, {@link Builder#start()} throws the container's startup
 * exception (its cause chain holds the {@code ServletException}) and the server is stopped.
 *
 * <p>Thread safety: thread-safe once started.
 */
public final class FilterServer implements AutoCloseable {
    private final Server server;
    private final ServletContextHandler context;
    private final HttpClient client;
    private final AtomicInteger invocations = new AtomicInteger();
    private final AtomicReference<Object> lastIdentity = new AtomicReference<>();
    private final AtomicReference<Principal> lastPrincipal = new AtomicReference<>();

    private FilterServer(Builder b) {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath(b.contextPath);
        b.attributes.forEach(context::setAttribute);
        b.contextParams.forEach(context::setInitParameter);
        if (b.resourceBase != null) {
            context.setBaseResourceAsPath(b.resourceBase);
        }
        FilterHolder filter = new FilterHolder(b.filter);
        filter.setName("portcullis");
        filter.setInitParameters(b.params);
        context.addFilter(filter, "/*", b.dispatcherTypes);
        context.addServlet(new ServletHolder("echo", new EchoServlet()), "/*");
        context.addServlet(new ServletHolder("health", new HealthServlet()), "/health");
        for (Map.Entry<String, HttpServlet> s : b.servlets.entrySet()) {
            context.addServlet(new ServletHolder(s.getValue()), s.getKey());
        }
        if (!b.errorPages.isEmpty()) {
            ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
            b.errorPages.forEach(errors::addErrorPage);
            context.setErrorHandler(errors);
        }
        server.setHandler(context);
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The absolute URI of {@code pathAndQuery}, which starts with {@code /} and includes the context
     * path if the application has one.
     */
    public URI uri(String pathAndQuery) {
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** GET with header name/value pairs (a name may repeat: each pair is one header line). */
    public HttpResponse<String> get(String pathAndQuery, String... headers) {
        return send(request(pathAndQuery, headers).GET().build());
    }

    /** POST of an {@code application/x-www-form-urlencoded} body. */
    public HttpResponse<String> postForm(String pathAndQuery, String form, String... headers) {
        return send(request(pathAndQuery, headers)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    /** A GET with one {@code Authorization: Bearer <token>} header. */
    public HttpResponse<String> getWithToken(String pathAndQuery, String token) {
        return get(pathAndQuery, "Authorization", "Bearer " + token);
    }

    /** A request builder for this server with header pairs and a 30 s deadline. */
    public HttpRequest.Builder request(String pathAndQuery, String... headers) {
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("headers come in name/value pairs");
        }
        HttpRequest.Builder r = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return r;
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("request to " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Sends {@code request} verbatim over a new socket (use {@code \r\n} line ends and
     * {@code Connection: close}) and returns the whole raw response; for requests an HTTP client
     * would refuse or normalise, such as repeated headers.
     */
    public String raw(String request) {
        URI u = uri("/");
        try (Socket socket = new Socket(u.getHost(), u.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalStateException("raw request failed", e);
        }
    }

    public HttpClient client() {
        return client;
    }

    /** Times the echo servlet (the protected application) ran. */
    public int invocations() {
        return invocations.get();
    }

    /** The {@value Portcullis#IDENTITY_ATTRIBUTE} request attribute the echo servlet last saw. */
    public Object lastIdentity() {
        return lastIdentity.get();
    }

    /** The user principal the echo servlet last saw. */
    public Principal lastPrincipal() {
        return lastPrincipal.get();
    }

    /** The engine the filter published in the servlet context. */
    public Portcullis engine() {
        return (Portcullis) context.getServletContext().getAttribute(Portcullis.ENGINE_ATTRIBUTE);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop Jetty", e);
        }
    }

    private final class EchoServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            invocations.incrementAndGet();
            Object identity = req.getAttribute(Portcullis.IDENTITY_ATTRIBUTE);
            lastIdentity.set(identity);
            Principal p = req.getUserPrincipal();
            lastPrincipal.set(p);
            StringBuilder out = new StringBuilder();
            out.append("principal=").append(p == null ? "" : p.getName()).append('\n');
            out.append("remoteUser=").append(nullToEmpty(req.getRemoteUser())).append('\n');
            out.append("authType=").append(nullToEmpty(req.getAuthType())).append('\n');
            out.append("inRoleAdmin=").append(req.isUserInRole("admin")).append('\n');
            if (identity instanceof VerifiedToken) {
                VerifiedToken t = (VerifiedToken) identity;
                out.append("subject=").append(t.subject()).append('\n');
                out.append("issuer=").append(t.issuer()).append('\n');
            }
            resp.setContentType("text/plain;charset=utf-8");
            resp.getWriter().write(out.toString());
        }

        private String nullToEmpty(String s) {
            return s == null ? "" : s;
        }
    }

    private static final class HealthServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain;charset=utf-8");
            resp.getWriter().write("ok");
        }
    }

    /**
     * Configures a {@link FilterServer}.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, String> params = new LinkedHashMap<>();
        private final Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        private Class<? extends Filter> filter = PortcullisFilter.class;
        private String contextPath = "/";
        private Path resourceBase;
        private EnumSet<DispatcherType> dispatcherTypes = EnumSet.of(DispatcherType.REQUEST);
        private final Map<Integer, String> errorPages = new LinkedHashMap<>();
        private final Map<String, Object> attributes = new LinkedHashMap<>();
        private final Map<String, String> contextParams = new LinkedHashMap<>();

        private Builder() {
        }

        /** One filter init-param. */
        public Builder param(String name, String value) {
            params.put(name, value);
            return this;
        }

        public Builder params(Map<String, String> values) {
            params.putAll(values);
            return this;
        }

        /**
         * Init-params trusting issuer {@value Tokens#ISSUER} (the {@link Tokens} default) with the keys
         * of {@code idp}'s JWKS, for audience {@value Tokens#AUDIENCE}.
         */
        public Builder trusting(JwksServer idp) {
            return param("portcullis.issuer", Tokens.ISSUER)
                    .param("portcullis.audience", Tokens.AUDIENCE)
                    .param("portcullis.jwks-uri", idp.jwksUri().toString());
        }

        /** Another servlet next to the echo and health servlets. */
        public Builder servlet(String pathSpec, HttpServlet servlet) {
            servlets.put(pathSpec, servlet);
            return this;
        }

        /** The filter class (default {@link PortcullisFilter}). */
        public Builder filter(Class<? extends Filter> filterClass) {
            this.filter = filterClass;
            return this;
        }

        /** The dispatcher types the filter is mapped for (default {@code REQUEST} only). */
        public Builder dispatcherTypes(DispatcherType first, DispatcherType... rest) {
            this.dispatcherTypes = EnumSet.of(first, rest);
            return this;
        }

        /** An error page: the container dispatches (ERROR) to {@code path} for {@code status}. */
        public Builder errorPage(int status, String path) {
            errorPages.put(status, path);
            return this;
        }

        /** A servlet context attribute, set before the filter starts (such as the metrics registry). */
        /** A context-param ({@code <context-param>} in web.xml) of the application. */
        public Builder contextParam(String name, String value) {
            contextParams.put(name, value);
            return this;
        }

        public Builder attribute(String name, Object value) {
            attributes.put(name, value);
            return this;
        }

        /** The context path of the application (default {@code /}, the root context). */
        public Builder contextPath(String path) {
            this.contextPath = path;
            return this;
        }

        /** The web application's root directory (for {@code /WEB-INF/...} resources). */
        public Builder resourceBase(Path dir) {
            this.resourceBase = dir;
            return this;
        }

        /** Starts the server; on a startup failure stops it again and rethrows. */
        public FilterServer start() throws Exception {
            FilterServer s = new FilterServer(this);
            try {
                s.server.start();
            } catch (Exception e) {
                s.server.stop();
                throw e;
            }
            if (s.context.isFailed() || !s.context.isAvailable()) {
                s.server.stop();
                throw new IllegalStateException("the servlet context is unavailable after start");
            }
            return s;
        }
    }
}
