package dev.portcullis.servlet;

import dev.portcullis.Health;
import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import jakarta.servlet.ServletException;

import org.h2.tools.Server;
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
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The health endpoint ({@code portcullis.admin.health-path}) on a real Jetty, with a real key
 * server and a real attribute store (H2 over TCP), both taken down: the status for anyone, the
 * details only for a caller the policy allows {@code health} on {@code portcullis}, 503 when a
 * part is down, and back to 200 when it returns.
 */
class HealthEndpointTest {
    private static final String HEALTH = "/portcullis/health";
    private static final String POLICY = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: portcullis",
            "  version: default",
            "  rules:",
            "    - name: health-admin",
            "      actions: ['health']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['admin']",
            "");

    @TempDir
    Path dir;
    private JwksServer idp;
    private Server database;
    private String dbUrl;
    private FilterServer app;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/portcullis.yaml"), POLICY);
        database = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        dbUrl = "jdbc:h2:tcp://127.0.0.1:" + database.getPort() + "/mem:health-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1";
        sql(new String(getClass().getResourceAsStream("/dev/portcullis/attributes/schema.sql").readAllBytes(),
                StandardCharsets.UTF_8));
        for (String[] p : new String[][] {{"alice", "admin"}, {"bob", "viewer"}, {"carol", "viewer"}}) {
            sql("INSERT INTO portcullis_principal (issuer, subject, status) VALUES ('" + Tokens.ISSUER + "', '" + p[0]
                    + "', 'ACTIVE');\nINSERT INTO portcullis_principal_role (issuer, subject, role_name) VALUES ('"
                    + Tokens.ISSUER + "', '" + p[0] + "', '" + p[1] + "');\n");
        }
        idp = JwksServer.serving(TestKeys.rsa());
        app = withHealth()
                .param("portcullis.attributes.cache.load-timeout", "500ms")
                .param("portcullis.attributes.cache.stale-window", "0s")
                .param("portcullis.jwks.refresh-interval", "1s")
                .param("portcullis.jwks.timeout", "500ms")
                .start();
    }

    /** A server with the health endpoint, this test's JDBC store and policies. */
    private FilterServer.Builder withHealth() {
        return FilterServer.builder().trusting(idp)
                .param("portcullis.attributes.source", "jdbc")
                .param("portcullis.attributes.jdbc.url", dbUrl)
                .param("portcullis.policy.dir", dir.resolve("policies").toString())
                .param("portcullis.admin.health-path", HEALTH);
    }

    @AfterEach
    void tearDown() {
        app.close();
        idp.close();
        database.stop();
    }

    private void sql(String script) throws Exception {
        try (Connection c = DriverManager.getConnection(dbUrl); Statement s = c.createStatement()) {
            for (String statement : script.split(";\\s*\\n")) {
                String trimmed = statement.replaceAll("(?m)^--.*$", "").trim();
                if (!trimmed.isEmpty()) {
                    s.execute(trimmed);
                }
            }
        }
    }

    private static String token(String subject) {
        return Tokens.signedWith(TestKeys.rsa()).subject(subject).sign();
    }

    private HttpResponse<String> health(String bearer) {
        return bearer == null ? app.get(HEALTH) : app.getWithToken(HEALTH, bearer);
    }

    private static Map<String, Object> json(HttpResponse<String> r) throws Exception {
        return JsonUtil.parseJson(r.body());
    }

    @Test
    void healthWhenAllUpThenStatusForAnyoneAndDetailsOnlyForAnAllowedCaller() throws Exception {
        HttpResponse<String> anonymous = health(null);
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.body()).isEqualTo("{\"status\":\"UP\"}\n");
        assertThat(anonymous.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(anonymous.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(app.invocations()).as("answered by the engine, not the application").isZero();

        assertThat(health(token("carol")).body()).as("the policy denies carol the details")
                .isEqualTo("{\"status\":\"UP\"}\n");
        assertThat(health("not.a.token").body()).as("a bad token is not refused: probes stay simple")
                .isEqualTo("{\"status\":\"UP\"}\n");

        HttpResponse<String> admin = health(token("alice"));
        assertThat(admin.statusCode()).isEqualTo(200);
        Map<String, Object> details = json(admin);
        assertThat(details).containsEntry("status", "UP").containsEntry("attribute_store", "UP")
                .containsEntry("cluster", "NONE").containsEntry("keys", Map.of(Tokens.ISSUER, "FRESH"));
        @SuppressWarnings("unchecked")
        Map<String, Object> policy = (Map<String, Object>) details.get("policy");
        assertThat((String) policy.get("version")).matches("[0-9a-f]{12}");
        assertThat(policy).containsEntry("reload_failing", false).containsKey("loaded_at");
        assertThat(admin.body()).doesNotContain("alice").doesNotContain("eyJ");
    }

    /**
     * A probe reads: {@code HEAD} is answered like {@code GET}; any other method is 405 with
     * {@code Allow: GET, HEAD}, whatever the token, and never reaches the application (the health
     * path is the engine's, not a path of the application's).
     */
    @Test
    void healthWhenNotGetOrHeadThen405WithAllow() throws Exception {
        HttpResponse<String> head = app.send(app.request(HEALTH).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
        assertThat(head.statusCode()).as("positive control: HEAD reads").isEqualTo(200);
        assertThat(head.body()).isEmpty();

        for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
            for (String bearer : new String[] {null, token("alice"), "not.a.token"}) {
                HttpRequest.Builder request = bearer == null ? app.request(HEALTH)
                        : app.request(HEALTH, "Authorization", "Bearer " + bearer);
                HttpResponse<String> r = app.send(request.method(method, HttpRequest.BodyPublishers.ofString("{}"))
                        .build());
                assertThat(r.statusCode()).as(method + " with " + bearer).isEqualTo(405);
                assertThat(r.headers().firstValue("Allow")).as(method).contains("GET, HEAD");
                assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
                assertThat(r.body()).doesNotContain("UP").doesNotContain("attribute_store");
            }
        }
        assertThat(health(token("alice")).statusCode()).as("positive control: GET still answers").isEqualTo(200);
        assertThat(app.invocations()).as("the application saw none of them").isZero();
    }

    @Test
    void healthWhenKeyServerDownThen503AndItsKeysUnavailable() throws Exception {
        idp.close(); // before the engine fetched any key: connection refused

        HttpResponse<String> anonymous = health(null);

        assertThat(anonymous.statusCode()).isEqualTo(503);
        assertThat(anonymous.body()).isEqualTo("{\"status\":\"DOWN\"}\n");
        Health health = app.engine().health();
        assertThat(health.keys()).containsEntry(Tokens.ISSUER, Health.KeyState.UNAVAILABLE);
        assertThat(health.attributeStore()).isEqualTo(Health.Part.UP);
        assertThat(app.getWithToken("/x", token("alice")).statusCode()).as("as requests find it").isEqualTo(503);
    }

    @Test
    void healthWhenKeyServerFailsThenDownAndUpAgainWhenItAnswers() throws Exception {
        idp.fail(500);
        assertThat(health(null).statusCode()).isEqualTo(503);

        idp.normal();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int status;
        do {
            Thread.sleep(200);
            status = health(null).statusCode();
        } while (status != 200 && System.nanoTime() < deadline);
        assertThat(status).as("up again once the keys can be fetched (refresh interval 1 s)").isEqualTo(200);
        assertThat(app.engine().health().keys()).containsEntry(Tokens.ISSUER, Health.KeyState.FRESH);
    }

    @Test
    void healthWhenAttributeStoreDownThen503AndTheDetailsSayWhich() throws Exception {
        assertThat(json(health(token("alice")))).as("positive twin; alice is cached now")
                .containsEntry("attribute_store", "UP");

        database.stop();
        assertThat(app.getWithToken("/x", token("bob")).statusCode()).as("bob's load fails").isEqualTo(503);

        HttpResponse<String> admin = health(token("alice"));
        assertThat(admin.statusCode()).isEqualTo(503);
        assertThat(json(admin)).containsEntry("status", "DOWN").containsEntry("attribute_store", "DOWN")
                .containsEntry("keys", Map.of(Tokens.ISSUER, "FRESH"));
        assertThat(health(null).body()).isEqualTo("{\"status\":\"DOWN\"}\n");
    }

    /**
     * A refused policy reload leaves the previous set in force: the engine answers from reserves,
     * so the status is DEGRADED and still 200 (a load balancer keeps the node), and UP again once
     * a good set is in place.
     */
    @Test
    void healthWhenPolicyReloadRefusedThenDegradedWith200AndUpAgainAfterAGoodReload() throws Exception {
        try (FilterServer watched = withHealth().param("portcullis.policy.reload", "true").start()) {
            assertThat(watched.get(HEALTH).body()).as("positive twin").isEqualTo("{\"status\":\"UP\"}\n");

            Path broken = dir.resolve("policies/broken.yaml");
            Files.writeString(broken, "apiVersion: api.cerbos.dev/v1\nresourcePolicy: [not, a, policy\n");
            HttpResponse<String> probe = awaitStatus(watched, "DEGRADED");
            assertThat(probe.statusCode()).as("reserves, not down: the node keeps serving").isEqualTo(200);
            HttpResponse<String> admin = watched.getWithToken(HEALTH, token("alice"));
            assertThat(admin.statusCode()).isEqualTo(200);
            @SuppressWarnings("unchecked")
            Map<String, Object> policy = (Map<String, Object>) json(admin).get("policy");
            assertThat(json(admin)).as("the previous policies still decide: alice sees the details")
                    .containsEntry("status", "DEGRADED");
            assertThat(policy).containsEntry("reload_failing", true);

            Files.delete(broken);
            assertThat(awaitStatus(watched, "UP").statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> awaitStatus(FilterServer server, String status) throws InterruptedException {
        String expected = "{\"status\":\"" + status + "\"}\n";
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        HttpResponse<String> r = server.get(HEALTH);
        while (!r.body().equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            r = server.get(HEALTH);
        }
        assertThat(r.body()).as("health within 15 s").isEqualTo(expected);
        return r;
    }

    /** The decision on the details is recorded like any other; an anonymous probe decides nothing. */
    @Test
    void healthWhenCallerPresentsATokenThenTheDetailsDecisionIsRecorded() throws Exception {
        List<String> records = new CopyOnWriteArrayList<>();
        try (FilterServer listened = withHealth()
                .attribute(PortcullisFilter.DECISION_LISTENER_ATTRIBUTE, (Consumer<String>) records::add)
                .start()) {
            listened.get(HEALTH);
            listened.getWithToken(HEALTH, token("alice"));
            listened.getWithToken(HEALTH, token("carol"));

            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (records.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(200); // a record too many would show by now
            assertThat(records).as("alice's and carol's decisions, none for the anonymous probe").hasSize(2);
            Map<String, Object> allowed = JsonUtil.parseJson(records.get(0));
            Map<String, Object> denied = JsonUtil.parseJson(records.get(1));
            assertThat(allowed).containsEntry("subject", "alice").containsEntry("effect", "ALLOW")
                    .containsEntry("resource_kind", "portcullis").containsEntry("action", "health")
                    .containsEntry("path", HEALTH);
            assertThat(denied).containsEntry("subject", "carol").containsEntry("effect", "DENY")
                    .containsEntry("resource_kind", "portcullis").containsEntry("action", "health");
        }
    }

    @Test
    void healthPathWhenNotSetThenAnOrdinaryProtectedPath() throws Exception {
        try (FilterServer plain = FilterServer.builder().trusting(idp).start()) {
            assertThat(plain.get(HEALTH).statusCode()).isEqualTo(401);
            assertThat(plain.getWithToken(HEALTH, token("alice")).statusCode()).as("the application answers")
                    .isEqualTo(200);
            assertThat(plain.invocations()).isEqualTo(1);
        }
    }

    @Test
    void healthPathWhenNotAPathThenStartupFailsNamingTheSetting() {
        Throwable t = catchThrowable(() -> FilterServer.builder().trusting(idp)
                .param("portcullis.admin.health-path", "health").start().close());
        ServletException e = null;
        for (Throwable c = t; c != null && e == null; c = c.getCause()) {
            if (c instanceof ServletException) {
                e = (ServletException) c;
            }
            for (Throwable s : c.getSuppressed()) {
                if (s instanceof ServletException) {
                    e = (ServletException) s;
                }
            }
        }
        assertThat(e).isNotNull();
        assertThat(e).hasMessageContaining("portcullis.admin.health-path").hasMessageContaining("must start with /");
    }
}
