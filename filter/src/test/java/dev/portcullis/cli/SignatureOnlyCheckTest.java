package dev.portcullis.cli;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code verify-token --signature-only} in process: the published vectors of RFC 7515 A.1-A.3 and
 * RFC 8037 A.4 verify; tampering, a key pinned to another {@code alg}, HMAC keyed with a public key,
 * {@code none}, refused header parameters and non-canonical base64url do not; and bad options are
 * usage errors naming the option.
 */
class SignatureOnlyCheckTest {
    @TempDir
    static Path dir;
    private static JwsVectors vectors;
    private static RsaJsonWebKey first;
    private static RsaJsonWebKey second;
    private static Path rotationJwks;

    @BeforeAll
    static void setUp() throws Exception {
        vectors = new JwsVectors(dir);
        first = RsaJwkGenerator.generateJwk(2048);
        first.setKeyId("2026-11");
        second = RsaJwkGenerator.generateJwk(2048);
        second.setKeyId("2026-12");
        second.setAlgorithm("RS256");
        rotationJwks = vectors.write("rotation.json", new JsonWebKeySet(first, second)
                .toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
    }

    private record Run(int code, String out, String err) {
        Map<String, Object> json() throws Exception {
            return JsonUtil.parseJson(out.trim());
        }
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 1];
        all[0] = "verify-token";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = Main.run(all, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String sign(RsaJsonWebKey key, String alg, String kid, Map<String, Object> extraHeaders)
            throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload("{\"sub\":\"alice\"}");
        jws.setAlgorithmHeaderValue(alg);
        if (kid != null) {
            jws.setKeyIdHeaderValue(kid);
        }
        extraHeaders.forEach(jws::setHeader);
        jws.setKey(key.getPrivateKey());
        return jws.getCompactSerialization();
    }

    // ------------------------------------------------------------------ published vectors

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource({"rfc7515.a2, RS256, RSA", "rfc7515.a3, ES256, EC", "rfc8037.a4, EdDSA, OKP"})
    void signatureOnlyWhenPublishedVectorWithItsKeyThenVerifiedExitZero(String vector, String alg, String kty) {
        Run r = run("--signature-only", "--jwks-file", vectors.jwksFile(vector, "").toString(), vectors.jws(vector));
        assertThat(r.code).as(r.out + r.err).isZero();
        assertThat(r.out).contains("verdict: verified", "algorithm: " + alg, "key_type: " + kty, "key_id: (none)",
                "no claim");
        assertThat(r.err).isEmpty();
    }

    @Test
    void signatureOnlyWhenRfc7515A1WithItsSecretFileThenVerified() {
        Run r = run("--signature-only", "--hmac-secret-file", vectors.a1SecretFile().toString(),
                vectors.jws("rfc7515.a1"));
        assertThat(r.code).as(r.out + r.err).isZero();
        assertThat(r.out).contains("verdict: verified", "algorithm: HS256", "key_type: oct");
    }

    @Test
    void signatureOnlyWhenRfc7515A1WithPublicKeysThenNotVerifiedDisallowedAlgorithm() {
        Run r = run("--signature-only", "--jwks-file", vectors.jwksFile("rfc7515.a2", "").toString(),
                vectors.jws("rfc7515.a1"));
        assertThat(r.code).isEqualTo(1);
        assertThat(r.out).contains("verdict: not_verified", "reason: disallowed_algorithm");
    }

    @Test
    void signatureOnlyWhenHmacSecretTooShortThenUsageErrorNamingOptionWithoutTheSecret() {
        Path shortSecret = vectors.write("short.secret", "0123456789abcdefghij\n");
        Run r = run("--signature-only", "--hmac-secret-file", shortSecret.toString(), vectors.jws("rfc7515.a1"));
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).startsWith("portcullis verify-token --signature-only: --hmac-secret-file: ")
                .contains("at least 32 bytes").doesNotContain("0123456789");
    }

