package dev.portcullis.jaxrs;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every runtime must do with the same resource classes. Subclasses start one runtime; the
 * tests speak real HTTP to it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JaxrsContract {
    TokenMint mint;
    Runtimes.Deployed server;

    /** Starts the runtime with {@link TestResources}' classes guarded by Portcullis. */
    abstract Runtimes.Deployed deploy(TokenMint mint) throws Exception;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        mint = new TokenMint(dir);
        server = deploy(mint);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    HttpResponse<String> get(String path, String token) {
        return Http.get(server.base, path, token);
    }

    static void assertRefused(HttpResponse<String> response, int status, String reason) {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).get().asString()
                .startsWith("application/problem+json");
        assertThat(response.body()).contains("\"reason\":\"" + reason + "\"")
                .contains("\"type\":\"https://portcullis.dev/problems/" + reason + "\"");
    }

    @Test
    void unannotatedWhenNoTokenThen401WithBearerChallenge() {
        HttpResponse<String> response = get("things/plain", null);

        assertRefused(response, 401, "missing_token");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"portcullis\"");
    }

    @Test
    void unannotatedWhenValidTokenThen200WithSubjectAsPrincipal() {
        HttpResponse<String> response = get("things/plain", mint.token("bob"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("plain bob scheme=Bearer admin=false");
    }

    @Test
    void unannotatedWhenForgedTokenThen401InvalidToken() {
        HttpResponse<String> response = get("things/plain", mint.forged("bob"));

        assertRefused(response, 401, "bad_signature");
        assertThat(response.headers().firstValue("WWW-Authenticate")).get().asString()
                .startsWith("Bearer realm=\"portcullis\", error=\"invalid_token\"");
    }

    @Test
    void unannotatedWhenExpiredTokenThen401Expired() {
        HttpResponse<String> response = get("things/plain", mint.expired("bob"));

        assertRefused(response, 401, "expired");
    }

    @Test
    void unannotatedWhenGarbageTokenThen401Malformed() {
        HttpResponse<String> response = get("things/plain", "not-a-jwt");

        assertRefused(response, 401, "malformed_token");
    }

    @Test
    void permitAllWhenNoTokenThen200Anonymous() {
        HttpResponse<String> response = get("open", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello anonymous");
    }

    @Test
    void permitAllWhenValidTokenThen200WithPrincipal() {
        HttpResponse<String> response = get("open", mint.token("bob"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello bob scheme=Bearer admin=false");
    }

    @Test
    void permitAllWhenInvalidTokenThenIgnoredAnd200() {
        HttpResponse<String> response = get("open", mint.forged("bob"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello anonymous");
    }

    @Test
    void denyAllWhenValidTokenThen403() {
        assertRefused(get("things/denied", mint.token("alice")), 403, "access_denied");
    }

    @Test
    void denyAllWhenNoTokenThen403NotChallenge() {
        HttpResponse<String> response = get("things/denied", null);

        // Behind the servlet filter the request never reaches JAX-RS without a token: 401 there.
        assertThat(response.statusCode()).isIn(401, 403);
    }

    @Test
    void classDenyAllWhenMethodPermitAllThenMethodWins200() {
        HttpResponse<String> response = get("locked/public", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("unlocked");
    }

    @Test
    void classDenyAllWhenMethodUnannotatedThenClassApplies403() {
        assertRefused(get("locked/still-locked", mint.token("alice")), 403, "access_denied");
    }

    @Test
    void rolesAllowedWhenNoTokenThen401NotForbidden() {
        assertRefused(get("things/admin", null), 401, "missing_token");
    }

    @Test
    void rolesAllowedWhenTokenClaimsRoleButStoreDoesNotThen403() {
        HttpResponse<String> response = get("things/admin", mint.tokenClaimingRoles("bob", List.of("admin")));

        assertRefused(response, 403, "access_denied");
    }

    @Test
    void isUserInRoleWhenTokenClaimsRoleThenStillFalse() {
        HttpResponse<String> response = get("things/plain", mint.tokenClaimingRoles("bob", List.of("admin")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("plain bob scheme=Bearer admin=false");
    }
}
