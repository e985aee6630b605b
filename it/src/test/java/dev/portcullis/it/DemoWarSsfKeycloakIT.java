package dev.portcullis.it;

import dev.portcullis.Reason;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.portcullis.it.DemoWarContractTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keycloak's own SSF transmitter pushing to the demo WAR (on a Tomcat 10.1 distribution): the
 * Shared Signals Framework end to end with a real identity provider, not the transmitter written in
 * the tests.
 *
 * <p>Keycloak {@code keycloak.ssf.version} (26.7.3; the transmitter first ships in 26.7.0, the
 * 26.4.7 of {@link DemoWarKeycloakIT} has none) runs with its experimental {@code ssf} feature, the
 * realm switch {@code ssf.transmitterEnabled} and a receiver client ({@code ssf.enabled},
 * {@code ssf.defaultSubjects=ALL}; realm {@code keycloak/portcullis-ssf-realm.json}). Its push
 * targets must be https and public unless the SPI option {@code allow-insecure-push-targets} is set,
 * which a loopback test needs. The test allows the demo's push URL on the client and creates the
 * stream through Keycloak's admin API ({@code POST /admin/realms/{realm}/ssf/clients/{clientId}/stream}),
 * with the bearer token the demo expects. The demo reads the transmitter's issuer and JWKS from
 * Keycloak's {@code /.well-known/ssf-configuration/realms/{realm}} at startup.
 *
 * <p>Keycloak delivers through an outbox drained on a timer (here every second), after the admin
 * call returns, so the tests wait (at most {@link #DELIVERY_DEADLINE_MS}) for the refusal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoWarSsfKeycloakIT {
    private static final String REALM = "portcullis-ssf";
    private static final String AUDIENCE = "portcullis-demo";
    private static final String RECEIVER_CLIENT = "portcullis-ssf-receiver";
    private static final String SIGNALS_AUDIENCE = "portcullis-demo-signals";
    private static final String PUSH_PATH = "/ssf/push";
    private static final String ALICE = "0a11ce00-0000-4000-8000-000000000001";
    private static final String DAVE = "0da7e000-0000-4000-8000-000000000004";
    private static final String FRANK = "0f2a0c00-0000-4000-8000-000000000006";
    private static final String GRACE = "06a0ce00-0000-4000-8000-000000000007";
    private static final long DELIVERY_DEADLINE_MS = 30_000;
    /**
     * What the demo answers grace's old token a few seconds after Keycloak 26.7.3 disabled her: 200,
     * as its transmitter maps no SET to disabling (README: sign the user out too).
     */
    private static final int DISABLE_ALONE_STATUS = 200;

    private final String pushToken = UUID.randomUUID().toString();
    private KeycloakServer keycloak;
    private DemoDatabase database;
    private WebServer server;
    private Http http;

    @BeforeAll
    void start() throws URISyntaxException {
        Path realm = Path.of(DemoWarSsfKeycloakIT.class.getResource("/keycloak/portcullis-ssf-realm.json").toURI());
        keycloak = KeycloakServer.start("keycloak-ssf", ItPaths.keycloakSsfHome(), List.of(realm), REALM, List.of(
                "--features=ssf",
                "--spi-ssf-transmitter--default--allow-insecure-push-targets=true",
                "--spi-ssf-transmitter--default--outbox-drainer-interval=1s"));
        try {
            int port = FreePorts.next();
            database = DemoDatabase.fresh("keycloak-ssf-tomcat");
            String issuer = keycloak.issuer(REALM);
            DemoWarSettings settings = DemoWarSettings.forPort(port)
                    .attributesJdbcUrl(database.url())
                    .set("portcullis.attributes.cache.ttl", "2s")
                    .set("portcullis.signals.push-path", PUSH_PATH)
                    .set("portcullis.signals.push-token", pushToken)
                    .set("portcullis.signals.configuration-uri",
                            keycloak.baseUri() + ".well-known/ssf-configuration/realms/" + REALM)
                    .set("portcullis.signals.audience", SIGNALS_AUDIENCE)
                    .extraIssuer("keycloak", issuer, AUDIENCE, keycloak.discoveryUri(REALM).toString());
            server = TomcatDistribution.start("keycloak-ssf-tomcat", ItPaths.demoWar(), port, settings.environment());
            http = new Http(server.baseUri());
            for (String user : List.of(ALICE, DAVE, FRANK, GRACE)) {
                database.addPrincipal(issuer, user, "viewer");
            }
            createStream(server.baseUri().resolve(PUSH_PATH.substring(1)).toString());
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    void stop() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            keycloak.close();
        }
    }

    /** Allows the demo's push URL on the receiver client and creates its push stream. */
    @SuppressWarnings("unchecked")
    private void createStream(String pushUrl) {
        Map.Entry<Integer, String> found = keycloak.admin("GET", "/realms/" + REALM + "/clients?clientId=" + RECEIVER_CLIENT, null);
        assertThat(found.getKey()).as(found.getValue()).isEqualTo(200);
        try {
            Map<String, Object> client = (Map<String, Object>) ((List<Object>) JsonUtil.parseJson(
                    "{\"c\":" + found.getValue() + "}").get("c")).get(0);
            Map<String, Object> attributes = new LinkedHashMap<>((Map<String, Object>) client.get("attributes"));
            attributes.put("ssf.validPushUrls", pushUrl);
            Map<String, Object> update = new LinkedHashMap<>(client);
            update.put("attributes", attributes);
            Map.Entry<Integer, String> put = keycloak.admin("PUT", "/realms/" + REALM + "/clients/" + client.get("id"),
                    JsonUtil.toJson(update));
            assertThat(put.getKey()).as(put.getValue()).isEqualTo(204);

            Map<String, Object> stream = new LinkedHashMap<>();
            stream.put("description", "the Portcullis demo");
            stream.put("events_requested", List.of(
                    "https://schemas.openid.net/secevent/caep/event-type/session-revoked",
                    "https://schemas.openid.net/secevent/caep/event-type/credential-change"));
            stream.put("delivery", Map.of("method", "urn:ietf:rfc:8935", "endpoint_url", pushUrl,
                    "authorization_header", "Bearer " + pushToken));
            stream.put("aud", List.of(SIGNALS_AUDIENCE));
            Map.Entry<Integer, String> created = keycloak.admin("POST",
                    "/realms/" + REALM + "/ssf/clients/" + RECEIVER_CLIENT + "/stream", JsonUtil.toJson(stream));
            assertThat(created.getKey()).as(created.getValue()).isEqualTo(201);
            assertThat(created.getValue()).contains("\"status\":\"enabled\"");
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private String leanToken(String user) {
        return keycloak.passwordGrant(REALM, "portcullis-lean", "portcullis-lean-secret", user, user + "-password");
    }

    /** Asks with {@code token} until the demo stops admitting it or the deadline passes. */
    private Http.Response untilRefused(String token) throws InterruptedException {
        long deadline = System.currentTimeMillis() + DELIVERY_DEADLINE_MS;
        Http.Response r = http.send("GET", "/app/whoami", token);
        while (r.status() == 200 && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            r = http.send("GET", "/app/whoami", token);
        }
        return r;
    }

    /**
     * An admin signs frank out: Keycloak's transmitter pushes a CAEP session-revoked SET (subject
     * {@code complex} with an {@code iss_sub} user) and frank's old access token is refused; alice's
     * is not, and frank's token from a new login is admitted (positive controls).
     */
    @Test
    void adminLogoutWhenKeycloakPushesSessionRevokedThenOldAccessTokenRefused() throws Exception {
        String old = leanToken("frank");
        String alice = leanToken("alice");
        assertThat(http.send("GET", "/app/whoami", old).status()).as("%s", server.logTail(30)).isEqualTo(200);

        Map.Entry<Integer, String> logout = keycloak.admin("POST", "/realms/" + REALM + "/users/" + FRANK + "/logout", null);
        assertThat(logout.getKey()).as(logout.getValue()).isEqualTo(204);

        Http.Response refused = untilRefused(old);
        assertThat(refused.status()).as("%s\n%s\n%s", refused, server.logTail(30), keycloak.logTail(30)).isEqualTo(401);
        assertProblem(refused, Reason.TOKEN_REVOKED);
        assertThat(http.send("GET", "/app/whoami", alice).status()).isEqualTo(200);
        Thread.sleep(1100); // iat has second precision: a token of the same second as the event stays refused
        assertThat(http.send("GET", "/app/whoami", leanToken("frank")).status()).isEqualTo(200);
    }

    /**
     * An admin resets dave's password: Keycloak pushes a CAEP credential-change SET and dave's old
     * access token is refused; alice's is not.
     */
    @Test
    void adminPasswordResetWhenKeycloakPushesCredentialChangeThenOldAccessTokenRefused() throws Exception {
        String old = leanToken("dave");
        String alice = leanToken("alice");
        assertThat(http.send("GET", "/app/whoami", old).status()).isEqualTo(200);

        Map.Entry<Integer, String> reset = keycloak.admin("PUT", "/realms/" + REALM + "/users/" + DAVE + "/reset-password",
                "{\"type\":\"password\",\"value\":\"dave-password-2\",\"temporary\":false}");
        assertThat(reset.getKey()).as(reset.getValue()).isEqualTo(204);

        Http.Response refused = untilRefused(old);
        assertThat(refused.status()).as("%s\n%s\n%s", refused, server.logTail(30), keycloak.logTail(30)).isEqualTo(401);
        assertProblem(refused, Reason.TOKEN_REVOKED);
        assertThat(http.send("GET", "/app/whoami", alice).status()).isEqualTo(200);
    }

    /**
     * An admin disables grace: Keycloak 26.7.3's transmitter sends nothing for disabling alone
     * (asserted as observed, so that a version that starts sending RISC account-disabled is noticed);
     * signing her out as well refuses her old token.
     */
    @Test
    void adminDisableAndLogoutWhenKeycloakPushesSessionRevokedThenOldAccessTokenRefused() throws Exception {
        String old = leanToken("grace");
        assertThat(http.send("GET", "/app/whoami", old).status()).isEqualTo(200);

        Map.Entry<Integer, String> disable = keycloak.admin("PUT", "/realms/" + REALM + "/users/" + GRACE, "{\"enabled\":false}");
        assertThat(disable.getKey()).as(disable.getValue()).isEqualTo(204);
        Thread.sleep(4000); // several outbox drains: room for a SET, had one been queued
        int afterDisable = http.send("GET", "/app/whoami", old).status();
        Map.Entry<Integer, String> logout = keycloak.admin("POST", "/realms/" + REALM + "/users/" + GRACE + "/logout", null);
        assertThat(logout.getKey()).as(logout.getValue()).isEqualTo(204);

        assertProblem(untilRefused(old), Reason.TOKEN_REVOKED);
        assertThat(afterDisable).as("status a few seconds after disabling alone").isEqualTo(DISABLE_ALONE_STATUS);
    }
}
