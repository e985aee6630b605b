package dev.portcullis.security;

import dev.portcullis.Reason;
import dev.portcullis.security.AttackSupport.Case;
import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;

import static dev.portcullis.security.AttackSupport.assertRefused;
import static dev.portcullis.security.AttackSupport.b64;
import static dev.portcullis.security.AttackSupport.getWithAuthorization;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks that bring or locate their own key ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}),
 * abuse {@code kid} as an injection vector, or dress a token in JWE parameters (PBES2 with a huge
 * {@code p2c}, {@code zip: DEF} bombs): all refused without fetching anything and without
 * decryption work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyInjectionAttackTest {
    private static final PublicJsonWebKey ATTACKER = TestKeys.otherRsa();

    private JwksServer idp;
    /** Serves the attacker's key; must never be contacted. */
    private JwksServer canary;
    private FilterServer app;
    private X509Certificate attackerCertificate;
    private PrivateKey attackerCertificateKey;

    @BeforeAll
    void start() throws Exception {
        idp = JwksServer.serving(TestKeys.rsa(), TestKeys.ec(), TestKeys.ed25519());
        canary = JwksServer.serving(ATTACKER);
        app = FilterServer.builder().trusting(idp).start();
        AttackSupport.warmUp(app);
        selfSignedCertificate();
    }

    /** An attacker's self-signed certificate, made with the JDK's own keytool (no extra dependency). */
    private void selfSignedCertificate() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("attacker");
        Path store = dir.resolve("attacker.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "attacker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=issuer.test", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit", "-noprompt")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        attackerCertificate = (X509Certificate) ks.getCertificate("attacker");
        attackerCertificateKey = (PrivateKey) ks.getKey("attacker", "changeit".toCharArray());
        java.nio.file.Files.delete(store);
        java.nio.file.Files.delete(dir);
    }

    @AfterAll
    void stop() {
        app.close();
        canary.close();
        idp.close();
    }

    private void refused(String token, Reason reason) {
        int before = app.invocations();
        HttpResponse<String> r = getWithAuthorization(app, "/x", "Bearer " + token);
        assertRefused(app, before, r, reason, token);
    }

    List<Case> keyCarryingHeaders() throws Exception {
        Map<String, Object> attackerJwk = org.jose4j.json.JsonUtil.parseJson(
                ATTACKER.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        String x5c = Base64.getEncoder().encodeToString(attackerCertificate.getEncoded());
        return List.of(
                new Case("embedded jwk, attacker kid", Tokens.signedWith(ATTACKER).header("jwk", attackerJwk).sign(),
                        Reason.FORBIDDEN_HEADER),
                new Case("embedded jwk, issuer's kid", Tokens.signedWith(ATTACKER).kid(TestKeys.RSA_KID)
                        .header("jwk", attackerJwk).sign(), Reason.FORBIDDEN_HEADER),
                new Case("embedded jwk, no kid", Tokens.signedWith(ATTACKER).noKid().header("jwk", attackerJwk).sign(),
                        Reason.FORBIDDEN_HEADER),
                new Case("jku at the canary", Tokens.signedWith(ATTACKER).header("jku", canary.jwksUri().toString())
                        .sign(), Reason.FORBIDDEN_HEADER),
                new Case("jku at the canary, issuer's kid", Tokens.signedWith(ATTACKER).kid(TestKeys.RSA_KID)
                        .header("jku", canary.jwksUri().toString()).sign(), Reason.FORBIDDEN_HEADER),
                new Case("jku at the real JWKS", Tokens.signedWith(TestKeys.rsa())
                        .header("jku", idp.jwksUri().toString()).sign(), Reason.FORBIDDEN_HEADER),
                new Case("x5u at the canary", Tokens.signedWith(ATTACKER).header("x5u", canary.jwksUri().resolve("/cert.pem").toString())
                        .sign(), Reason.FORBIDDEN_HEADER),
                new Case("x5c self-signed attacker certificate", Tokens.signedWith(attackerCertificateKey, "RS256")
                        .header("x5c", List.of(x5c)).sign(), Reason.FORBIDDEN_HEADER),
                new Case("x5c with the issuer's kid", Tokens.signedWith(attackerCertificateKey, "RS256")
                        .kid(TestKeys.RSA_KID).header("x5c", List.of(x5c)).sign(), Reason.FORBIDDEN_HEADER),
                new Case("crit naming an extension", Tokens.signedWith(TestKeys.rsa()).header("crit", List.of("exp"))
                        .header("exp", 1).sign(), Reason.FORBIDDEN_HEADER),
                new Case("attacker key, issuer's kid", Tokens.signedWith(ATTACKER).kid(TestKeys.RSA_KID).sign(),
                        Reason.BAD_SIGNATURE),
                new Case("attacker key, own kid", Tokens.signedWith(ATTACKER).sign(), Reason.UNKNOWN_KEY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyCarryingHeaders")
    void requestWhenTokenBringsOrLocatesItsOwnKeyThenRefusedAndNothingFetched(Case c) {
        refused(c.value(), c.reason());
        assertThat(canary.jwksHits()).as("the canary was never contacted").isZero();
        assertThat(canary.discoveryHits()).isZero();
    }

    @Test
    void requestWhenGenuineTokenWithThumbprintThenAccepted() {
        String t = Tokens.signedWith(TestKeys.rsa()).header("x5t", "dGh1bWJwcmludA").sign();
        assertThat(getWithAuthorization(app, "/x", "Bearer " + t).statusCode()).isEqualTo(200);
        assertThat(getWithAuthorization(app, "/x", "Bearer " + Tokens.signedWith(TestKeys.rsa()).sign()).statusCode())
                .isEqualTo(200);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "x5t | 1", "x5t | true", "x5t | [\"a\"]", "x5t | {\"a\":1}", "x5t#S256 | 1", "x5t#S256 | null",
    })
    void requestWhenThumbprintHeaderNotAStringThenMalformedNeverACrash(String name, String json) {
        // found by TokenRobustnessTest: key selection cast a numeric x5t and the cast failed
        String header = "{\"alg\":\"RS256\",\"kid\":\"" + TestKeys.RSA_KID + "\",\"" + name + "\":" + json + "}";
        String t = Tokens.signedWith(TestKeys.rsa()).rawHeader(header).sign();
        if (json.equals("null")) {
            // a JSON null is an absent member: the genuine token passes (positive control)
            assertThat(getWithAuthorization(app, "/x", "Bearer " + t).statusCode()).isEqualTo(200);
        } else {
            refused(t, Reason.MALFORMED_TOKEN);
        }
    }

    // ------------------------------------------------------------------ kid

    static List<Case> kids() {
        List<Case> cases = new ArrayList<>();
        Map<String, String> strings = new java.util.LinkedHashMap<>();
        strings.put("path traversal", "../../../../etc/passwd");
        strings.put("path traversal to /dev/null", "../../../../../../dev/null");
        strings.put("absolute file URL", "file:///etc/passwd");
        strings.put("SQL injection", "rsa-1' OR '1'='1");
        strings.put("SQL union", "x' UNION SELECT 'secret' --");
        strings.put("LDAP metacharacters", "*)(uid=*))(|(uid=*");
        strings.put("CRLF", "rsa-1\r\nX-Injected: yes");
        strings.put("NUL", "rsa-1\u0000");
        strings.put("shell metacharacters", "$(id);`id`|id");
        strings.put("700 characters (within the header gate)", "k".repeat(700));
        for (Map.Entry<String, String> k : strings.entrySet()) {
            cases.add(new Case("kid " + k.getKey() + ", attacker key",
                    Tokens.signedWith(ATTACKER).kid(k.getValue()).sign(), Reason.UNKNOWN_KEY));
        }
        cases.add(new Case("kid 5 KB (over the header gate)", Tokens.signedWith(ATTACKER).kid("k".repeat(5_000)).sign(),
                Reason.TOKEN_TOO_LARGE));
        cases.add(new Case("kid a number", Tokens.signedWith(ATTACKER).header("kid", 1).sign(), Reason.MALFORMED_TOKEN));
        cases.add(new Case("kid an array", Tokens.signedWith(ATTACKER).header("kid", List.of("rsa-1")).sign(),
                Reason.MALFORMED_TOKEN));
        cases.add(new Case("kid an object", Tokens.signedWith(ATTACKER).header("kid", Map.of("id", "rsa-1")).sign(),
                Reason.MALFORMED_TOKEN));
        cases.add(new Case("kid a boolean", Tokens.signedWith(ATTACKER).header("kid", true).sign(),
                Reason.MALFORMED_TOKEN));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kids")
    void requestWhenKidIsAnInjectionVectorThenRefused(Case c) {
        refused(c.value(), c.reason());
    }

    @Test
    void requestWhenKidIsTenKilobytesThenContainerRefusesAndResourceNeverRuns() {
        String t = Tokens.signedWith(ATTACKER).kid("k".repeat(10_240)).sign();
        int before = app.invocations();
        HttpResponse<String> r = getWithAuthorization(app, "/x", "Bearer " + t);
        assertThat(r.statusCode()).isIn(400, 413, 431);
        assertThat(app.invocations()).isEqualTo(before);
        AttackSupport.assertNotEchoed(r, t);
    }

    @Test
    void requestWhenOddKidOnGenuineKeyThenOnlyKnownKidAccepted() {
        assertThat(getWithAuthorization(app, "/x", "Bearer " + Tokens.signedWith(TestKeys.rsa()).sign()).statusCode())
                .isEqualTo(200);
        refused(Tokens.signedWith(TestKeys.rsa()).kid("../rsa-1").sign(), Reason.UNKNOWN_KEY);
    }

    // ------------------------------------------------------------ JWE tricks

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    static List<Case> jweTricks() {
        String iv = b64(new byte[12]);
        String tag = b64(new byte[16]);
        String pbes2 = b64("{\"alg\":\"PBES2-HS512+A256KW\",\"enc\":\"A256GCM\",\"p2s\":\"c2FsdHNhbHQ\","
                + "\"p2c\":2147483647,\"kid\":\"rsa-1\"}");
        String zip = b64("{\"alg\":\"dir\",\"enc\":\"A128GCM\",\"zip\":\"DEF\"}");
        byte[] bomb = deflate(new byte[2_000_000]); // about 2 KB that inflate to 2 MB
        String payload = AttackSupport.segments(Tokens.signedWith(TestKeys.rsa()).sign())[1];
        java.security.Key rsa = TestKeys.rsa().getPrivateKey();
        return List.of(
                new Case("PBES2 JWE with p2c = 2^31-1", pbes2 + "." + b64(new byte[40]) + "." + iv + "."
                        + b64(new byte[32]) + "." + tag, Reason.ENCRYPTED_TOKEN),
                new Case("zip DEF bomb JWE", zip + ".." + iv + "." + b64(bomb) + "." + tag, Reason.ENCRYPTED_TOKEN),
                new Case("JWS header with PBES2 p2c", AttackSupport.signed("RS256", rsa, b64("{\"alg\":\"RS256\","
                        + "\"kid\":\"rsa-1\",\"p2c\":2147483647,\"p2s\":\"c2FsdA\"}"), payload), Reason.FORBIDDEN_HEADER),
                new Case("JWS header with zip DEF over a deflated payload", AttackSupport.signed("RS256", rsa,
                        b64("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"zip\":\"DEF\"}"), b64(bomb)), Reason.MALFORMED_TOKEN),
                new Case("JWS header with zip DEF over a plain payload", AttackSupport.signed("RS256", rsa,
                        b64("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"zip\":\"DEF\"}"), payload), Reason.FORBIDDEN_HEADER),
                new Case("JWS header with enc", AttackSupport.signed("RS256", rsa,
                        b64("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"enc\":\"A128GCM\"}"), payload), Reason.FORBIDDEN_HEADER),
                new Case("JWS header with epk", AttackSupport.signed("RS256", rsa,
                        b64("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"epk\":{\"kty\":\"EC\"}}"), payload),
                        Reason.FORBIDDEN_HEADER),
                new Case("nested JWT (cty JWT)", AttackSupport.signed("RS256", rsa,
                        b64("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"cty\":\"JWT\"}"),
                        b64(Tokens.signedWith(TestKeys.rsa()).sign())), Reason.FORBIDDEN_HEADER));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jweTricks")
    void requestWhenJweParametersOrCompressionThenRefusedWithoutDecryption(Case c) {
        refused(c.value(), c.reason());
    }
}
