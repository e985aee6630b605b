package dev.portcullis.security;

import dev.portcullis.servlet.PortcullisFilter;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;

import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.portcullis.security.AttackSupport.prompt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A static welcome page behind the filter on embedded Jetty 12 (ee10 {@code DefaultServlet},
 * welcome file {@code index.html}, the application under {@code /app}): {@code GET /app/dir/} and
 * {@code GET /app/dir/index.html} are decided on the dispatched path, a viewer is refused and an
 * admin served on both, and the attack spellings of the directory are refused or decided on the
 * dispatched path, never let through as unmatched. Jetty takes the request under the directory's
 * own servlet path ({@code /dir/}) and forwards to the welcome file; the shape Tomcat produces (servlet path
 * {@code /dir/index.html} for {@code /app/dir/}) is tested on embedded Tomcat in
 * {@code it/ EmbeddedTomcatWelcomeFileIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WelcomeFileTest {
    static final String PAGE = "<html>welcome to the admin directory</html>";
    static final String ROUTES = String.join("\n",
            "routes:",
            "  - {route: 'GET /dir', resource: page, action: read}",
            "  - {route: 'GET /dir/{file}', resource: page, action: read}",
            "");
    static final String POLICY = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: page",
            "  version: default",
            "  rules:",
            "    - actions: ['read']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['admin']",
            "");
    static final String PRINCIPALS = String.join("\n",
            "principals:",
            "  - {issuer: '" + Tokens.ISSUER + "', subject: alice, roles: [admin]}",
            "  - {issuer: '" + Tokens.ISSUER + "', subject: carol, roles: [viewer]}",
            "");

    /** Dispatcher type and servlet path of each dispatch that passed the filter (seen by a filter behind it). */
    private final List<String> passed = new CopyOnWriteArrayList<>();
    private Path dir;
    private JwksServer idp;
    private Server server;
    private int port;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("welcome");
        Files.createDirectories(dir.resolve("policies"));
        Files.createDirectories(dir.resolve("webapp/dir"));
        Files.writeString(dir.resolve("policies/page.yaml"), POLICY);
        Files.writeString(dir.resolve("routes.yaml"), ROUTES);
        Files.writeString(dir.resolve("principals.yaml"), PRINCIPALS);
        Files.writeString(dir.resolve("webapp/dir/index.html"), PAGE);
        Files.writeString(dir.resolve("webapp/open.html"), "open page");
        idp = JwksServer.serving(TestKeys.rsa());

        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/app");
        context.setBaseResourceAsPath(dir.resolve("webapp"));
        context.setWelcomeFiles(new String[] {"index.html"});
        FilterHolder portcullis = new FilterHolder(PortcullisFilter.class);
        portcullis.setInitParameter("portcullis.issuer", Tokens.ISSUER);
        portcullis.setInitParameter("portcullis.audience", Tokens.AUDIENCE);
        portcullis.setInitParameter("portcullis.jwks-uri", idp.jwksUri().toString());
        portcullis.setInitParameter("portcullis.attributes.source", "file");
        portcullis.setInitParameter("portcullis.attributes.file", dir.resolve("principals.yaml").toString());
        portcullis.setInitParameter("portcullis.policy.dir", dir.resolve("policies").toString());
        portcullis.setInitParameter("portcullis.routes", dir.resolve("routes.yaml").toString());
        context.addFilter(portcullis, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD));
        Filter recorder = (req, resp, chain) -> {
            passed.add(req.getDispatcherType() + " " + ((HttpServletRequest) req).getServletPath());
            chain.doFilter(req, resp);
        };
        context.addFilter(new FilterHolder(recorder), "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD));
        context.addServlet(new ServletHolder("default", DefaultServlet.class), "/");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
        for (int i = 0; i < 3; i++) { // key fetch and JIT warm-up do not count against the prompt limit
            assertThat(get("/app/open.html", "alice")).startsWith("HTTP/1.1 200 ");
        }
    }

    @AfterAll
    void stop() throws Exception {
        server.stop();
        idp.close();
        for (String f : new String[] {"policies/page.yaml", "policies", "routes.yaml", "principals.yaml",
                "webapp/dir/index.html", "webapp/dir", "webapp/open.html", "webapp", ""}) {
            Files.deleteIfExists(dir.resolve(f));
        }
    }

    private String get(String target, String subject) {
        String token = Tokens.signedWith(TestKeys.rsa()).subject(subject).expiresIn(Duration.ofMinutes(30)).sign();
        return prompt(() -> raw("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + token + "\r\nConnection: close\r\n\r\n"));
    }

    private String raw(String request) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void welcomeFileWhenViewerThen403AndPageNotServed() {
        String directory = get("/app/dir/", "carol");
        assertThat(directory).startsWith("HTTP/1.1 403 ").contains("application/problem+json")
                .contains("\"access_denied\"").doesNotContain(PAGE);
        String file = get("/app/dir/index.html", "carol");
        assertThat(file).startsWith("HTTP/1.1 403 ").contains("\"access_denied\"").doesNotContain(PAGE);
    }

    @Test
    void welcomeFileWhenAdminThenPageServedOnDirectoryAndFile() {
        passed.clear();
        assertThat(get("/app/dir/", "alice")).startsWith("HTTP/1.1 200 ").contains(PAGE);
        // Jetty 12's DefaultServlet takes the request at the directory's own servlet path (decided
        // on /dir/) and forwards to the welcome file (decided again on /dir/index.html when the
        // filter is mapped for FORWARD)
        assertThat(passed).containsExactly("REQUEST /dir/", "FORWARD /dir/index.html");
        passed.clear();
        assertThat(get("/app/dir/index.html", "alice")).startsWith("HTTP/1.1 200 ").contains(PAGE);
        assertThat(passed).containsExactly("REQUEST /dir/index.html");
    }

    @Test
    void unroutedStaticFileWhenViewerThenServed() {
        // positive control: the viewer's token works and unrouted static files are served to it
        assertThat(get("/app/open.html", "carol")).startsWith("HTTP/1.1 200 ").contains("open page");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/app/dir/./", "/app//dir/", "/app/dir/%2e/", "/app/x/../dir/", "/app/dir/;x=1",
            "/app/dir//", "/app/./dir/index.html", "/app/dir/%69ndex.html"})
    void welcomeFileWhenSpelledOtherwiseThenRefusedOrDecidedOnDispatchedPath(String target) {
        String viewer = get(target, "carol");
        assertThat(viewer).as(target).doesNotContain(PAGE).matches("(?s)HTTP/1\\.1 (400|403|404) .*");
        String admin = get(target, "alice");
        assertThat(admin).as(target).matches("(?s)HTTP/1\\.1 (200 .*" + PAGE + ".*|400 .*|404 .*)");
    }
}
