package dev.portcullis.it;

import dev.portcullis.Reason;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.portcullis.it.DemoWarContractTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The demo WAR (on a Tomcat 10.1 distribution) behind a real Keycloak 26 realm
 * ({@code keycloak/portcullis-realm.json}), configured as a second issuer found by discovery.
 *
 * <p>Keycloak's default access token carries roles and profile data and is refused; the
 * {@code portcullis-lean} client's token carries identity only and is accepted, with roles read
 * from the attribute store, which the test seeds with the realm's (fixed) user ids.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoWarKeycloakIT {
    private static final String REALM = "portcullis";
    private static final String AUDIENCE = "portcullis-demo";
    private static final String ALICE = "0a11ce00-0000-4000-8000-000000000001";
    private static final String CAROL = "0ca201e0-0000-4000-8000-000000000003";
    private static final String DAVE = "0da7e000-0000-4000-8000-000000000004";
    private static final String ERIN = "0e217000-0000-4000-8000-000000000005";
    private static final String FRANK = "0f2a0c00-0000-4000-8000-000000000006";
    private static final String GRACE = "06a0ce00-0000-4000-8000-000000000007";
    /**
     * What the demo answers grace's old token a second after Keycloak 26.4.7 disabled her, before any
     * logout: 200, as Keycloak sends no logout token for disabling alone (README: sign the user out too).
     */
    private static final int DISABLE_ALONE_STATUS = 200;
    private static final String LOGOUT_PATH = "/oidc/backchannel-logout";
    private static final List<String> NON_IDENTITY_CLAIMS = List.of("realm_access", "resource_access", "email",
            "name", "preferred_username", "given_name", "family_name");

    private KeycloakServer keycloak;
    private DemoDatabase database;
    private WebServer server;
    private Http http;

    @BeforeAll
    void start() throws URISyntaxException {
        Path realm = Path.of(DemoWarKeycloakIT.class.getResource("/keycloak/portcullis-realm.json").toURI());
        keycloak = KeycloakServer.start("keycloak", List.of(realm), REALM);
        try {
            int port = FreePorts.next();
            database = DemoDatabase.fresh("keycloak-tomcat");
            DemoWarSettings settings = DemoWarSettings.forPort(port)
                    .attributesJdbcUrl(database.url())
                    .set("portcullis.attributes.cache.ttl", "2s")
                    .set("portcullis.backchannel-logout.path", LOGOUT_PATH)
                    .set("portcullis.backchannel-logout.audience", "portcullis-lean")
                    .extraIssuer("keycloak", keycloak.issuer(REALM), AUDIENCE,
                            keycloak.discoveryUri(REALM).toString());
            Files.writeString(ItPaths.logs().resolve("keycloak-tomcat.env"), settings.environment().entrySet()
                    .stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n")));
            server = TomcatDistribution.start("keycloak-tomcat", ItPaths.demoWar(), port, settings.environment());
            http = new Http(server.baseUri());
            if (database.exists()) {
                database.addPrincipal(keycloak.issuer(REALM), ALICE, "admin");
                database.addPrincipal(keycloak.issuer(REALM), CAROL, "viewer");
                database.addPrincipal(keycloak.issuer(REALM), DAVE, "editor");
                database.addPrincipal(keycloak.issuer(REALM), FRANK, "viewer");
                database.addPrincipal(keycloak.issuer(REALM), GRACE, "viewer");
            }
            pointBackchannelLogoutAt(server.baseUri().resolve(LOGOUT_PATH.substring(1)).toString());
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException(e);
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

    /** Keycloak sends the lean client's back-channel logout tokens to the demo. */
    @SuppressWarnings("unchecked")
    private void pointBackchannelLogoutAt(String url) {
        Map.Entry<Integer, String> found = keycloak.admin("GET", "/realms/" + REALM + "/clients?clientId=portcullis-lean", null);
        assertThat(found.getKey()).as(found.getValue()).isEqualTo(200);
        try {
            List<Object> clients = (List<Object>) JsonUtil.parseJson("{\"c\":" + found.getValue() + "}").get("c");
            Map<String, Object> client = (Map<String, Object>) clients.get(0);
            Map<String, Object> attributes = new java.util.LinkedHashMap<>((Map<String, Object>) client.get("attributes"));
            attributes.put("backchannel.logout.url", url);
            attributes.put("backchannel.logout.session.required", "true");
            Map<String, Object> update = new java.util.LinkedHashMap<>(client);
            update.put("attributes", attributes);
            Map.Entry<Integer, String> put = keycloak.admin("PUT", "/realms/" + REALM + "/clients/" + client.get("id"),
                    JsonUtil.toJson(update));
            assertThat(put.getKey()).as(put.getValue()).isEqualTo(204);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private String defaultToken(String user) {
        return keycloak.passwordGrant(REALM, "portcullis-demo", "portcullis-demo-secret", user, user + "-password");
    }

    private String leanToken(String user) {
        return keycloak.passwordGrant(REALM, "portcullis-lean", "portcullis-lean-secret", user, user + "-password");
    }

    private static Map<String, Object> claims(String token) {
        String payload = token.split("\\.")[1];
        try {
            return JsonUtil.parseJson(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void defaultAccessTokenWhenItCarriesRolesAndProfileThenForbiddenClaims() {
        String token = defaultToken("alice");
        assertThat(claims(token)).containsKeys("realm_access", "email", "preferred_username")
                .containsEntry("sub", ALICE);

        Http.Response r = http.send("GET", "/app/whoami", token);

        assertProblem(r, Reason.FORBIDDEN_CLAIMS);
        assertThat((String) r.json().get("detail")).contains("authorization").contains("personal-data");
        assertThat(r.body()).doesNotContain("alice@example.com");
    }

    @Test
    void leanAccessTokenWhenIdentityOnlyThenAccepted() {
        String token = leanToken("alice");
        Map<String, Object> claims = claims(token);
        assertThat(claims).containsEntry("sub", ALICE).containsEntry("iss", keycloak.issuer(REALM));
        assertThat(claims).doesNotContainKeys(NON_IDENTITY_CLAIMS.toArray(String[]::new));

        Http.Response r = http.send("GET", "/app/whoami", token);

        assertThat(r.status()).as("%s\n%s", r, server.logTail(30)).isEqualTo(200);
        assertThat(r.json()).containsEntry("subject", ALICE).containsEntry("issuer", keycloak.issuer(REALM));
    }

    @Test
    void leanAccessTokenWhenStoreSaysAdminThenInRole() {
        assumeTrue(database.exists(), "this demo WAR does not use the attribute store yet");

        assertThat(http.send("GET", "/app/whoami", leanToken("alice")).json()).containsEntry("admin", true);
        assertThat(http.send("GET", "/app/whoami", leanToken("carol")).json()).containsEntry("admin", false);
    }

    @Test
    void leanAccessTokenWhenUserNotInStoreThenPrincipalUnknown() {
        assumeTrue(database.exists(), "this demo WAR does not use the attribute store yet");

        Http.Response r = http.send("GET", "/app/whoami", leanToken("erin"));

        assertProblem(r, Reason.PRINCIPAL_UNKNOWN);
    }

    @Test
    void leanAccessTokenWhenStoreSaysViewerThenDeleteDenied() {
        assumeTrue(database.exists(), "this demo WAR does not use the attribute store yet");
        database.addDocument("it-kc-1", "alice", "Only admins may delete this");

        Http.Response r = http.send("DELETE", "/api/documents/it-kc-1", leanToken("carol"));

        assertProblem(r, Reason.ACCESS_DENIED);
    }

    @Test
    void leanAccessTokenWhenStoreSaysAdminThenDeleteAllowed() {
        assumeTrue(database.exists(), "this demo WAR does not use the attribute store yet");
        database.addDocument("it-kc-2", "carol", "Alice may delete this");

        Http.Response r = http.send("DELETE", "/api/documents/it-kc-2", leanToken("alice"));

        assertThat(r.status()).as("%s\n%s", r, server.logTail(30)).isEqualTo(200);
    }

    /**
     * OIDC Back-Channel Logout from a real Keycloak: the admin logs frank out, Keycloak posts a
     * signed logout token to the demo's endpoint before the admin call returns, and frank's very
     * next request with the access token he already holds is refused; after logging in again his
     * new token is admitted (positive control), and bob's is never affected.
     */
    @Test
    void adminLogoutWhenKeycloakSendsLogoutTokenThenOldAccessTokenRefusedAtOnce() throws Exception {
        String old = leanToken("frank");
        assertThat(http.send("GET", "/app/whoami", old).status()).as("%s", server.logTail(30)).isEqualTo(200);

        Map.Entry<Integer, String> logout = keycloak.admin("POST", "/realms/" + REALM + "/users/" + FRANK + "/logout", null);
        assertThat(logout.getKey()).as(logout.getValue()).isEqualTo(204);

        Http.Response next = http.send("GET", "/app/whoami", old);
        assertProblem(next, Reason.TOKEN_REVOKED);
        Thread.sleep(1100); // iat has second precision: a token of the same second as the logout stays refused
        assertThat(http.send("GET", "/app/whoami", leanToken("frank")).status()).isEqualTo(200);
        assertThat(http.send("GET", "/app/whoami", leanToken("alice")).status()).isEqualTo(200);
    }

    /**
     * An admin disabling grace in Keycloak: Keycloak 26.4.7 sends no logout token for disabling
     * alone (asserted as observed, so that a version that starts sending one is noticed), and
     * disabling followed by signing her out refuses her old token at once.
     */
    @Test
    void adminDisableAndLogoutWhenKeycloakSendsLogoutTokenThenOldAccessTokenRefused() throws Exception {
        String old = leanToken("grace");
        assertThat(http.send("GET", "/app/whoami", old).status()).isEqualTo(200);

        Map.Entry<Integer, String> disable = keycloak.admin("PUT", "/realms/" + REALM + "/users/" + GRACE,
                "{\"enabled\":false}");
        assertThat(disable.getKey()).as(disable.getValue()).isEqualTo(204);
        Thread.sleep(1000); // room for a logout token sent after the admin call returned
        int afterDisable = http.send("GET", "/app/whoami", old).status();
        Map.Entry<Integer, String> logout = keycloak.admin("POST", "/realms/" + REALM + "/users/" + GRACE + "/logout", null);
        assertThat(logout.getKey()).as(logout.getValue()).isEqualTo(204);

        assertProblem(http.send("GET", "/app/whoami", old), Reason.TOKEN_REVOKED);
        assertThat(afterDisable).as("status right after disabling alone").isEqualTo(DISABLE_ALONE_STATUS);
    }
}
