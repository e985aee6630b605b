package dev.portcullis.it;

import dev.portcullis.servlet.PortcullisFilter;

import com.sun.net.httpserver.HttpServer;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;
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
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A static welcome page behind the filter on embedded Tomcat 11, the application under
 * {@code /app} with {@code DefaultServlet} at {@code /} and welcome file {@code index.html}.
 * Tomcat maps {@code GET /app/dir/} to the welcome file while mapping the request: servlet path
 * {@code /dir/index.html}, dispatcher type {@code REQUEST}; before the fix the filter refused
 * that with 400. Now it is decided on the dispatched path {@code /dir/index.html}: a viewer is
 * refused, an admin served, on the directory and on the file; other spellings of the directory
 * are refused or decided on the dispatched path, never let through as unmatched. The JWKS is
 * served from the test JVM (a real HTTP endpoint with a real RSA key); the principals are a file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedTomcatWelcomeFileIT {
    private static final String ISSUER = "https://issuer.welcome.test";
    private static final String PAGE = "<html>welcome to the admin directory</html>";

    private final List<String> passed = new CopyOnWriteArrayList<>();
    private Path dir;
    private RsaJsonWebKey key;
    private HttpServer jwks;
    private Tomcat tomcat;
    private int port;

    @BeforeAll
    void start() throws Exception {
        dir = ItPaths.freshDirectory("tomcat-welcome");
        Files.createDirectories(dir.resolve("policies"));
        Files.createDirectories(dir.resolve("webapp/dir"));
        Files.writeString(dir.resolve("policies/page.yaml"), String.join("\n",
                "apiVersion: api.cerbos.dev/v1",
                "resourcePolicy:",
                "  resource: page",
                "  version: default",
                "  rules:",
                "    - actions: ['read']",
                "      effect: EFFECT_ALLOW",
                "      roles: ['admin']", ""));
        Files.writeString(dir.resolve("routes.yaml"), String.join("\n",
                "routes:",
                "  - {route: 'GET /dir', resource: page, action: read}",
                "  - {route: 'GET /dir/{file}', resource: page, action: read}", ""));
        Files.writeString(dir.resolve("principals.yaml"), String.join("\n",
                "principals:",
                "  - {issuer: '" + ISSUER + "', subject: alice, roles: [admin]}",
                "  - {issuer: '" + ISSUER + "', subject: carol, roles: [viewer]}", ""));
        Files.writeString(dir.resolve("webapp/dir/index.html"), PAGE);
        Files.writeString(dir.resolve("webapp/open.html"), "open page");

        key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("welcome");
        String jwksJson = new JsonWebKeySet(key).toJson();
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks", exchange -> {
            byte[] body = jwksJson.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        jwks.start();

        tomcat = new Tomcat();
        tomcat.setBaseDir(ItPaths.freshDirectory("tomcat-welcome-base").toString());
        tomcat.setHostname("127.0.0.1");
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("/app", dir.resolve("webapp").toString());
        Tomcat.addServlet(context, "default", new DefaultServlet());
        context.addServletMappingDecoded("/", "default");
        context.addWelcomeFile("index.html");
        addFilter(context, "portcullis", new PortcullisFilter(), Map.of(
                "portcullis.issuer", ISSUER,
                "portcullis.audience", "api",
                "portcullis.jwks-uri", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks",
                "portcullis.attributes.source", "file",
                "portcullis.attributes.file", dir.resolve("principals.yaml").toString(),
                "portcullis.policy.dir", dir.resolve("policies").toString(),
                "portcullis.routes", dir.resolve("routes.yaml").toString()));
        Filter recorder = (req, resp, chain) -> {
            passed.add(req.getDispatcherType() + " " + ((HttpServletRequest) req).getServletPath());
            chain.doFilter(req, resp);
        };
        addFilter(context, "recorder", recorder, Map.of());
        tomcat.start();
        port = connector.getLocalPort();
        assertThat(get("/app/open.html", "alice")).startsWith("HTTP/1.1 200 ");
    }

    private static void addFilter(Context context, String name, Filter filter, Map<String, String> params) {
        FilterDef def = new FilterDef();
        def.setFilterName(name);
        def.setFilter(filter);
        def.setFilterClass(filter.getClass().getName());
        params.forEach(def::addInitParameter);
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName(name);
        map.addURLPattern("/*");
        map.setDispatcher(DispatcherType.REQUEST.name());
        map.setDispatcher(DispatcherType.FORWARD.name());
        context.addFilterMap(map);
    }

    @AfterAll
    void stop() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
        if (jwks != null) {
            jwks.stop(0);
        }
    }

    private String get(String target, String subject) {
        String token;
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(ISSUER);
            claims.setAudience("api");
            claims.setSubject(subject);
            claims.setIssuedAtToNow();
            claims.setExpirationTimeMinutesInTheFuture(10);
            claims.setGeneratedJwtId();
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(key.getPrivateKey());
            jws.setKeyIdHeaderValue(key.getKeyId());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            token = jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
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
        assertThat(get("/app/dir/index.html", "carol")).startsWith("HTTP/1.1 403 ").doesNotContain(PAGE);
    }

    @Test
    void welcomeFileWhenAdminThenPageServedOnDirectoryAndFile() {
        passed.clear();
        assertThat(get("/app/dir/", "alice")).startsWith("HTTP/1.1 200 ").contains(PAGE);
        // Tomcat maps the directory to its welcome file while mapping the request
        assertThat(passed).containsExactly("REQUEST /dir/index.html");
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
