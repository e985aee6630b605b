package dev.portcullis.security;

import dev.portcullis.Reason;
import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import static dev.portcullis.security.AttackSupport.assertRefused;
import static dev.portcullis.security.AttackSupport.getWithAuthorization;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key endpoint misbehaving: slow, hanging, failing, huge, not JSON, or publishing keys that
 * must not be used (encryption keys, RSA under 2048 bits, duplicate kids). Fetches are bounded
 * (timeout, size), nothing hangs, and a token is never accepted on a key that should not count.
 */
class JwksFaultTest {
    private JwksServer idp;
    private FilterServer app;

    /** Loads and compiles the request path once, so no case pays the first request's cost. */
    @BeforeAll
    static void warmJvm() throws Exception {
        try (JwksServer healthy = JwksServer.serving(TestKeys.rsa(), TestKeys.ec(), TestKeys.ed25519());
             FilterServer warm = FilterServer.builder().trusting(healthy).start()) {
            AttackSupport.warmUp(warm);
        }
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    private FilterServer start() throws Exception {
        app = FilterServer.builder().trusting(idp).param("portcullis.jwks.timeout", "500ms").start();
        return app;
    }

    /** How the endpoint fails. */
    enum Fault {
        SLOW(s -> s.slow(Duration.ofSeconds(3))),
        HANG(JwksServer::hang),
        ERROR_500(s -> s.fail(500)),
        ERROR_404(s -> s.fail(404)),
        HUGE_5_MB(s -> s.huge(5 * 1024 * 1024)),
        INVALID_JSON(JwksServer::invalidJson),
        NOT_A_KEY_SET(s -> s.serveJson("{\"keys\":\"rsa-1\"}")),
        KEYS_NOT_OBJECTS(s -> s.serveJson("{\"keys\":[1,\"two\",null]}")),
        EMPTY_SET(s -> s.serveJson("{\"keys\":[]}")),
        ARRAY(s -> s.serveJson("[]"));

        final Consumer<JwksServer> apply;

        Fault(Consumer<JwksServer> apply) {
            this.apply = apply;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Fault.class)
    void requestWhenKeyEndpointMisbehavesThenRefusedPromptlyAndNeverAccepted(Fault fault) throws Exception {
        idp = JwksServer.serving(TestKeys.rsa());
        fault.apply.accept(idp);
        start();
        String t = Tokens.signedWith(TestKeys.rsa()).sign();
        int before = app.invocations();
        HttpResponse<String> r = getWithAuthorization(app, "/x", "Bearer " + t);
        assertThat(app.invocations()).isEqualTo(before);
        if (r.statusCode() == 503) {
            assertRefused(app, before, r, Reason.KEYS_UNAVAILABLE, t);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
        } else {
            assertRefused(app, before, r, Reason.UNKNOWN_KEY, t);
        }
        idp.serve(TestKeys.rsa());
    }

    @Test
    void requestWhenKeyEndpointHealthyThenAccepted() throws Exception {
        idp = JwksServer.serving(TestKeys.rsa());
        start();
        assertThat(getWithAuthorization(app, "/x", "Bearer " + Tokens.signedWith(TestKeys.rsa()).sign()).statusCode())
                .isEqualTo(200);
    }

    private static String withUse(PublicJsonWebKey key, String use) throws Exception {
        Map<String, Object> jwk = org.jose4j.json.JsonUtil.parseJson(key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        jwk.put("use", use);
        return "{\"keys\":[" + org.jose4j.json.JsonUtil.toJson(jwk) + "]}";
    }

    @Test
    void requestWhenOnlyKeyIsAnEncryptionKeyThenRefused() throws Exception {
        idp = JwksServer.start();
        idp.serveJson(withUse(TestKeys.rsa(), "enc"));
        start();
        String t = Tokens.signedWith(TestKeys.rsa()).sign();
        HttpResponse<String> r = getWithAuthorization(app, "/x", "Bearer " + t);
        assertThat(r.statusCode()).as(r.body()).isIn(401, 503);
        assertThat(app.invocations()).isZero();
        idp.serveJson(withUse(TestKeys.rsa(), "sig"));
        FilterServer twin = FilterServer.builder().trusting(idp).start();
        try {
            assertThat(getWithAuthorization(twin, "/x", "Bearer " + t).statusCode()).as("positive twin: use sig")
                    .isEqualTo(200);
        } finally {
            twin.close();
        }
    }

    @Test
    void requestWhenRsaKeyUnder2048BitsThenRefused() throws Exception {
        RsaJsonWebKey weak = RsaJwkGenerator.generateJwk(1024);
        weak.setKeyId("weak-1");
        idp = JwksServer.serving(weak, TestKeys.rsa());
        start();
        String t = Tokens.signedWith(weak).sign();
        int before = app.invocations();
        HttpResponse<String> r = getWithAuthorization(app, "/x", "Bearer " + t);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(app.invocations()).isEqualTo(before);
        AttackSupport.assertNotEchoed(r, t);
        assertThat(getWithAuthorization(app, "/x", "Bearer " + Tokens.signedWith(TestKeys.rsa()).sign()).statusCode())
                .as("the 2048-bit key next to it still works").isEqualTo(200);
    }

    @Test
    void requestWhenDuplicateKidsThenOnlyPublishedKeysVerify() throws Exception {
        PublicJsonWebKey twin = TestKeys.newRsa(TestKeys.RSA_KID);
        idp = JwksServer.serving(TestKeys.rsa(), twin);
        start();
        assertThat(getWithAuthorization(app, "/x", "Bearer " + Tokens.signedWith(TestKeys.rsa()).sign()).statusCode())
                .isEqualTo(200);
        assertThat(getWithAuthorization(app, "/x", "Bearer " + Tokens.signedWith(twin).sign()).statusCode())
                .as("both published keys count, as documented: the one that verifies wins").isEqualTo(200);
        String forged = Tokens.signedWith(TestKeys.otherRsa()).kid(TestKeys.RSA_KID).sign();
        int before = app.invocations();
        assertRefused(app, before, getWithAuthorization(app, "/x", "Bearer " + forged), Reason.BAD_SIGNATURE, forged);
        assertThat(idp.jwksHits()).as("bounded: no refetch storm").isLessThanOrEqualTo(2);
    }

    @Test
    void requestWhenManyUnknownKidsThenKeyFetchesStayRateLimited() throws Exception {
        idp = JwksServer.serving(TestKeys.rsa());
        start();
        for (int i = 0; i < 20; i++) {
            String t = Tokens.signedWith(TestKeys.otherRsa()).kid("unknown-" + i).sign();
            int before = app.invocations();
            assertRefused(app, before, getWithAuthorization(app, "/x", "Bearer " + t), Reason.UNKNOWN_KEY, t);
        }
        assertThat(idp.jwksHits()).as("one fetch, then rate-limited refreshes").isLessThanOrEqualTo(2);
    }
}
