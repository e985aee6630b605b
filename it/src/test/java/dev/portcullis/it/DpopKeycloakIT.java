package dev.portcullis.it;

import dev.portcullis.testing.DpopProofs;

import dev.portcullis.AccessRequest;
import dev.portcullis.Outcome;
import dev.portcullis.Portcullis;
import dev.portcullis.Reason;
import dev.portcullis.config.Settings;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interop with Keycloak 26.4.7's DPoP (a default feature in this version, no {@code --features}
 * flag): a client with "Require DPoP bound tokens" ({@code dpop.bound.access.tokens}) gets, for a
 * token request carrying a proof made by the test's own DPoP client, a token with
 * {@code token_type DPoP} and {@code cnf.jkt}; Keycloak refuses the request without a proof.
 * Portcullis, trusting the realm by discovery with {@code dpop-mode required}, admits that token with
 * a proof of the client's key and refuses it as a Bearer token, with a proof of another key, and with
 * a replayed proof.
 */
class DpopKeycloakIT {
    private static final String REALM = "dpop";
    private static final String CLIENT = "portcullis-dpop";
    private static final String URL = "https://api.example.com/api/documents/1";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static KeycloakServer keycloak;
    private static Portcullis engine;

    @BeforeAll
    static void start() throws Exception {
        Path realm = Path.of(DpopKeycloakIT.class.getResource("/keycloak/dpop-realm.json").toURI());
        keycloak = KeycloakServer.start("keycloak-dpop", List.of(realm), REALM);
        engine = Portcullis.fromSettings(Settings.of(Map.of(
                "portcullis.issuer", keycloak.issuer(REALM),
                "portcullis.audience", CLIENT,
                "portcullis.discovery-uri", keycloak.discoveryUri(REALM).toString(),
                "portcullis.dpop-mode", "required")));
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    /** The token endpoint's answer to a password grant, with a DPoP proof when {@code client} is given. */
    private static HttpResponse<String> tokenRequest(DpopProofs client) throws Exception {
        URI endpoint = URI.create(keycloak.issuer(REALM) + "/protocol/openid-connect/token");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", CLIENT);
        form.put("client_secret", "portcullis-dpop-secret");
        form.put("username", "alice");
        form.put("password", "alice-password");
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"))));
        if (client != null) {
            request.header("DPoP", client.proof("POST", endpoint.toString(), null));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Outcome dpop(String token, String proof) {
        return engine.decide(AccessRequest.builder("GET", "/api/documents/1").url(URL)
                .authorization(List.of("DPoP " + token)).dpop(List.of(proof)).build());
    }

    @Test
    void keycloakDpopBoundTokenWhenPresentedThenOnlyWithAProofOfItsKey() throws Exception {
        DpopProofs client = DpopProofs.ec();
        HttpResponse<String> issued = tokenRequest(client);
        assertThat(issued.statusCode()).as("token response %s", issued.body()).isEqualTo(200);
        Map<String, Object> response = JsonUtil.parseJson(issued.body());
        assertThat(response.get("token_type")).isEqualTo("DPoP");
        String token = (String) response.get("access_token");
        Map<String, Object> claims = JsonUtil.parseJson(new String(Base64.getUrlDecoder()
                .decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
        assertThat(claims.get("cnf")).as("Keycloak bound the token to the client's key")
                .isEqualTo(Map.of("jkt", client.thumbprint()));

        String proof = client.proof("GET", URL, token);
        Outcome admitted = dpop(token, proof);
        assertThat(admitted.isAdmitted()).as("with a proof of the client's key: %s", admitted).isTrue();
        assertThat(admitted.token().subject()).isEqualTo("0a11ce00-0000-4000-8000-0000000000d1");
        assertThat(dpop(token, proof).reason()).as("the same proof again").isEqualTo(Reason.INVALID_DPOP_PROOF);
        assertThat(dpop(token, DpopProofs.ec().proof("GET", URL, token)).reason()).as("a thief's own key")
                .isEqualTo(Reason.INVALID_DPOP_PROOF);
        assertThat(engine.decide(AccessRequest.builder("GET", "/api/documents/1").url(URL)
                .authorization(List.of("Bearer " + token)).build()).reason()).as("as a Bearer token")
                .isEqualTo(Reason.BOUND_TOKEN_AS_BEARER);
    }

    @Test
    void keycloakWhenClientRequiresDpopAndNoProofThenNoToken() throws Exception {
        HttpResponse<String> refused = tokenRequest(null);
        assertThat(refused.statusCode()).as("Keycloak's answer %s", refused.body()).isEqualTo(400);
        // Keycloak 26.4.7 answers {"error":"invalid_request","error_description":"DPoP proof is missing"}
        assertThat(refused.body()).contains("invalid_request").contains("DPoP proof is missing");
    }
}
