package dev.portcullis.security;

import dev.portcullis.Reason;
import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;
import dev.portcullis.testing.Transmitter;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Shared Signals push endpoint (RFC 8935) under attack, over real HTTP: the filter on Jetty,
 * access tokens from a real JWKS endpoint, SETs from a real transmitter ({@link Transmitter}: its
 * ssf-configuration and JWKS over loopback). Each attack is refused with the RFC's error code and
 * leaves alice's token working; each has a positive twin (the same SET, made right, revokes her).
 */
class SignalAttackTest {
    static final String PUSH_TOKEN = "push-token-0123456789-0123456789-0123456789";

    private final JwksServer idp = JwksServer.serving(TestKeys.rsa());
    private final Transmitter tx = Transmitter.start(TestKeys.otherRsa());
    private FilterServer app;
    private URI push;

    @BeforeEach
    void start() throws Exception {
        app = FilterServer.builder().trusting(idp)
                .param("portcullis.signals.push-path", "/ssf/events")
                .param("portcullis.signals.push-token", PUSH_TOKEN)
                .param("portcullis.signals.configuration-uri", tx.configurationUri().toString())
                .param("portcullis.signals.audience", Transmitter.AUDIENCE)
                .param("portcullis.signals.subject-issuers", Tokens.ISSUER)
                .param("portcullis.signals.max-concurrent", "2")
                .param("portcullis.signals.max-body-bytes", "8192")
                .start();
        push = app.uri("/ssf/events");
    }

    @AfterEach
    void stop() {
        app.close();
        tx.close();
        idp.close();
    }

    private static String aliceToken() {
        return Tokens.signedWith(TestKeys.rsa()).at(Instant.now().minusSeconds(5)).sign();
    }

    private Tokens.Builder revokeAlice() {
        return tx.set(Transmitter.CAEP + "session-revoked", Transmitter.issSub(Tokens.ISSUER, Tokens.SUBJECT));
    }

