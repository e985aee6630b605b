package dev.portcullis.servlet;

import dev.portcullis.BearerPrincipal;
import dev.portcullis.Reason;
import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;
import dev.portcullis.token.VerifiedToken;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The filter over real HTTP: Jetty in front of an echo servlet, keys from a real JWKS endpoint. */
class PortcullisFilterHttpTest {
    private final JwksServer idp = JwksServer.serving(TestKeys.rsa(), TestKeys.ec(), TestKeys.ed25519());
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        idp.close();
    }

    private FilterServer start(String... params) throws Exception {
        FilterServer.Builder b = FilterServer.builder().trusting(idp).param("portcullis.public-paths", "/health");
        for (int i = 0; i < params.length; i += 2) {
            b.param(params[i], params[i + 1]);
        }
        FilterServer s = b.start();
        toClose.add(0, s);
        return s;
    }

    private static String token() {
        return Tokens.signedWith(TestKeys.rsa()).sign();
    }

    /** Asserts a refusal: status, problem+json with the reason's type, no token echoed, no stack trace. */
    private static Map<String, Object> assertRefusal(HttpResponse<String> r, Reason reason, String token) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(reason.status());
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        Map<String, Object> body = JsonUtil.parseJson(r.body());
        assertThat(body).containsEntry("type", reason.problemType()).containsEntry("status", (long) reason.status())
                .containsEntry("reason", reason.code());
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.portcullis").doesNotContain("jose4j");
        if (token != null && !token.isEmpty()) {
            String head = token.length() > 40 ? token.substring(0, 40) : token;
            assertThat(r.body()).doesNotContain(head);
            r.headers().map().values().forEach(values -> values.forEach(v -> assertThat(v).doesNotContain(head)));
            String signature = token.substring(token.lastIndexOf('.') + 1);
            if (signature.length() > 10) {
                assertThat(r.body()).doesNotContain(signature);
            }
        }
        return body;
    }

    private static void assertInvalidToken(HttpResponse<String> r, Reason reason, String token) throws Exception {
        assertRefusal(r, reason, token);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h)
                .startsWith("Bearer realm=\"portcullis\", error=\"invalid_token\", error_description=\"")
                .contains(reason.title()));
    }

    private static void assertInvalidRequest(HttpResponse<String> r, String token) throws Exception {
        assertRefusal(r, Reason.INVALID_REQUEST, token);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h)
                .startsWith("Bearer realm=\"portcullis\", error=\"invalid_request\""));
    }

    private static void assertNoTokenChallenge(HttpResponse<String> r) throws Exception {
        assertRefusal(r, Reason.MISSING_TOKEN, null);
        assertThat(r.headers().allValues("WWW-Authenticate")).containsExactly("Bearer realm=\"portcullis\"");
    }

    @Test
    void requestWhenValidTokenThenServletSeesTheSubject() throws Exception {
        FilterServer app = start();
        HttpResponse<String> r = app.getWithToken("/orders/1", token());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("principal=alice\n", "remoteUser=alice\n", "authType=Bearer\n",
                "subject=alice\n", "issuer=" + Tokens.ISSUER + "\n");
        assertThat(app.invocations()).isEqualTo(1);
        assertThat(app.lastIdentity()).isInstanceOfSatisfying(VerifiedToken.class, t -> {
            assertThat(t.subject()).isEqualTo(Tokens.SUBJECT);
            assertThat(t.algorithm()).isEqualTo("RS256");
        });
        assertThat(app.lastPrincipal()).isInstanceOfSatisfying(BearerPrincipal.class,
                p -> assertThat(p.issuer()).isEqualTo(Tokens.ISSUER));
    }

    @Test
    void requestWhenEachDefaultAlgorithmThenAccepted() throws Exception {
        FilterServer app = start();
        for (Map.Entry<String, org.jose4j.jwk.PublicJsonWebKey> alg : Tokens.allDefaultAlgorithms()) {
            String t = Tokens.signedWith(alg.getValue()).alg(alg.getKey()).subject("user-" + alg.getKey()).sign();
            HttpResponse<String> r = app.getWithToken("/x", t);
            assertThat(r.statusCode()).as(alg.getKey()).isEqualTo(200);
            assertThat(r.body()).contains("principal=user-" + alg.getKey());
        }
        assertThat(idp.jwksHits()).isEqualTo(1);
    }

    @Test
    void requestWhenLowerCaseSchemeThenAccepted() throws Exception {
        FilterServer app = start();
        assertThat(app.get("/x", "Authorization", "bearer " + token()).statusCode()).isEqualTo(200);
    }

    @Test
    void requestWhenNoTokenThen401ChallengeWithoutErrorCode() throws Exception {
        FilterServer app = start();
        assertNoTokenChallenge(app.get("/x"));
        assertThat(app.invocations()).isZero();
    }

    @Test
    void requestWhenBasicCredentialsThenTreatedAsNoToken() throws Exception {
        FilterServer app = start();
        assertNoTokenChallenge(app.get("/x", "Authorization", "Basic dXNlcjpwYXNz"));
        assertThat(app.invocations()).isZero();
    }

    @Test
    void requestWhenRealmConfiguredThenChallengeNamesIt() throws Exception {
        FilterServer app = start("portcullis.realm", "orders");
        assertThat(app.get("/x").headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"orders\"");
    }

    @Test
    void requestWhenPublicPathThenNoTokenNeeded() throws Exception {
        FilterServer app = start();
        HttpResponse<String> r = app.get("/health");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
        assertNoTokenChallenge(app.get("/healthz"));
        assertNoTokenChallenge(app.get("/health/deep"));
        assertThat(idp.jwksHits()).isZero();
    }

    @Test
    void requestWhenPublicPrefixThenEverythingBelowIsPublic() throws Exception {
        FilterServer app = start("portcullis.public-paths", "/health, /static/*");
        assertThat(app.get("/static/app.js").statusCode()).isEqualTo(200);
        assertThat(app.get("/static").statusCode()).isEqualTo(200);
        assertNoTokenChallenge(app.get("/staticky"));
        assertThat(app.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void requestWhenApplicationHasAContextPathThenPublicPathsAreWithinIt() throws Exception {
        FilterServer app = FilterServer.builder().trusting(idp).contextPath("/app")
                .param("portcullis.public-paths", "/health").start();
        toClose.add(app);
        assertThat(app.get("/app/health").statusCode()).isEqualTo(200);
        assertNoTokenChallenge(app.get("/app/x"));
        HttpResponse<String> r = app.getWithToken("/app/x", token());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("principal=alice");
    }

    @Test
    void requestWhenBadSignatureThen401InvalidTokenWithGenericDescription() throws Exception {
        FilterServer app = start();
        String forged = Tokens.signedWith(TestKeys.otherRsa()).kid(TestKeys.RSA_KID).sign();
        assertInvalidToken(app.getWithToken("/x", forged), Reason.BAD_SIGNATURE, forged);
        assertThat(app.get("/x", "Authorization", "Bearer " + forged).headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error_description=\"The access token is invalid\"");
        assertThat(app.invocations()).isZero();
    }

    @Test
    void requestWhenExpiredOrForeignTokenThen401InvalidToken() throws Exception {
        FilterServer app = start();
        String expired = Tokens.signedWith(TestKeys.rsa()).expiresIn(Duration.ofMinutes(-5)).sign();
        assertInvalidToken(app.getWithToken("/x", expired), Reason.EXPIRED, expired);
        String otherAudience = Tokens.signedWith(TestKeys.rsa()).audience("billing").sign();
        assertInvalidToken(app.getWithToken("/x", otherAudience), Reason.WRONG_AUDIENCE, otherAudience);
        String otherIssuer = Tokens.signedWith(TestKeys.rsa()).issuer("https://elsewhere.test").sign();
        assertInvalidToken(app.getWithToken("/x", otherIssuer), Reason.UNTRUSTED_ISSUER, otherIssuer);
        String hs = Tokens.signedWith(new org.jose4j.keys.HmacKey(TestKeys.rsa().getPublicKey().getEncoded()), "HS256").sign();
        assertInvalidToken(app.getWithToken("/x", hs), Reason.DISALLOWED_ALGORITHM, hs);
        String jku = Tokens.signedWith(TestKeys.rsa()).header("jku", "https://attacker.test/jwks").sign();
        assertInvalidToken(app.getWithToken("/x", jku), Reason.FORBIDDEN_HEADER, jku);
        assertThat(app.invocations()).isZero();
        assertThat(app.getWithToken("/x", token()).statusCode()).isEqualTo(200);
    }

    @Test
    void requestWhenMalformedOrEncryptedTokenThen401InvalidToken() throws Exception {
        FilterServer app = start();
        assertInvalidToken(app.get("/x", "Authorization", "Bearer abc.def"), Reason.MALFORMED_TOKEN, "abc.def");
        assertInvalidToken(app.get("/x", "Authorization", "Bearer YWJj.ZGVm.Z2hp="), Reason.MALFORMED_TOKEN, null);
        assertInvalidToken(app.get("/x", "Authorization", "Bearer eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..aXY.Y2lw.dGFn"),
                Reason.ENCRYPTED_TOKEN, null);
    }

    @Test
    void requestWhenTokenTooLargeThen401TokenTooLarge() throws Exception {
        FilterServer app = start();
        String big = Tokens.signedWith(TestKeys.rsa()).claim("pad", "x".repeat(4000)).sign();
        assertInvalidToken(app.getWithToken("/x", big), Reason.TOKEN_TOO_LARGE, big);
        assertThat(idp.jwksHits()).as("refused before any key is needed").isZero();
    }

    @Test
    void requestWhenLargerLimitConfiguredThenLargeTokenAccepted() throws Exception {
        // the padding claim is long, so claim hygiene's string limit is raised along with the size limit
        FilterServer app = start("portcullis.max-token-bytes", "8192", "portcullis.hygiene.max-string-length", "4096");
        String big = Tokens.signedWith(TestKeys.rsa()).claim("pad", "x".repeat(4000)).sign();
        assertThat(app.getWithToken("/x", big).statusCode()).isEqualTo(200);
    }

    @Test
    void requestWhenTwoAuthorizationHeadersThen400InvalidRequest() throws Exception {
        FilterServer app = start();
        String t = token();
        HttpResponse<String> r = app.get("/x", "Authorization", "Bearer " + t, "Authorization", "Bearer " + t);
        assertInvalidRequest(r, t);
        assertThat(app.invocations()).isZero();
    }

    @Test
    void requestWhenTwoAuthorizationHeaderLinesOnTheWireThen400InvalidRequest() throws Exception {
        FilterServer app = start();
        String t = token();
        String twice = app.raw("GET /x HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + t
                + "\r\nAuthorization: Bearer " + t + "\r\nConnection: close\r\n\r\n");
        assertThat(twice).startsWith("HTTP/1.1 400 ").contains("error=\"invalid_request\"")
                .contains("application/problem+json").doesNotContain(t.substring(0, 40));
        String once = app.raw("GET /x HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + t
                + "\r\nConnection: close\r\n\r\n");
        assertThat(once).startsWith("HTTP/1.1 200 ").contains("principal=alice");
        assertThat(app.invocations()).isEqualTo(1);
    }

    @Test
    void requestWhenBrokenBearerSyntaxThen400InvalidRequest() throws Exception {
        FilterServer app = start();
        String t = token();
        assertInvalidRequest(app.get("/x", "Authorization", "Bearer " + t + " " + t), t);
        assertInvalidRequest(app.get("/x", "Authorization", "Bearer:" + t), t);
        assertInvalidRequest(app.get("/x", "Authorization", "Bearer\t" + t), t);
        assertThat(app.invocations()).isZero();
    }

    @Test
    void requestWhenTokenInQueryAndSwitchOffThenRefused() throws Exception {
        FilterServer app = start();
        String t = token();
        assertInvalidRequest(app.get("/x?access_token=" + t), t);
        assertThat(app.invocations()).isZero();
    }

    @Test
    void requestWhenTokenInFormBodyAndSwitchOffThenNotAccepted() throws Exception {
        FilterServer app = start();
        String t = token();
        assertNoTokenChallenge(app.postForm("/x", "access_token=" + t));
        assertThat(app.invocations()).isZero();
    }

    @Test
    void requestWhenTokenInQueryAndInsecureSwitchOnThenAccepted() throws Exception {
        FilterServer app = start("portcullis.allow-insecure-query-parameter-tokens", "true");
        HttpResponse<String> r = app.get("/x?access_token=" + token());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("principal=alice");
        String t = token();
        assertInvalidRequest(app.get("/x?access_token=" + t, "Authorization", "Bearer " + t), t);
    }

    @Test
    void requestWhenNoKeysCanBeFetchedThen503WithRetryAfter() throws Exception {
        idp.fail(500);
        FilterServer app = start();
        HttpResponse<String> r = app.getWithToken("/x", token());
        assertRefusal(r, Reason.KEYS_UNAVAILABLE, null);
        assertThat(r.headers().firstValue("Retry-After")).contains("30");
        assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(app.invocations()).isZero();
    }

    @Test
    void requestWhenJwksDownButKeysCachedThenStillAccepted() throws Exception {
        FilterServer app = start("portcullis.jwks.refresh-interval", "1s");
        assertThat(app.getWithToken("/x", token()).statusCode()).isEqualTo(200);
        idp.fail(500);
        Thread.sleep(1100);
        // an unknown kid makes the filter try the failing endpoint; the cached keys survive
        String unknown = Tokens.signedWith(TestKeys.otherRsa()).sign();
        assertInvalidToken(app.getWithToken("/x", unknown), Reason.UNKNOWN_KEY, unknown);
        assertThat(idp.jwksHits()).isEqualTo(2);
        assertThat(app.getWithToken("/x", token()).statusCode()).isEqualTo(200);
    }

    @Test
    void requestWhenJwksHangsThenBoundedByTimeoutAnd503() throws Exception {
        idp.hang();
        FilterServer app = start("portcullis.jwks.timeout", "500ms");
        HttpResponse<String> r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> app.getWithToken("/x", token()));
        assertRefusal(r, Reason.KEYS_UNAVAILABLE, null);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(idp.jwksHits()).isEqualTo(1);
    }

    @Test
    void requestWhenKeysRotateThenNewKidAcceptedAndRemovedKidRefused() throws Exception {
        FilterServer app = start("portcullis.jwks.refresh-interval", "1s");
        String oldKid = token();
        assertThat(app.getWithToken("/x", oldKid).statusCode()).isEqualTo(200);
        idp.serve(TestKeys.otherRsa());
        Thread.sleep(1100);
        String newKid = Tokens.signedWith(TestKeys.otherRsa()).sign();
        HttpResponse<String> r = app.getWithToken("/x", newKid);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(idp.jwksHits()).isEqualTo(2);
        assertInvalidToken(app.getWithToken("/x", oldKid), Reason.UNKNOWN_KEY, oldKid);
        assertThat(app.getWithToken("/x", newKid).statusCode()).isEqualTo(200);
    }

    @Test
    void requestWhenStormOfUnknownKidsThenAtMostOneFetch() throws Exception {
        FilterServer app = start();
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String t = Tokens.signedWith(TestKeys.rsa()).kid("random-" + i + "-" + System.nanoTime()).sign();
            HttpRequest req = app.request("/x", "Authorization", "Bearer " + t).GET().build();
            inFlight.add(app.client().sendAsync(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
            if (inFlight.size() == 16) {
                for (CompletableFuture<HttpResponse<String>> f : inFlight) {
                    responses.add(f.get());
                }
                inFlight.clear();
            }
        }
        for (CompletableFuture<HttpResponse<String>> f : inFlight) {
            responses.add(f.get());
        }
        assertThat(responses).hasSize(500).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(401));
        assertThat(JsonUtil.parseJson(responses.get(499).body())).containsEntry("reason", "unknown_key");
        assertThat(idp.jwksHits()).isEqualTo(1);
        assertThat(app.getWithToken("/x", token()).statusCode()).isEqualTo(200);
        assertThat(idp.jwksHits()).isEqualTo(1);
        assertThat(app.invocations()).isEqualTo(1);
    }

    @Test
    void requestWhenKeysFromDiscoveryThenAccepted() throws Exception {
        FilterServer app = FilterServer.builder().param("portcullis.issuer", idp.issuer())
                .param("portcullis.audience", Tokens.AUDIENCE)
                .param("portcullis.discovery-uri", idp.discoveryUri().toString()).start();
        toClose.add(app);
        String t = Tokens.signedWith(TestKeys.ec()).issuer(idp.issuer()).sign();
        HttpResponse<String> r = app.getWithToken("/x", t);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("issuer=" + idp.issuer());
        assertThat(idp.discoveryHits()).isEqualTo(1);
        assertInvalidToken(app.getWithToken("/x", token()), Reason.UNTRUSTED_ISSUER, null);
    }

    @Test
    void requestWhenTwoIssuersThenEachWithItsOwnAudienceAndKeys() throws Exception {
        try (JwksServer partner = JwksServer.serving(TestKeys.ed25519())) {
            FilterServer app = start("portcullis.issuers", "partner",
                    "portcullis.issuers.partner.issuer", partner.issuer(),
                    "portcullis.issuers.partner.audience", "partner-api",
                    "portcullis.issuers.partner.jwks-uri", partner.jwksUri().toString());
            assertThat(app.getWithToken("/x", token()).body()).contains("issuer=" + Tokens.ISSUER);
            String partnerToken = Tokens.signedWith(TestKeys.ed25519()).issuer(partner.issuer()).audience("partner-api").sign();
            HttpResponse<String> r = app.getWithToken("/x", partnerToken);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains("issuer=" + partner.issuer());
            String crossAudience = Tokens.signedWith(TestKeys.ed25519()).issuer(partner.issuer()).audience(Tokens.AUDIENCE).sign();
            assertInvalidToken(app.getWithToken("/x", crossAudience), Reason.WRONG_AUDIENCE, crossAudience);
            // a key the first issuer publishes does not vouch for the partner issuer
            String crossKey = Tokens.signedWith(TestKeys.rsa()).issuer(partner.issuer()).audience("partner-api").sign();
            assertInvalidToken(app.getWithToken("/x", crossKey), Reason.UNKNOWN_KEY, crossKey);
            assertThat(partner.jwksHits()).isEqualTo(1);
        }
    }

    @Test
    void requestWhenRequiredTypeConfiguredThenEnforced() throws Exception {
        FilterServer app = start("portcullis.required-type", "at+jwt");
        assertThat(app.getWithToken("/x", Tokens.signedWith(TestKeys.rsa()).typ("application/at+jwt").sign()).statusCode())
                .isEqualTo(200);
        String jwt = Tokens.signedWith(TestKeys.rsa()).typ("JWT").sign();
        assertInvalidToken(app.getWithToken("/x", jwt), Reason.WRONG_TYPE, jwt);
    }

    @Test
    void requestWhenHmacIssuerThenHs256Accepted() throws Exception {
        byte[] secret = "an-hmac-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);
        FilterServer app = FilterServer.builder().param("portcullis.issuer", Tokens.ISSUER)
                .param("portcullis.audience", Tokens.AUDIENCE)
                .param("portcullis.hmac-secret", new String(secret, StandardCharsets.UTF_8)).start();
        toClose.add(app);
        assertThat(app.getWithToken("/x", Tokens.hmac(secret).sign()).statusCode()).isEqualTo(200);
        String wrong = Tokens.hmac(TestKeys.randomSecret(32)).sign();
        assertInvalidToken(app.getWithToken("/x", wrong), Reason.BAD_SIGNATURE, wrong);
    }
}
