package dev.portcullis.security;

import dev.portcullis.Reason;
import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static dev.portcullis.security.AttackSupport.assertRefused;
import static dev.portcullis.security.AttackSupport.prompt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults behind the token: the attribute store down, slower than the load timeout, or holding
 * garbage, answers 503 (fail closed, never 500, never the application) and recovers when the store
 * does; a policy condition that fails at run time (division by zero, a missing attribute) denies
 * with a decision id, while its sound neighbour rule still allows.
 */
class StoreAndPolicyFaultTest {
    private static final String ROUTES = String.join("\n",
            "routes:",
            "  - {route: 'GET /api/docs/{id}', resource: doc, action: read, id: '{id}'}",
            "  - {route: 'GET /api/calc/{id}', resource: doc, action: divide, id: '{id}'}",
            "  - {route: 'GET /api/missing/{id}', resource: doc, action: missing, id: '{id}'}",
            "  - {route: 'GET /api/sound/{id}', resource: doc, action: sound, id: '{id}'}",
            "");
    private static final String POLICY = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: doc",
            "  version: default",
            "  rules:",
            "    - actions: ['read']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['viewer']",
            "    - actions: ['divide']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['viewer']",
            "      condition:",
            "        match:",
            "          expr: 10 / size(R.attr) == 1",
            "    - actions: ['missing']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['viewer']",
            "      condition:",
            "        match:",
            "          expr: P.attr.clearance > 3",
            "    - actions: ['sound']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['viewer']",
            "      condition:",
            "        match:",
            "          expr: size(R.attr) == 0",
            "");

    private Path dir;
    private String dbUrl;
    private JwksServer idp;
    private FilterServer app;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("faults");
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/doc.yaml"), POLICY);
        Files.writeString(dir.resolve("routes.yaml"), ROUTES);
        dbUrl = "jdbc:h2:mem:faults-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        sql(new String(getClass().getResourceAsStream("/dev/portcullis/attributes/schema.sql").readAllBytes(),
                StandardCharsets.UTF_8));
        sql("CREATE ALIAS PAUSE FOR 'dev.portcullis.security.SlowStore.pause';\n"
                + "CREATE TABLE fault_delay (millis INT);\nINSERT INTO fault_delay VALUES (0);\n");
        for (String who : new String[] {"alice", "bob", "carol", "dave", "erin"}) {
            sql("INSERT INTO portcullis_principal (issuer, subject, status) VALUES ('" + Tokens.ISSUER + "', '" + who
                    + "', 'ACTIVE');\nINSERT INTO portcullis_principal_role (issuer, subject, role_name) VALUES ('"
                    + Tokens.ISSUER + "', '" + who + "', 'viewer');\n");
        }
        idp = JwksServer.serving(TestKeys.rsa(), TestKeys.ec(), TestKeys.ed25519());
        app = FilterServer.builder().trusting(idp)
                .param("portcullis.attributes.source", "jdbc")
                .param("portcullis.attributes.jdbc.url", dbUrl)
                .param("portcullis.attributes.jdbc.principal-query", "SELECT status, version FROM portcullis_principal"
                        + " WHERE issuer = :issuer AND subject = :subject AND PAUSE((SELECT millis FROM fault_delay)) = 0")
                .param("portcullis.attributes.cache.ttl", "1s")
                .param("portcullis.attributes.cache.stale-window", "0s")
                .param("portcullis.attributes.cache.negative-ttl", "1s")
                .param("portcullis.attributes.cache.load-timeout", "300ms")
                .param("portcullis.attributes.cache.retry-after", "1s")
                .param("portcullis.policy.dir", dir.resolve("policies").toString())
                .param("portcullis.routes", dir.resolve("routes.yaml").toString())
                .start();
        AttackSupport.warmUp(app);
    }

    @AfterEach
    void tearDown() throws Exception {
        app.close();
        idp.close();
        sql("SET EXCLUSIVE 0;\nDROP ALL OBJECTS;\nSHUTDOWN;\n");
        Files.delete(dir.resolve("policies/doc.yaml"));
        Files.delete(dir.resolve("policies"));
        Files.delete(dir.resolve("routes.yaml"));
        Files.delete(dir);
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

    private HttpResponse<String> get(String path, String subject) {
        String t = Tokens.signedWith(TestKeys.rsa()).subject(subject).sign();
        return prompt(() -> app.get(path, "Authorization", "Bearer " + t));
    }

    private void unavailable(String path, String subject) {
        int before = app.invocations();
        HttpResponse<String> r = get(path, subject);
        assertRefused(app, before, r, Reason.ATTRIBUTES_UNAVAILABLE, null);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(r.body()).doesNotContain("SQL").doesNotContain("h2").doesNotContain("PAUSE");
    }

    /** Polls until {@code subject} is served again (the store recovered and the negative entry expired). */
    private void recovers(String path, String subject) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int status;
        do {
            Thread.sleep(200);
            status = get(path, subject).statusCode();
        } while (status != 200 && System.nanoTime() < deadline);
        assertThat(status).as("served again once the store recovered").isEqualTo(200);
    }

    @Test
    void requestWhenStoreDownThen503AndRecoversWhenItReturns() throws Exception {
        assertThat(get("/api/docs/1", "alice").statusCode()).as("positive twin").isEqualTo(200);
        sql("ALTER TABLE portcullis_principal RENAME TO portcullis_principal_gone");
        unavailable("/api/docs/1", "bob");
        unavailable("/x", "bob");
        sql("ALTER TABLE portcullis_principal_gone RENAME TO portcullis_principal");
        recovers("/api/docs/1", "bob");
    }

    /**
     * README ("Metrics"): with a stale window, a principal loaded before the store failed is served
     * from stale attributes and counted in {@code attributes.stale.serves}; every failed load is
     * counted in {@code attributes.load.failures}; a principal never loaded gets 503.
     */
    @Test
    void requestWhenStoreDownWithinStaleWindowThenStaleServedAndBothCounted() throws Exception {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try (FilterServer stale = FilterServer.builder().trusting(idp)
                .param("portcullis.attributes.source", "jdbc")
                .param("portcullis.attributes.jdbc.url", dbUrl)
                .param("portcullis.attributes.cache.ttl", "1s")
                .param("portcullis.attributes.cache.stale-window", "60s")
                .param("portcullis.attributes.cache.load-timeout", "300ms")
                .param("portcullis.policy.dir", dir.resolve("policies").toString())
                .attribute(dev.portcullis.servlet.PortcullisFilter.METRICS_REGISTRY_ATTRIBUTE, registry)
                .start()) {
            String alice = Tokens.signedWith(TestKeys.rsa()).subject("alice").sign();
            String bob = Tokens.signedWith(TestKeys.rsa()).subject("bob").sign();
            assertThat(stale.getWithToken("/x", alice).statusCode()).as("positive twin: loaded").isEqualTo(200);
            assertThat(registry.get("portcullis.attributes.load.failures").functionCounter().count()).isZero();

            sql("ALTER TABLE portcullis_principal RENAME TO portcullis_principal_gone");
            Thread.sleep(1_100); // alice's entry is past its TTL, inside the stale window
            assertThat(stale.getWithToken("/x", alice).statusCode()).as("served from stale attributes")
                    .isEqualTo(200);
            assertThat(stale.getWithToken("/x", bob).statusCode()).as("never loaded: nothing to serve")
                    .isEqualTo(503);

            assertThat(registry.get("portcullis.attributes.stale.serves").functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("portcullis.attributes.load.failures").functionCounter().count())
                    .isGreaterThanOrEqualTo(2);
        } finally {
            sql("ALTER TABLE IF EXISTS portcullis_principal_gone RENAME TO portcullis_principal");
        }
    }

    @Test
    void requestWhenStoreSlowerThanLoadTimeoutThen503PromptlyAndRecovers() throws Exception {
        sql("UPDATE fault_delay SET millis = 3000");
        unavailable("/api/docs/1", "carol");
        sql("UPDATE fault_delay SET millis = 0");
        recovers("/api/docs/1", "carol");
    }

    @Test
    void requestWhenStoreHoldsGarbageThenFailsClosed() throws Exception {
        sql("INSERT INTO portcullis_principal_attribute (issuer, subject, attr_name, attr_value, attr_type) VALUES ('"
                + Tokens.ISSUER + "', 'dave', 'level', 'not-a-number', 'integer')");
        unavailable("/api/docs/1", "dave");
        sql("INSERT INTO portcullis_principal_attribute (issuer, subject, attr_name, attr_value, attr_type) VALUES ('"
                + Tokens.ISSUER + "', 'erin', 'level', '3', 'blob')");
        unavailable("/api/docs/1", "erin");
        // a status outside ACTIVE/DISABLED is read as DISABLED (documented in the schema)
        sql("ALTER TABLE portcullis_principal DROP CONSTRAINT portcullis_principal_status_ck");
        sql("UPDATE portcullis_principal SET status = 'SUPERUSER' WHERE subject = 'carol'");
        int before = app.invocations();
        assertRefused(app, before, get("/api/docs/1", "carol"), Reason.PRINCIPAL_DISABLED, null);
        sql("DELETE FROM portcullis_principal_attribute WHERE subject = 'dave'");
        recovers("/api/docs/1", "dave");
    }

    @Test
    void requestWhenPolicyConditionFailsAtRunTimeThenDeniedWithDecisionId() {
        for (String path : new String[] {"/api/calc/1", "/api/missing/1"}) {
            int before = app.invocations();
            Map<String, Object> problem = assertRefused(app, before, get(path, "alice"), Reason.ACCESS_DENIED, null);
            assertThat((String) problem.get("decision_id")).as(path).isNotBlank();
            assertThat(problem.toString()).doesNotContain("division").doesNotContain("clearance");
        }
        assertThat(get("/api/sound/1", "alice").statusCode()).as("positive twin: a sound condition").isEqualTo(200);
    }
}
