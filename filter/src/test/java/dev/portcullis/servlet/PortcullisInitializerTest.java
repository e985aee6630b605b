package dev.portcullis.servlet;

import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PortcullisInitializer} on a real embedded Jetty 12 (ee10): the initializer is added to a
 * {@link ServletContextHandler} exactly as a container adds one found through
 * {@code META-INF/services}, and requests go over HTTP.
 */
class PortcullisInitializerTest {
    @TempDir
    Path dir;

    private Server server;
    private final HttpClient client = HttpClient.newHttpClient();
    /** What the application's own filter, mapped after Portcullis, saw as the principal. */
    private final AtomicReference<String> appFilterSaw = new AtomicReference<>();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    /** A web application directory with WEB-INF/portcullis.properties trusting the test RSA key. */
    private Path webapp(String... extraLines) throws IOException {
        Path base = dir.resolve("webapp");
        Files.createDirectories(base.resolve("WEB-INF"));
        Files.writeString(base.resolve("WEB-INF/portcullis.properties"), properties(extraLines));
        return base;
    }

    private String properties(String... extraLines) throws IOException {
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, TestKeys.jwks(TestKeys.rsa()));
        StringBuilder sb = new StringBuilder()
                .append("portcullis.issuer=").append(Tokens.ISSUER).append('\n')
                .append("portcullis.audience=").append(Tokens.AUDIENCE).append('\n')
                .append("portcullis.jwks-file=").append(jwks.toString().replace("\\", "/")).append('\n');
        for (String line : extraLines) {
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    private ServletContextHandler context(Path base) {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        if (base != null) {
            context.setBaseResourceAsPath(base);
        }
        context.addServlet(new ServletHolder("report", new ReportServlet()), "/*");
        server.setHandler(context);
        return context;
    }

    /** The application's own filter, declared as web.xml would: it reads the principal. */
    private void addAppFilter(ServletContextHandler context) {
        FilterHolder holder = new FilterHolder(new Filter() {
            @Override
            public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
                    throws IOException, jakarta.servlet.ServletException {
                Principal p = ((HttpServletRequest) req).getUserPrincipal();
                appFilterSaw.set(p == null ? "none" : p.getName());
                chain.doFilter(req, res);
            }
        });
        holder.setName("app-filter");
        context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String token() {
        return Tokens.signedWith(TestKeys.rsa()).sign();
    }

    private Map<String, ? extends FilterRegistration> registrations(ServletContextHandler context) {
        return context.getServletContext().getFilterRegistrations();
    }

    @Test
    void onStartupWhenWebInfPropertiesThenRequestWithoutTokenIsRefused() throws Exception {
        ServletContextHandler context = context(webapp());
        context.addServletContainerInitializer(new PortcullisInitializer());
        server.start();

        HttpResponse<String> r = get("/orders", null);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }

    @Test
    void onStartupWhenWebInfPropertiesThenGoodTokenPassesOnceWithPrincipal() throws Exception {
        ServletContextHandler context = context(webapp());
        context.addServletContainerInitializer(new PortcullisInitializer());
        server.start();

        HttpResponse<String> r = get("/orders", token());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("principal=alice").contains("portcullis-passes=1");
        FilterRegistration registration = registrations(context).get(PortcullisInitializer.FILTER_NAME);
        assertThat(registration.getClassName()).isEqualTo(PortcullisFilter.class.getName());
        assertThat(registration.getInitParameter(PortcullisFilter.CONFIG_PARAM))
                .isEqualTo(PortcullisInitializer.WEB_INF_LOCATION);
        assertThat(registration.getUrlPatternMappings()).containsExactly("/*");
    }

    @Test
    void onStartupWhenNoPropertiesFileThenNoFilterIsRegistered() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty/WEB-INF")).getParent();
        ServletContextHandler context = context(empty);
        context.addServletContainerInitializer(new PortcullisInitializer());
        server.start();

        HttpResponse<String> r = get("/orders", null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("principal=none").contains("portcullis-passes=0");
        assertThat(registrations(context)).doesNotContainKey(PortcullisInitializer.FILTER_NAME);
    }

    @Test
    void onStartupWhenClasspathPropertiesThenFilterUsesClasspathLocation() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(classes.resolve(PortcullisInitializer.PROPERTIES_FILE), properties());
        Path empty = Files.createDirectories(dir.resolve("empty/WEB-INF")).getParent();
        ServletContextHandler context = context(empty);
        ClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        context.setClassLoader(loader);
        context.addServletContainerInitializer(new PortcullisInitializer());
        server.start();

        assertThat(get("/orders", null).statusCode()).isEqualTo(401);
        HttpResponse<String> ok = get("/orders", token());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(registrations(context).get(PortcullisInitializer.FILTER_NAME)
                .getInitParameter(PortcullisFilter.CONFIG_PARAM)).isEqualTo("classpath:portcullis.properties");
    }

    @Test
    void onStartupWhenSubclassAlreadyDeclaredThenNoSecondRegistration() throws Exception {
        ServletContextHandler context = context(webapp());
        FilterHolder declared = new FilterHolder(AppPortcullis.class);
        declared.setName("declared-portcullis");
        declared.setInitParameter(PortcullisFilter.CONFIG_PARAM, PortcullisInitializer.WEB_INF_LOCATION);
        context.addFilter(declared, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServletContainerInitializer(new PortcullisInitializer());
        server.start();

        HttpResponse<String> r = get("/orders", token());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("portcullis-passes=1");
        assertThat(registrations(context)).containsOnlyKeys("declared-portcullis");
    }

    @Test
    void onStartupWhenCalledTwiceThenRegistersOnce() throws Exception {
        ServletContextHandler context = context(webapp());
        context.addServletContainerInitializer(new PortcullisInitializer());
        context.addServletContainerInitializer(new PortcullisInitializer());
        server.start();

        HttpResponse<String> r = get("/orders", token());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("portcullis-passes=1");
        assertThat(registrations(context)).containsOnlyKeys(PortcullisInitializer.FILTER_NAME);
    }

    @Test
    void onStartupWhenAppFilterDeclaredThenPortcullisRunsFirst() throws Exception {
        ServletContextHandler context = context(webapp());
        addAppFilter(context);
        context.addServletContainerInitializer(new PortcullisInitializer());
        server.start();

        HttpResponse<String> r = get("/orders", token());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(appFilterSaw.get()).isEqualTo("alice");
    }

    @Test
    void onStartupWhenAppFilterDeclaredThenRefusalHappensBeforeIt() throws Exception {
        ServletContextHandler context = context(webapp());
        addAppFilter(context);
        context.addServletContainerInitializer(new PortcullisInitializer());
        server.start();

        assertThat(get("/orders", null).statusCode()).isEqualTo(401);
        assertThat(appFilterSaw.get()).isNull();
    }

    @Test
    void onStartupWhenUrlPatternsSetThenOnlyThosePathsAreGuarded() throws Exception {
        ServletContextHandler context = context(webapp("portcullis.url-patterns=/api/*, /admin"));
        context.addServletContainerInitializer(new PortcullisInitializer());
        server.start();

        assertThat(get("/api/orders", null).statusCode()).isEqualTo(401);
        assertThat(get("/admin", null).statusCode()).isEqualTo(401);
        assertThat(get("/public", null).statusCode()).isEqualTo(200);
        assertThat(registrations(context).get(PortcullisInitializer.FILTER_NAME).getUrlPatternMappings())
                .containsExactlyInAnyOrder("/api/*", "/admin");
    }

    @Test
    void onStartupWhenAutoRegisterFalseThenNoFilterIsRegistered() throws Exception {
        ServletContextHandler context = context(webapp("portcullis.auto-register=false"));
        context.addServletContainerInitializer(new PortcullisInitializer());
        server.start();

        assertThat(get("/orders", null).statusCode()).isEqualTo(200);
        assertThat(registrations(context)).doesNotContainKey(PortcullisInitializer.FILTER_NAME);
    }

    @Test
    void onStartupWhenDispatcherTypeUnknownThenDeploymentFailsNamingTheSetting() throws Exception {
        ServletContextHandler context = context(webapp("portcullis.dispatcher-types=REQUEST,LATER"));
        context.addServletContainerInitializer(new PortcullisInitializer());

        assertThatThrownBy(server::start).hasStackTraceContaining("portcullis.dispatcher-types")
                .hasStackTraceContaining("'LATER'");
    }

    @Test
    void onStartupWhenDispatcherTypesValidThenFilterIsMappedForThem() throws Exception {
        ServletContextHandler context = context(webapp("portcullis.dispatcher-types=request,ASYNC"));
        context.addServletContainerInitializer(new PortcullisInitializer());
        server.start();

        assertThat(get("/orders", null).statusCode()).isEqualTo(401);
        assertThat(PortcullisInitializer.dispatcherTypes(dev.portcullis.config.Settings.of(
                Map.of(PortcullisInitializer.DISPATCHER_TYPES, "request,ASYNC"))))
                .containsExactlyInAnyOrder(DispatcherType.REQUEST, DispatcherType.ASYNC);
    }

    @Test
    void urlPatternsWhenMalformedThenFailsNamingTheSetting() {
        assertThatThrownBy(() -> PortcullisInitializer.urlPatterns(dev.portcullis.config.Settings.of(
                Map.of(PortcullisInitializer.URL_PATTERNS, "/api/*/x"))))
                .hasMessageContaining("portcullis.url-patterns").hasMessageContaining("'/api/*/x'");
    }

    @Test
    void urlPatternsWhenWellFormedThenReturned() {
        assertThat(PortcullisInitializer.urlPatterns(dev.portcullis.config.Settings.of(
                Map.of(PortcullisInitializer.URL_PATTERNS, "/api/*,*.jsp,/exact"))))
                .containsExactly("/api/*", "*.jsp", "/exact");
        assertThat(PortcullisInitializer.urlPatterns(dev.portcullis.config.Settings.of(Map.of())))
                .containsExactly("/*");
    }

    @Test
    void onStartupWhenOtherFilterNamedPortcullisThenDeploymentFails() throws Exception {
        ServletContextHandler context = context(webapp());
        FilterHolder other = new FilterHolder((Filter) (req, res, chain) -> chain.doFilter(req, res));
        other.setName(PortcullisInitializer.FILTER_NAME);
        context.addFilter(other, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServletContainerInitializer(new PortcullisInitializer());

        assertThatThrownBy(server::start).hasStackTraceContaining("another filter named 'portcullis'");
    }

    /** The one-line subclass an application annotates with {@code @WebFilter}. */
    public static class AppPortcullis extends PortcullisFilter {
    }

    /**
     * Reports the principal and how many times Portcullis wrapped the request (its
     * {@code AuthenticatedRequest}): exactly one pass per request proves one registration.
     */
    static final class ReportServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            int passes = 0;
            for (ServletRequest r = req; r instanceof ServletRequestWrapper; r = ((ServletRequestWrapper) r).getRequest()) {
                if (r instanceof AuthenticatedRequest) {
                    passes++;
                }
            }
            Principal p = req.getUserPrincipal();
            resp.setContentType("text/plain");
            resp.getWriter().print("principal=" + (p == null ? "none" : p.getName()) + "\nportcullis-passes=" + passes + "\n");
        }
    }
}
