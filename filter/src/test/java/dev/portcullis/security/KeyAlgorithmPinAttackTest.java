package dev.portcullis.security;

import dev.portcullis.Reason;
import dev.portcullis.internal.EngineParts;
import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.portcullis.security.AttackSupport.assertRefused;
import static dev.portcullis.security.AttackSupport.getWithAuthorization;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key that says what it is for is held to it (RFC 7517 §4.2-4.4, RFC 8725 §3.1): a JWK with
 * {@code alg} verifies only that algorithm, one with {@code use} other than {@code sig} or with
 * {@code key_ops} without {@code verify} verifies nothing. Each case runs through the real filter
 * for every JWKS key source: a JWKS URL, OpenID discovery and a JWKS file; each refusal has a
 * positive twin with the same key material.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyAlgorithmPinAttackTest {
    private static final PublicJsonWebKey RSA = TestKeys.rsa();
    private static final PublicJsonWebKey OTHER_RSA = TestKeys.otherRsa();
    private static final PublicJsonWebKey EC = TestKeys.ec();

    private JwksServer idp;
    private Map<String, FilterServer> apps;

    /** The issuer's key set: the same key material published with and without restrictions. */
    private static List<PublicJsonWebKey> keySet() {
        return List.of(
                copy(RSA, "rsa-ps256", "PS256", null, null),
                copy(RSA, "rsa-plain", null, null, null),
                copy(OTHER_RSA, "rsa-rs256", "RS256", null, null),
                copy(EC, "ec-es384", "ES384", null, null),
                copy(EC, "ec-es256", "ES256", null, null),
                copy(OTHER_RSA, "rsa-enc", null, "enc", null),
                copy(OTHER_RSA, "rsa-sign-only", null, null, List.of("sign")),
                copy(OTHER_RSA, "rsa-verify-ops", null, "sig", List.of("verify")),
                TestKeys.ed25519());
    }

    /** The public and private parts of {@code key} under another kid, with the given members. */
    static PublicJsonWebKey copy(PublicJsonWebKey key, String kid, String alg, String use, List<String> ops) {
        try {
            PublicJsonWebKey c = PublicJsonWebKey.Factory.newPublicJwk(
                    key.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
            c.setKeyId(kid);
            c.setAlgorithm(alg);
            c.setUse(use);
            c.setKeyOps(ops);
            return c;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    void start() throws Exception {
        idp = JwksServer.start().serve(keySet()).discoveryIssuer(Tokens.ISSUER);
        Path jwksFile = Files.createTempFile("pinned", ".json");
        Files.writeString(jwksFile, TestKeys.jwks(keySet()));
        jwksFile.toFile().deleteOnExit();
        apps = Map.of(
                "jwks-uri", FilterServer.builder().trusting(idp).start(),
                "discovery-uri", FilterServer.builder().param("portcullis.issuer", Tokens.ISSUER)
                        .param("portcullis.audience", Tokens.AUDIENCE)
                        .param("portcullis.discovery-uri", idp.discoveryUri().toString()).start(),
                "jwks-file", FilterServer.builder().param("portcullis.issuer", Tokens.ISSUER)
                        .param("portcullis.audience", Tokens.AUDIENCE)
                        .param("portcullis.jwks-file", jwksFile.toString()).start());
        for (FilterServer app : apps.values()) {
            // class loading and JIT of the first requests must not count against the prompt limit
            for (String t : List.of(token(RSA, "rsa-plain", "RS256"), token(EC, "ec-es256", "ES256"),
                    Tokens.signedWith(TestKeys.ed25519()).sign(), "a.b.c")) {
                for (int i = 0; i < 3; i++) {
                    app.get("/x", "Authorization", "Bearer " + t);
                }
            }
        }
    }

    @AfterAll
    void stop() {
        apps.values().forEach(FilterServer::close);
        idp.close();
    }

    private static String token(PublicJsonWebKey key, String kid, String alg) {
        return Tokens.signedWith(key).kid(kid).alg(alg).sign();
    }

    private void refused(String source, String token, Reason reason) {
        FilterServer app = apps.get(source);
        int before = app.invocations();
        HttpResponse<String> r = getWithAuthorization(app, "/x", "Bearer " + token);
        assertRefused(app, before, r, reason, token);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                h -> assertThat(h).contains("error=\"invalid_token\""));
    }

    private void accepted(String source, String token) {
        FilterServer app = apps.get(source);
        int before = app.invocations();
        HttpResponse<String> r = getWithAuthorization(app, "/x", "Bearer " + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(app.invocations()).isEqualTo(before + 1);
        assertThat(r.body()).contains("subject=" + Tokens.SUBJECT);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jwks-uri", "discovery-uri", "jwks-file"})
    void requestWhenRs256SignatureWithKeyPublishedForPs256ThenRefused(String source) {
        refused(source, token(RSA, "rsa-ps256", "RS256"), Reason.DISALLOWED_ALGORITHM);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jwks-uri", "discovery-uri", "jwks-file"})
    void requestWhenPs256SignatureWithKeyPublishedForPs256ThenAccepted(String source) {
        accepted(source, token(RSA, "rsa-ps256", "PS256"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jwks-uri", "discovery-uri", "jwks-file"})
    void requestWhenRs256SignatureWithTheSameKeyWithoutAlgThenAccepted(String source) {
        accepted(source, token(RSA, "rsa-plain", "RS256"));
        accepted(source, token(RSA, "rsa-plain", "PS256"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jwks-uri", "discovery-uri", "jwks-file"})
    void requestWhenPs256SignatureWithKeyPublishedForRs256ThenRefusedAndRs256Accepted(String source) {
        refused(source, token(OTHER_RSA, "rsa-rs256", "PS256"), Reason.DISALLOWED_ALGORITHM);
        accepted(source, token(OTHER_RSA, "rsa-rs256", "RS256"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jwks-uri", "discovery-uri", "jwks-file"})
    void requestWhenEs256SignatureWithKeyPublishedForEs384ThenRefused(String source) {
        refused(source, token(EC, "ec-es384", "ES256"), Reason.DISALLOWED_ALGORITHM);
        accepted(source, token(EC, "ec-es256", "ES256"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jwks-uri", "discovery-uri", "jwks-file"})
    void requestWhenKeyPublishedForEncryptionThenUnknownKey(String source) {
        refused(source, token(OTHER_RSA, "rsa-enc", "RS256"), Reason.UNKNOWN_KEY);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jwks-uri", "discovery-uri", "jwks-file"})
    void requestWhenKeyOpsWithoutVerifyThenUnknownKeyAndWithVerifyAccepted(String source) {
        refused(source, token(OTHER_RSA, "rsa-sign-only", "RS256"), Reason.UNKNOWN_KEY);
        accepted(source, token(OTHER_RSA, "rsa-verify-ops", "RS256"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jwks-uri", "discovery-uri", "jwks-file"})
    void requestWhenAlgHeaderSwappedWithoutResigningThenRefused(String source) {
        // the RS256 signature of a PS256-pinned key's owner, relabelled PS256: still not valid
        String rs = token(RSA, "rsa-ps256", "RS256");
        String[] parts = rs.split("\\.");
        String relabelled = Tokens.b64("{\"alg\":\"PS256\",\"kid\":\"rsa-ps256\"}") + "." + parts[1] + "." + parts[2];
        refused(source, relabelled, Reason.BAD_SIGNATURE);
    }

    /**
     * Key rotation: a token accepted (and cached) while its key was published without {@code alg}
     * is refused once the issuer re-publishes that key id pinned to another algorithm, even with the
     * verified-token cache on.
     */
    @Test
    void requestWhenKeyIsRepublishedWithAnotherAlgThenCachedTokenIsRefused() throws Exception {
        try (JwksServer rotating = JwksServer.serving(copy(RSA, "rsa-rotating", null, null, null));
             FilterServer app = FilterServer.builder().trusting(rotating)
                     .param("portcullis.token-cache.enabled", "true")
                     .param("portcullis.jwks.refresh-interval", "1s").start()) {
            String token = token(RSA, "rsa-rotating", "RS256");
            for (int i = 0; i < 3; i++) {
                assertThat(app.get("/x", "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
            }
            assertThat(EngineParts.of(app.engine()).tokenCache().size()).isEqualTo(1);
            rotating.serve(copy(RSA, "rsa-rotating", "PS256", null, null));
            // an unknown kid makes the filter refetch the keys once the refresh interval has passed
            String unknown = token(RSA, "rsa-unknown", "RS256");
            long deadline = System.nanoTime() + 10_000_000_000L;
            int status = 200;
            while (status == 200 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                app.get("/x", "Authorization", "Bearer " + unknown);
                status = app.get("/x", "Authorization", "Bearer " + token).statusCode();
            }
            int before = app.invocations();
            HttpResponse<String> r = app.get("/x", "Authorization", "Bearer " + token);
            assertRefused(app, before, r, Reason.DISALLOWED_ALGORITHM, token);
            assertThat(app.get("/x", "Authorization", "Bearer " + token(RSA, "rsa-rotating", "PS256")).statusCode())
                    .isEqualTo(200);
        }
    }
}