    @Test
    void signatureOnlyWhenPayloadTamperedThenBadSignature() {
        String[] parts = vectors.jws("rfc7515.a2").split("\\.");
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":false}"
                        .getBytes(StandardCharsets.UTF_8));
        Run r = run("--signature-only", "--json", "--jwks-file", vectors.jwksFile("rfc7515.a2", "").toString(),
                parts[0] + "." + payload + "." + parts[2]);
        assertThat(r.code).isEqualTo(1);
        assertThat(r.out).contains("\"verdict\":\"not_verified\"", "\"reason\":\"bad_signature\"");
    }

    @ParameterizedTest(name = "{0} with a key published for {1}")
    @CsvSource({"rfc7515.a2, PS256", "rfc7515.a2, RS384", "rfc7515.a3, ES384", "rfc8037.a4, ES256"})
    void signatureOnlyWhenKeyPinnedToAnotherAlgThenDisallowedAlgorithm(String vector, String pin) {
        Run r = run("--signature-only", "--jwks-file",
                vectors.jwksFile(vector, "\"alg\":\"" + pin + "\"").toString(), vectors.jws(vector));
        assertThat(r.code).as(r.out + r.err).isEqualTo(1);
        assertThat(r.out).contains("reason: disallowed_algorithm", "published for " + pin);
    }

    @ParameterizedTest(name = "{0} with a key published for {1}")
    @CsvSource({"rfc7515.a2, RS256", "rfc7515.a3, ES256", "rfc8037.a4, EdDSA"})
    void signatureOnlyWhenKeyPinnedToTheTokensAlgThenVerified(String vector, String pin) {
        Run r = run("--signature-only", "--jwks-file",
                vectors.jwksFile(vector, "\"alg\":\"" + pin + "\",\"kid\":\"k1\"").toString(), vectors.jws(vector));
        assertThat(r.code).as(r.out + r.err).isZero();
        assertThat(r.out).contains("key_algorithm: " + pin, "key_id: k1");
    }

    @Test
    void signatureOnlyWhenTheOnlyKeyIsForEncryptionThenUsageErrorNoSignatureKey() {
        Run r = run("--signature-only", "--jwks-file", vectors.jwksFile("rfc7515.a3", "\"use\":\"enc\"").toString(),
                vectors.jws("rfc7515.a3"));
        assertThat(r.code).as(r.out + r.err).isEqualTo(2);
        assertThat(r.err).contains("--jwks-file", "no public signature key");
    }

    @Test
    void signatureOnlyWhenHs256KeyedWithThePublicKeyThenDisallowedAlgorithm() throws Exception {
        String publicJwk = vectors.jwk("rfc7515.a2");
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload("{\"sub\":\"alice\"}");
        jws.setAlgorithmHeaderValue("HS256");
        jws.setKey(new HmacKey(publicJwk.getBytes(StandardCharsets.UTF_8)));
        jws.setDoKeyValidation(false);
        String token = jws.getCompactSerialization();
        Path jwks = vectors.jwksFile("rfc7515.a2", "");
        Run r = run("--signature-only", "--jwks-file", jwks.toString(), token);
        assertThat(r.code).isEqualTo(1);
        assertThat(r.out).contains("reason: disallowed_algorithm");
        Run allowHs = run("--signature-only", "--jwks-file", jwks.toString(), "--algorithms", "RS256,HS256", token);
        assertThat(allowHs.code).isEqualTo(2);
        assertThat(allowHs.err).contains("--algorithms: ", "cannot be used with public keys");
    }

    @Test
    void signatureOnlyWhenAlgNoneThenNotVerified() {
        String payload = vectors.jws("rfc7515.a2").split("\\.")[1];
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        String jwks = vectors.jwksFile("rfc7515.a2", "").toString();
        Run unsigned = run("--signature-only", "--jwks-file", jwks, none + "." + payload + ".");
        assertThat(unsigned.code).isEqualTo(1);
        assertThat(unsigned.out).contains("reason: malformed_token");
        Run junk = run("--signature-only", "--jwks-file", jwks, none + "." + payload + ".c2ln");
        assertThat(junk.code).isEqualTo(1);
        assertThat(junk.out).contains("reason: disallowed_algorithm");
        Run allowNone = run("--signature-only", "--jwks-file", jwks, "--algorithms", "none", none + "." + payload + ".c2ln");
        assertThat(allowNone.code).isEqualTo(2);
        assertThat(allowNone.err).contains("--algorithms: algorithm 'none' is never allowed");
    }

    @Test
    void signatureOnlyWhenSignatureNotCanonicalBase64urlThenMalformed() {
        String token = vectors.jws("rfc7515.a2");
        assertThat(token).endsWith("w"); // 342 characters: the last one carries 4 unused bits, here zero
        Run r = run("--signature-only", "--jwks-file", vectors.jwksFile("rfc7515.a2", "").toString(),
                token.substring(0, token.length() - 1) + "x");
        assertThat(r.code).isEqualTo(1);
        assertThat(r.out).contains("reason: malformed_token", "not canonical");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"jku", "x5u", "crit"})
    void signatureOnlyWhenRefusedHeaderThenForbiddenHeaderAndWithoutItVerified(String header) throws Exception {
        Object value = header.equals("crit") ? java.util.List.of("exp") : "https://attacker.example/keys";
        Run r = run("--signature-only", "--jwks-file", rotationJwks.toString(),
                sign(first, "RS256", first.getKeyId(), Map.of(header, value)));
        assertThat(r.code).isEqualTo(1);
        assertThat(r.out).contains("reason: forbidden_header");
        Run control = run("--signature-only", "--jwks-file", rotationJwks.toString(),
                sign(first, "RS256", first.getKeyId(), Map.of()));
        assertThat(control.code).isZero();
    }

    // ------------------------------------------------------------------ key rotation

    @Test
    void signatureOnlyWhenTokenHasNoKidThenNamesTheKeyThatVerified() throws Exception {
        Run r = run("--signature-only", "--json", "--jwks-file", rotationJwks.toString(),
                sign(second, "RS256", null, Map.of()));
        assertThat(r.code).isZero();
        assertThat(r.json()).containsEntry("verdict", "verified").containsEntry("key_id", "2026-12")
                .containsEntry("key_type", "RSA").containsEntry("key_algorithm", "RS256")
                .containsEntry("algorithm", "RS256");
    }

    @Test
    void signatureOnlyWhenKidUnknownThenUnknownKey() throws Exception {
        Run r = run("--signature-only", "--jwks-file", rotationJwks.toString(),
                sign(first, "RS256", "2027-01", Map.of()));
        assertThat(r.code).isEqualTo(1);
        assertThat(r.out).contains("reason: unknown_key");
    }

    @Test
    void signatureOnlyWhenAlgorithmOutsideAllowlistOptionThenDisallowedAndDefaultVerifies() throws Exception {
        String ps256 = sign(first, "PS256", first.getKeyId(), Map.of());
        assertThat(run("--signature-only", "--jwks-file", rotationJwks.toString(), ps256).code).isZero();
        Run r = run("--signature-only", "--jwks-file", rotationJwks.toString(), "--algorithms", "RS256", ps256);
        assertThat(r.code).isEqualTo(1);
        assertThat(r.out).contains("reason: disallowed_algorithm");
    }

    // ------------------------------------------------------------------ usage

    @Test
    void signatureOnlyWhenNoKeysThenUsageError() {
        Run r = run("--signature-only", vectors.jws("rfc7515.a2"));
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--signature-only needs the keys");
    }

    @Test
    void signatureOnlyWhenTwoKeySourcesThenUsageError() {
        Run r = run("--signature-only", "--jwks-file", rotationJwks.toString(), "--hmac-secret-file",
                vectors.a1SecretFile().toString(), vectors.jws("rfc7515.a1"));
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("give one key source only", "never used beside public keys");
    }

    @Test
    void verifyTokenWhenKeyOptionWithoutSignatureOnlyThenUsageError() {
        Run r = run("--jwks-file", rotationJwks.toString(), vectors.jws("rfc7515.a2"));
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--jwks-file is an option of --signature-only");
    }

    @Test
    void signatureOnlyWhenJwksFileMissingThenUsageErrorNamingOption() {
        Run r = run("--signature-only", "--json", "--jwks-file", dir.resolve("absent.json").toString(),
                vectors.jws("rfc7515.a2"));
        assertThat(r.code).isEqualTo(2);
        assertThat(r.out).contains("\"verdict\":\"error\"", "--jwks-file: ");
    }

    @Test
    void lintTokenWhenSignatureOnlyOptionThenUnknownOption() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"lint-token", "--jwks-file", "x", "a.b.c"}, new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option '--jwks-file'");
    }
}