    private static void assertSetError(HttpResponse<String> r, String err) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        Map<String, Object> body = JsonUtil.parseJson(r.body());
        assertThat(body).containsEntry("err", err).containsKey("description");
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        AttackSupport.assertNoInternals(r.body());
    }

    private void assertAliceStillAdmitted(String token) {
        assertThat(app.getWithToken("/orders/1", token).statusCode()).isEqualTo(200);
    }

    private void assertAliceRefused(String token) {
        HttpResponse<String> r = app.getWithToken("/orders/1", token);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains(Reason.TOKEN_REVOKED.problemType());
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h)
                .contains("error=\"invalid_token\""));
    }

    @Test
    void pushWhenValidSessionRevokedThenAliceOldTokenRefusedAndNewTokenAdmitted() throws Exception {
        String old = aliceToken();
        assertAliceStillAdmitted(old);
        HttpResponse<String> r = tx.push(push, PUSH_TOKEN, revokeAlice().sign());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertAliceRefused(old);
        // a token issued after the event (alice logged in again) is not affected
        String fresh = Tokens.signedWith(TestKeys.rsa()).at(Instant.now().plusSeconds(2)).sign();
        assertAliceStillAdmitted(fresh);
        // bob is not affected
        assertThat(app.getWithToken("/x", Tokens.signedWith(TestKeys.rsa()).subject("bob")
                .at(Instant.now().minusSeconds(5)).sign()).statusCode()).isEqualTo(200);
    }

    @Test
    void pushWhenEachRevokingRiscAndCaepEventThenRevokes() throws Exception {
        for (String type : List.of(Transmitter.CAEP + "credential-change", Transmitter.RISC + "account-disabled",
                Transmitter.RISC + "account-purged", Transmitter.RISC + "account-credential-change-required")) {
            String sub = "user-" + type.substring(type.lastIndexOf('/') + 1);
            String token = Tokens.signedWith(TestKeys.rsa()).subject(sub).at(Instant.now().minusSeconds(5)).sign();
            assertThat(app.getWithToken("/x", token).statusCode()).isEqualTo(200);
            HttpResponse<String> r = tx.push(push, PUSH_TOKEN, tx.set(type, Transmitter.issSub(Tokens.ISSUER, sub)).sign());
            assertThat(r.statusCode()).as(type).isEqualTo(202);
            assertThat(app.getWithToken("/x", token).statusCode()).as(type).isEqualTo(401);
        }
    }

    @Test
    void pushWhenAccountEnabledOrUnknownEventThenAcknowledgedAndTokenKept() throws Exception {
        String token = aliceToken();
        for (String type : List.of(Transmitter.RISC + "account-enabled", "https://example.com/event/unknown",
                Transmitter.CAEP + "assurance-level-change")) {
            HttpResponse<String> r = tx.push(push, PUSH_TOKEN, tx.set(type,
                    Transmitter.issSub(Tokens.ISSUER, Tokens.SUBJECT)).sign());
            assertThat(r.statusCode()).as(type).isEqualTo(202);
            assertAliceStillAdmitted(token);
        }
    }

    @Test
    void pushWhenStreamVerificationThenAcknowledgedAndStateRecorded() throws Exception {
        String set = tx.set(Transmitter.VERIFICATION, null).claim("events",
                Map.of(Transmitter.VERIFICATION, Map.of("state", "VGhpcyBpcyBhbiBleGFtcGxl"))).sign();
        HttpResponse<String> r = tx.push(push, PUSH_TOKEN, set);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertAliceStillAdmitted(aliceToken());
    }

    @Test
    void pushWhenForgedSignatureThenInvalidKeyAndAliceKept() throws Exception {
        String token = aliceToken();
        // the transmitter's kid, another key
        String forged = Tokens.signedWith(TestKeys.newRsa(TestKeys.OTHER_RSA_KID)).typ("secevent+jwt")
                .issuer(tx.issuer()).audience(Transmitter.AUDIENCE).without("sub", "exp")
                .claim("events", Map.of(Transmitter.CAEP + "session-revoked", Map.of()))
                .claim("sub_id", Transmitter.issSub(Tokens.ISSUER, Tokens.SUBJECT)).sign();
        assertSetError(tx.push(push, PUSH_TOKEN, forged), "invalid_key");
        // signed by the access-token issuer's key: not the transmitter's
        assertSetError(tx.push(push, PUSH_TOKEN, Tokens.signedWith(TestKeys.rsa()).typ("secevent+jwt")
                .issuer(tx.issuer()).audience(Transmitter.AUDIENCE).without("exp")
                .claim("events", Map.of(Transmitter.CAEP + "session-revoked", Map.of()))
                .claim("sub_id", Transmitter.issSub(Tokens.ISSUER, Tokens.SUBJECT)).sign()), "invalid_key");
        assertAliceStillAdmitted(token);
        assertThat(tx.push(push, PUSH_TOKEN, revokeAlice().sign()).statusCode()).isEqualTo(202);
        assertAliceRefused(token);
    }

    @Test
    void pushWhenUnsignedThenRefused() throws Exception {
        String token = aliceToken();
        String none = revokeAlice().rawHeader("{\"alg\":\"none\",\"typ\":\"secevent+jwt\"}").alg("none").sign();
        assertSetError(tx.push(push, PUSH_TOKEN, none), "invalid_key");
        String stripped = revokeAlice().emptySignature().sign();
        assertThat(tx.push(push, PUSH_TOKEN, stripped).statusCode()).isEqualTo(400);
        assertAliceStillAdmitted(token);
    }

    @Test
    void pushWhenReplayedThenSecondRefused() throws Exception {
        String set = revokeAlice().sign();
        assertThat(tx.push(push, PUSH_TOKEN, set).statusCode()).isEqualTo(202);
        assertSetError(tx.push(push, PUSH_TOKEN, set), "invalid_request");
    }

    @Test
    void pushWhenTooOldOrFutureIatOrExpiredThenRefused() throws Exception {
        String token = aliceToken();
        long now = Instant.now().getEpochSecond();
        assertSetError(tx.push(push, PUSH_TOKEN, revokeAlice().claim("iat", now - 3600).sign()), "invalid_request");
        assertSetError(tx.push(push, PUSH_TOKEN, revokeAlice().claim("iat", now + 3600).sign()), "invalid_request");
        assertSetError(tx.push(push, PUSH_TOKEN, revokeAlice().claim("exp", now - 120).sign()), "invalid_request");
        assertSetError(tx.push(push, PUSH_TOKEN, revokeAlice().without("iat").sign()), "invalid_request");
        assertAliceStillAdmitted(token);
    }

    @Test
    void pushWhenWrongAudienceIssuerOrTypeThenRefused() throws Exception {
        String token = aliceToken();
        assertSetError(tx.push(push, PUSH_TOKEN, revokeAlice().audience("https://other.test").sign()),
                "invalid_audience");
        assertSetError(tx.push(push, PUSH_TOKEN, revokeAlice().issuer("https://evil.test").sign()), "invalid_issuer");
        assertSetError(tx.push(push, PUSH_TOKEN, revokeAlice().typ("JWT").sign()), "invalid_request");
        assertSetError(tx.push(push, PUSH_TOKEN, revokeAlice().claim("jti", null).sign()), "invalid_request");
        assertSetError(tx.push(push, PUSH_TOKEN, revokeAlice().claim("events", Map.of()).sign()), "invalid_request");
        assertAliceStillAdmitted(token);
    }

    @Test
    void pushWhenSubjectOfAnotherIssuerOrUnmappableFormatThenAcknowledgedNotApplied() throws Exception {
        String token = aliceToken();
        // the transmitter may speak only for https://issuer.test
        assertThat(tx.push(push, PUSH_TOKEN, tx.set(Transmitter.RISC + "account-disabled",
                Transmitter.issSub("https://other-idp.test", Tokens.SUBJECT)).sign()).statusCode()).isEqualTo(202);
        assertThat(tx.push(push, PUSH_TOKEN, tx.set(Transmitter.RISC + "account-disabled",
                Map.of("format", "email", "email", "alice@example.com")).sign()).statusCode()).isEqualTo(202);
        assertThat(tx.push(push, PUSH_TOKEN, tx.set(Transmitter.RISC + "account-disabled",
                Map.of("format", "opaque", "id", Tokens.SUBJECT)).sign()).statusCode()).isEqualTo(202);
        assertAliceStillAdmitted(token);
        // positive twin: complex with an iss_sub user maps
        assertThat(tx.push(push, PUSH_TOKEN, tx.set(Transmitter.RISC + "account-disabled", Map.of("format", "complex",
                "user", Transmitter.issSub(Tokens.ISSUER, Tokens.SUBJECT))).sign()).statusCode()).isEqualTo(202);
        assertAliceRefused(token);
    }

    @Test
    void pushWhenNotAuthenticatedThen401AndNothingApplied() throws Exception {
        String token = aliceToken();
        String set = revokeAlice().sign();
        for (String bearer : new String[] {null, "wrong", PUSH_TOKEN + "x", PUSH_TOKEN.substring(1)}) {
            HttpResponse<String> r = tx.push(push, bearer, set);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat((Map<String, Object>) JsonUtil.parseJson(r.body())).containsEntry("err", "authentication_failed");
        }
        assertAliceStillAdmitted(token);
        // the same SET (not used up by the refusals) with the right bearer token
        assertThat(tx.push(push, PUSH_TOKEN, set).statusCode()).isEqualTo(202);
        assertAliceRefused(token);
    }

    @Test
    void pushWhenWrongMethodMediaTypeOrOversizedThenRefusedWithoutReading() throws Exception {
        HttpResponse<String> get = app.get("/ssf/events", "Authorization", "Bearer " + PUSH_TOKEN);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).contains("POST");
        HttpResponse<String> form = app.postForm("/ssf/events", "a=b", "Authorization", "Bearer " + PUSH_TOKEN);
        assertSetError(form, "invalid_request");
        HttpResponse<String> big = tx.push(push, PUSH_TOKEN, revokeAlice().claim("pad", "x".repeat(20_000)).sign());
        assertThat(big.statusCode()).isEqualTo(413);
        HttpResponse<String> garbage = tx.push(push, PUSH_TOKEN, "not-a-jwt");
        assertThat(garbage.statusCode()).isEqualTo(400);
        AttackSupport.assertNoInternals(garbage.body());
    }

    @Test
    void pushWhenFloodThenBoundedWorkNoServerErrorAndEveryValidSetAnswered() throws Exception {
        int n = 200;
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sets.add(tx.set(Transmitter.CAEP + "session-revoked", Transmitter.issSub(Tokens.ISSUER, "flood-" + i)).sign());
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
            for (String s : sets) {
                calls.add(() -> tx.push(push, PUSH_TOKEN, s));
            }
            int accepted = 0;
            int busy = 0;
            for (Future<HttpResponse<String>> f : pool.invokeAll(calls)) {
                HttpResponse<String> r = f.get();
                assertThat(r.statusCode()).isIn(202, 429);
                if (r.statusCode() == 202) {
                    accepted++;
                } else {
                    busy++;
                    assertThat(r.headers().firstValue("Retry-After")).as("a 429 says when to retry")
                            .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
                }
            }
            assertThat(accepted + busy).isEqualTo(n);
            assertThat(accepted).isPositive();
        } finally {
            pool.shutdownNow();
        }
        // the endpoint still works after the flood
        String token = aliceToken();
        assertThat(tx.push(push, PUSH_TOKEN, revokeAlice().sign()).statusCode()).isEqualTo(202);
        assertAliceRefused(token);
    }
}
