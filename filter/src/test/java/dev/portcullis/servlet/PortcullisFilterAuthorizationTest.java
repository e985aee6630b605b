package dev.portcullis.servlet;

import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.RequestCounts;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The whole servlet chain over real HTTP: token, fresh attributes from a real (H2) database,
 * route table, Cerbos policies with an owner condition, and revocation — the "Bob" scenario.
 */
class PortcullisFilterAuthorizationTest {
    private static final String ROUTES = String.join("\n",
            "routes:",
            "  - {route: 'GET /api/documents/{id}', resource: document, action: read, id: '{id}'}",
            "  - {route: 'PUT /api/documents/{id}', resource: document, action: update, id: '{id}'}",
            "  - {route: 'DELETE /api/documents/{id}', resource: document, action: delete, id: '{id}'}",
            "");
    private static final String PORTCULLIS_POLICY = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: portcullis",
            "  version: default",
            "  rules:",
            "    - name: revoke-admin",
            "      actions: ['revoke']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['admin']",
            "");

    @TempDir
    Path dir;
    private JwksServer idp;
    private String dbUrl;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        idp = JwksServer.serving(TestKeys.rsa());
        toClose.add(idp);
        dbUrl = "jdbc:h2:mem:authz-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        String schema = new String(getClass().getResourceAsStream("/dev/portcullis/attributes/schema.sql")
                .readAllBytes(), StandardCharsets.UTF_8);
        sql(schema);
        sql(String.join(";\n",
                "INSERT INTO portcullis_principal (issuer, subject, status, version) VALUES"
                        + " ('" + Tokens.ISSUER + "', 'alice', 'ACTIVE', 1), ('" + Tokens.ISSUER + "', 'bob', 'ACTIVE', 1),"
                        + " ('" + Tokens.ISSUER + "', 'carol', 'ACTIVE', 1), ('" + Tokens.ISSUER + "', 'dave', 'ACTIVE', 1)",
                "INSERT INTO portcullis_principal_role (issuer, subject, role_name) VALUES"
                        + " ('" + Tokens.ISSUER + "', 'alice', 'admin'), ('" + Tokens.ISSUER + "', 'bob', 'admin'),"
                        + " ('" + Tokens.ISSUER + "', 'carol', 'viewer'), ('" + Tokens.ISSUER + "', 'dave', 'editor')",
                "CREATE TABLE doc (id VARCHAR(16) PRIMARY KEY, owner VARCHAR(64))",
                "INSERT INTO doc VALUES ('1', 'alice'), ('2', 'carol')", ""));
        Path policies = Files.createDirectories(dir.resolve("policies"));
        Path demo = Path.of("src/test/resources/policies/demo");
        for (String f : List.of("document.yaml", "user.yaml", "derived_roles_owner.yaml")) {
            Files.copy(demo.resolve(f), policies.resolve(f));
        }
        Files.writeString(policies.resolve("portcullis.yaml"), PORTCULLIS_POLICY);
        Files.writeString(dir.resolve("routes.yaml"), ROUTES);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        sql("SHUTDOWN");
    }

    private void sql(String script) throws SQLException {
        try (Connection c = DriverManager.getConnection(dbUrl); Statement s = c.createStatement()) {
            for (String statement : script.split(";\\s*\\n")) {
                String trimmed = statement.replaceAll("(?m)^--.*$", "").trim();
                if (!trimmed.isEmpty()) {
                    s.execute(trimmed);
                }
            }
        }
    }

    private FilterServer start(String... extra) throws Exception {
        return start(configured(extra));
    }

    private FilterServer start(FilterServer.Builder b) throws Exception {
        FilterServer s = b.start();
        toClose.add(0, s);
        return s;
    }

    private FilterServer.Builder configured(String... extra) {
        FilterServer.Builder b = FilterServer.builder().trusting(idp)
                .param("portcullis.public-paths", "/health")
                .param("portcullis.attributes.source", "jdbc")
                .param("portcullis.attributes.jdbc.url", dbUrl)
                .param("portcullis.attributes.cache.ttl", "1s")
                .param("portcullis.attributes.cache.stale-window", "0s")
                .param("portcullis.policy.dir", dir.resolve("policies").toString())
                .param("portcullis.routes", dir.resolve("routes.yaml").toString())
                .param("portcullis.resource-resolver", H2DocumentResolver.class.getName())
                .param("portcullis.admin.revoke-path", "/portcullis/revoke");
        for (int i = 0; i < extra.length; i += 2) {
            b.param(extra[i], extra[i + 1]);
        }
        return b;
    }

    private static String token(String subject) {
        return Tokens.signedWith(TestKeys.rsa()).subject(subject).expiresIn(Duration.ofHours(1)).sign();
    }

    private static HttpResponse<String> call(FilterServer app, String method, String path, String token) {
        return app.send(app.request(path, "Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    private static Map<String, Object> problem(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/problem+json"));
        return JsonUtil.parseJson(r.body());
    }

    @Test
    void bobWhenDisabledAndRevokedThenVeryNextRequestWithSameTokenIs403PrincipalDisabled() throws Exception {
        FilterServer app = start();
        String bob = token("bob");
        assertThat(call(app, "DELETE", "/api/documents/1", bob).statusCode()).as("bob is an admin").isEqualTo(200);
        int before = app.invocations();

        sql("UPDATE portcullis_principal SET status = 'DISABLED' WHERE subject = 'bob'");
        HttpResponse<String> revoke = app.postForm("/portcullis/revoke", "subject=bob",
                "Authorization", "Bearer " + token("alice"));
        assertThat(revoke.statusCode()).isEqualTo(204);

        HttpResponse<String> next = call(app, "DELETE", "/api/documents/1", bob);
        assertThat(next.statusCode()).isEqualTo(403);
        assertThat(problem(next)).containsEntry("reason", "principal_disabled");
        assertThat((String) problem(next).get("decision_id")).isNotBlank();
        assertThat(next.body()).doesNotContain(bob);
        assertThat(call(app, "GET", "/anything/else", bob).statusCode()).as("cut off on unrouted paths too")
                .isEqualTo(403);
        assertThat(app.invocations()).as("the application never ran for bob again").isEqualTo(before);
        assertThat(call(app, "DELETE", "/api/documents/1", token("alice")).statusCode())
                .as("positive control: alice, still active, may delete").isEqualTo(200);
    }

    /**
     * README ("Metrics"): a request the filter decides and admits to a servlet is counted once in
     * {@code portcullis.requests} when it has been through the chain (no later step continued it);
     * a refusal is counted at once. Positive control: alice's reads pass.
     */
    @Test
    void requestsWhenServedByServletThenEachCountedOnce() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FilterServer app = start(configured().attribute(PortcullisFilter.METRICS_REGISTRY_ATTRIBUTE, registry));
        String alice = token("alice");
        assertThat(call(app, "GET", "/api/documents/1", alice).statusCode()).isEqualTo(200);
        assertThat(call(app, "GET", "/api/documents/1", alice).statusCode()).isEqualTo(200);
        assertThat(call(app, "DELETE", "/api/documents/1", token("carol")).statusCode()).isEqualTo(403);
        assertThat(app.get("/api/documents/1").statusCode()).isEqualTo(401);
        // the engine's own endpoint: neither admitted nor refused
        assertThat(app.postForm("/portcullis/revoke", "subject=nobody", "Authorization", "Bearer " + alice)
                .statusCode()).isEqualTo(204);

        RequestCounts.assertExactly(registry, "a servlet behind the filter", 2, 1, 1, 1);
    }

    @Test
    void principalWhenDisabledInDatabaseWithoutRevokeThenDeniedWithinTtl() throws Exception {
        FilterServer app = start();
        String dave = token("dave");
        assertThat(call(app, "GET", "/api/documents/1", dave).statusCode()).isEqualTo(200);
        sql("UPDATE portcullis_principal SET status = 'DISABLED' WHERE subject = 'dave'");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int status;
        do {
            status = call(app, "GET", "/api/documents/1", dave).statusCode();
        } while (status == 200 && System.nanoTime() < deadline && sleep(100));
        assertThat(status).as("denied once the 1 s TTL has passed").isEqualTo(403);
    }

    @Test
    void revokeWhenCallerIsNotAdminThen403AndNothingRevoked() throws Exception {
        FilterServer app = start();
        HttpResponse<String> r = app.postForm("/portcullis/revoke", "subject=bob",
                "Authorization", "Bearer " + token("carol"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(problem(r)).containsEntry("reason", "access_denied");
        assertThat(call(app, "DELETE", "/api/documents/1", token("bob")).statusCode()).isEqualTo(200);
    }

    @Test
    void updateWhenOwnerThenAllowedByConditionAndOtherViewerDenied() throws Exception {
        FilterServer app = start();
        assertThat(call(app, "PUT", "/api/documents/2", token("carol")).statusCode()).as("carol owns 2").isEqualTo(200);
        HttpResponse<String> denied = call(app, "PUT", "/api/documents/1", token("carol"));
        assertThat(denied.statusCode()).as("carol does not own 1").isEqualTo(403);
        assertThat(problem(denied)).containsEntry("reason", "access_denied").containsKey("decision_id");
        assertThat(denied.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(call(app, "PUT", "/api/documents/1", token("dave")).statusCode()).as("dave edits").isEqualTo(200);
    }

    @Test
    void deleteWhenViewerThen403AndWhenAdminThen200() throws Exception {
        FilterServer app = start();
        assertThat(call(app, "DELETE", "/api/documents/2", token("carol")).statusCode()).isEqualTo(403);
        assertThat(call(app, "DELETE", "/api/documents/2", token("alice")).statusCode()).isEqualTo(200);
    }

    @Test
    void requestWhenSubjectUnknownToStoreThen403PrincipalUnknown() throws Exception {
        FilterServer app = start();
        HttpResponse<String> r = call(app, "GET", "/api/documents/1", token("erin"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(problem(r)).containsEntry("reason", "principal_unknown");
        assertThat(call(app, "GET", "/api/documents/1", token("carol")).statusCode()).isEqualTo(200);
    }

    @Test
    void requestWhenMethodNotRoutedOnProtectedPathThen403NeverReachesApplication() throws Exception {
        FilterServer app = start();
        int before = app.invocations();
        assertThat(call(app, "PATCH", "/api/documents/1", token("alice")).statusCode()).isEqualTo(403);
        assertThat(call(app, "OPTIONS", "/api/documents/1", token("alice")).statusCode()).isEqualTo(403);
        assertThat(call(app, "HEAD", "/api/documents/1", token("erin")).statusCode()).isEqualTo(403);
        assertThat(app.invocations()).isEqualTo(before);
        assertThat(call(app, "HEAD", "/api/documents/1", token("carol")).statusCode()).as("HEAD follows GET")
                .isEqualTo(200);
    }

    @Test
    void requestWhenPathHasParametersOrDotSegmentsThenSameDecisionAsCanonicalPath() throws Exception {
        FilterServer app = start();
        assertThat(call(app, "DELETE", "/api/documents/2;jsessionid=1", token("carol")).statusCode()).isEqualTo(403);
        assertThat(call(app, "DELETE", "/api/x/../documents/2", token("carol")).statusCode()).isIn(400, 403);
        assertThat(call(app, "DELETE", "/api/documents/2;jsessionid=1", token("alice")).statusCode()).isEqualTo(200);
    }

    @Test
    void requestWhenStoreFailsForUncachedSubjectThen503WithRetryAfter() throws Exception {
        FilterServer app = start();
        sql("DROP TABLE portcullis_principal_attribute");
        HttpResponse<String> r = call(app, "GET", "/api/documents/1", token("carol"));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(problem(r)).containsEntry("reason", "attributes_unavailable");
        assertThat(r.body()).doesNotContain("SQL", "Exception");
    }

    @Test
    void startWhenRouteNamesActionNoPolicyCoversThenInitFailsNamingTheSetting() throws Exception {
        Files.writeString(dir.resolve("routes.yaml"),
                "routes:\n  - {route: 'GET /api/documents/{id}', resource: document, action: raed, id: '{id}'}\n");
        assertThatThrownBy(this::start).hasStackTraceContaining("portcullis.routes")
                .hasStackTraceContaining("document:raed");
    }

    @Test
    void startWhenRevokePathWithoutPolicyThenInitFails() throws Exception {
        Files.delete(dir.resolve("policies/portcullis.yaml"));
        assertThatThrownBy(this::start).hasStackTraceContaining("portcullis.admin.revoke-path");
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
