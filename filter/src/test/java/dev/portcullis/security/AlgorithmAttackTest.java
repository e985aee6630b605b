package dev.portcullis.security;

import dev.portcullis.Reason;
import dev.portcullis.security.AttackSupport.Case;
import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.portcullis.security.AttackSupport.assertRefused;
import static dev.portcullis.security.AttackSupport.assertRefusedSomehow;
import static dev.portcullis.security.AttackSupport.b64;
import static dev.portcullis.security.AttackSupport.getWithAuthorization;
import static dev.portcullis.security.AttackSupport.segments;
import static dev.portcullis.security.AttackSupport.sign;
import static dev.portcullis.security.AttackSupport.signed;
import static dev.portcullis.security.AttackSupport.unb64;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Algorithm and signature attacks through the real filter: {@code none} in any spelling, HMAC
 * keyed with the public key (algorithm confusion), RS/PS swaps, unknown and malformed
 * {@code alg}, ECDSA "psychic signatures" (CVE-2022-21449), DER and wrong-length ECDSA
 * signatures, non-canonical EdDSA {@code S}, and a flipped character at every position.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlgorithmAttackTest {
    /** Order of the P-256 group. */
    private static final BigInteger P256_N =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
    /** Order of the Ed25519 base point. */
    private static final BigInteger ED25519_L =
            BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

    private JwksServer idp;
    private FilterServer app;

    @BeforeAll
    void start() throws Exception {
        idp = JwksServer.serving(TestKeys.rsa(), TestKeys.ec(), TestKeys.ed25519());
        app = FilterServer.builder().trusting(idp).start();
        AttackSupport.warmUp(app);
    }

    @AfterAll
    void stop() {
        app.close();
        idp.close();
    }

    private static String payload() {
        return segments(Tokens.signedWith(TestKeys.rsa()).sign())[1];
    }

    private static String headerFor(String alg, String kid) {
        return b64("{\"alg\":" + alg + ",\"kid\":\"" + kid + "\"}");
    }

    private void refused(String token, Reason reason) {
        int before = app.invocations();
        HttpResponse<String> r = getWithAuthorization(app, "/x", "Bearer " + token);
        assertRefused(app, before, r, reason, token);
    }

    // ------------------------------------------------------------------ none

    static List<Case> noneTokens() {
        List<Case> cases = new ArrayList<>();
        String p = payload();
        for (String none : List.of("none", "None", "NONE", "nOnE")) {
            String h = headerFor("\"" + none + "\"", TestKeys.RSA_KID);
            cases.add(new Case(none + " without signature", h + "." + p + ".", Reason.MALFORMED_TOKEN));
            cases.add(new Case(none + " with an RS256 signature", h + "." + p + "."
                    + b64(sign("RS256", TestKeys.rsa().getPrivateKey(), h + "." + p)), Reason.DISALLOWED_ALGORITHM));
            cases.add(new Case(none + " with a junk signature", h + "." + p + ".AAAA", Reason.DISALLOWED_ALGORITHM));
            String noKid = b64("{\"alg\":\"" + none + "\"}");
            cases.add(new Case(none + " without kid, junk signature", noKid + "." + p + ".c2ln", Reason.DISALLOWED_ALGORITHM));
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("noneTokens")
    void requestWhenAlgNoneInAnySpellingThenRefused(Case c) {
        refused(c.value(), c.reason());
    }

    // ------------------------------------------------------- HMAC confusion

    static List<Case> hmacWithPublicKey() {
        List<Case> cases = new ArrayList<>();
        for (PublicJsonWebKey key : List.of(TestKeys.rsa(), TestKeys.ec(), TestKeys.ed25519())) {
            String pem = TestKeys.pem(key);
            Map<String, byte[]> secrets = new java.util.LinkedHashMap<>();
            secrets.put("PEM with newline", pem.getBytes(StandardCharsets.US_ASCII));
            secrets.put("PEM without newline", pem.strip().getBytes(StandardCharsets.US_ASCII));
            secrets.put("DER", key.getPublicKey().getEncoded());
            secrets.put("JWK JSON", key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY).getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> s : secrets.entrySet()) {
                for (String alg : List.of("HS256", "HS384", "HS512")) {
                    String t = Tokens.signedWith(new HmacKey(s.getValue()), alg).kid(key.getKeyId()).sign();
                    cases.add(new Case(alg + " keyed with " + key.getKeyType() + " " + s.getKey(), t,
                            Reason.DISALLOWED_ALGORITHM));
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hmacWithPublicKey")
    void requestWhenHmacKeyedWithThePublicKeyThenRefused(Case c) {
        refused(c.value(), c.reason());
    }

    // ------------------------------------------------ swaps, unknown, malformed

    static List<Case> algorithmSwaps() {
        String p = payload();
        java.security.Key rsa = TestKeys.rsa().getPrivateKey();
        String rsHeader = headerFor("\"RS256\"", TestKeys.RSA_KID);
        String psHeader = headerFor("\"PS256\"", TestKeys.RSA_KID);
        String esHeader = headerFor("\"ES256\"", TestKeys.EC_KID);
        String edHeader = headerFor("\"EdDSA\"", TestKeys.ED25519_KID);
        return List.of(
                new Case("signed PS256, header RS256", rsHeader + "." + p + "." + b64(sign("PS256", rsa, rsHeader + "." + p)),
                        Reason.BAD_SIGNATURE),
                new Case("signed RS256, header PS256", psHeader + "." + p + "." + b64(sign("RS256", rsa, psHeader + "." + p)),
                        Reason.BAD_SIGNATURE),
                new Case("signed RS384, header RS256", rsHeader + "." + p + "." + b64(sign("RS384", rsa, rsHeader + "." + p)),
                        Reason.BAD_SIGNATURE),
                new Case("header ES256 naming the RSA kid", signed("RS256", rsa, headerFor("\"ES256\"", TestKeys.RSA_KID), p),
                        Reason.UNKNOWN_KEY),
                new Case("header EdDSA, ES256 signature", edHeader + "." + p + "."
                        + b64(sign("ES256", TestKeys.ec().getPrivateKey(), edHeader + "." + p)), Reason.BAD_SIGNATURE),
                new Case("header ES256, EdDSA signature", esHeader + "." + p + "."
                        + b64(sign("EdDSA", TestKeys.ed25519().getPrivateKey(), esHeader + "." + p)), Reason.BAD_SIGNATURE),
                new Case("unknown alg RS1", signed("RS256", rsa, headerFor("\"RS1\"", TestKeys.RSA_KID), p),
                        Reason.DISALLOWED_ALGORITHM),
                new Case("alg not allowed: RS384", signed("RS384", rsa, headerFor("\"RS384\"", TestKeys.RSA_KID), p),
                        Reason.DISALLOWED_ALGORITHM),
                new Case("alg ES256K", signed("RS256", rsa, headerFor("\"ES256K\"", TestKeys.EC_KID), p),
                        Reason.DISALLOWED_ALGORITHM),
                new Case("alg lower-case rs256", signed("RS256", rsa, headerFor("\"rs256\"", TestKeys.RSA_KID), p),
                        Reason.DISALLOWED_ALGORITHM),
                new Case("alg with trailing space", signed("RS256", rsa, headerFor("\"RS256 \"", TestKeys.RSA_KID), p),
                        Reason.DISALLOWED_ALGORITHM),
                new Case("alg empty", signed("RS256", rsa, headerFor("\"\"", TestKeys.RSA_KID), p),
                        Reason.DISALLOWED_ALGORITHM),
                new Case("alg a number", signed("RS256", rsa, headerFor("256", TestKeys.RSA_KID), p),
                        Reason.MALFORMED_TOKEN),
                new Case("alg an array", signed("RS256", rsa, headerFor("[\"RS256\"]", TestKeys.RSA_KID), p),
                        Reason.MALFORMED_TOKEN),
                new Case("alg an object", signed("RS256", rsa, headerFor("{\"name\":\"RS256\"}", TestKeys.RSA_KID), p),
                        Reason.MALFORMED_TOKEN),
                new Case("alg null", signed("RS256", rsa, headerFor("null", TestKeys.RSA_KID), p),
                        Reason.MALFORMED_TOKEN),
                new Case("alg missing", signed("RS256", rsa, b64("{\"kid\":\"rsa-1\"}"), p), Reason.MALFORMED_TOKEN),
                new Case("alg dir (a JWE algorithm)", signed("RS256", rsa, headerFor("\"dir\"", TestKeys.RSA_KID), p),
                        Reason.DISALLOWED_ALGORITHM));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("algorithmSwaps")
    void requestWhenAlgorithmSwappedUnknownOrMalformedThenRefused(Case c) {
        refused(c.value(), c.reason());
    }

    // ------------------------------------------------------------ signatures

    private static byte[] fixed32(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(32, b.length);
        System.arraycopy(b, b.length - copy, out, 32 - copy, copy);
        return out;
    }

    private static byte[] rs(BigInteger r, BigInteger s) {
        byte[] out = new byte[64];
        System.arraycopy(fixed32(r), 0, out, 0, 32);
        System.arraycopy(fixed32(s), 0, out, 32, 32);
        return out;
    }

    static List<Case> ecdsaSignatures() throws Exception {
        String input = headerFor("\"ES256\"", TestKeys.EC_KID) + "." + payload();
        BigInteger one = BigInteger.ONE;
        BigInteger n1 = P256_N.subtract(one);
        List<Case> cases = new ArrayList<>();
        BigInteger[][] psychic = {
                {BigInteger.ZERO, BigInteger.ZERO}, {BigInteger.ZERO, one}, {one, BigInteger.ZERO}, {one, one},
                {P256_N, P256_N}, {n1, n1}, {one, P256_N}, {P256_N, one}, {n1, one}, {one, n1},
                {BigInteger.ZERO, P256_N}, {P256_N, BigInteger.ZERO}};
        for (BigInteger[] pair : psychic) {
            cases.add(new Case("psychic r=" + label(pair[0]) + " s=" + label(pair[1]),
                    input + "." + b64(rs(pair[0], pair[1])), Reason.BAD_SIGNATURE));
        }
        Signature der = Signature.getInstance("SHA256withECDSA");
        der.initSign(TestKeys.ec().getPrivateKey());
        der.update(input.getBytes(StandardCharsets.US_ASCII));
        cases.add(new Case("DER-encoded ECDSA signature", input + "." + b64(der.sign()), Reason.BAD_SIGNATURE));
        byte[] good = sign("ES256", TestKeys.ec().getPrivateKey(), input);
        cases.add(new Case("63-byte signature", input + "." + b64(Arrays.copyOf(good, 63)), Reason.BAD_SIGNATURE));
        cases.add(new Case("65-byte signature", input + "." + b64(Arrays.copyOf(good, 65)), Reason.BAD_SIGNATURE));
        cases.add(new Case("32-byte signature", input + "." + b64(Arrays.copyOf(good, 32)), Reason.BAD_SIGNATURE));
        cases.add(new Case("1-byte signature", input + "." + b64(new byte[1]), Reason.BAD_SIGNATURE));
        cases.add(new Case("96-byte (P-384 sized) signature", input + "." + b64(Arrays.copyOf(good, 96)), Reason.BAD_SIGNATURE));
        byte[] padded = new byte[66];
        System.arraycopy(good, 0, padded, 1, 32);
        System.arraycopy(good, 32, padded, 34, 32);
        cases.add(new Case("r and s with a leading zero byte each", input + "." + b64(padded), Reason.BAD_SIGNATURE));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(good, 32, 64));
        byte[] highS = rs(new BigInteger(1, Arrays.copyOf(good, 32)), s.add(P256_N));
        cases.add(new Case("s + n (33 bytes truncated)", input + "." + b64(highS), Reason.BAD_SIGNATURE));
        return cases;
    }

    private static String label(BigInteger v) {
        if (v.equals(P256_N)) {
            return "n";
        }
        if (v.equals(P256_N.subtract(BigInteger.ONE))) {
            return "n-1";
        }
        return v.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ecdsaSignatures")
    void requestWhenEcdsaSignatureIsPsychicDerOrWrongLengthThenRefused(Case c) {
        refused(c.value(), c.reason());
    }

    @Test
    void requestWhenGenuineRawEcdsaSignatureThenAccepted() {
        String input = headerFor("\"ES256\"", TestKeys.EC_KID) + "." + payload();
        String t = input + "." + b64(sign("ES256", TestKeys.ec().getPrivateKey(), input));
        assertThat(getWithAuthorization(app, "/x", "Bearer " + t).statusCode()).isEqualTo(200);
    }

    @Test
    void requestWhenEdDsaSignatureHasNonCanonicalSThenRefused() {
        String input = headerFor("\"EdDSA\"", TestKeys.ED25519_KID) + "." + payload();
        byte[] good = sign("EdDSA", TestKeys.ed25519().getPrivateKey(), input);
        assertThat(getWithAuthorization(app, "/x", "Bearer " + input + "." + b64(good)).statusCode())
                .as("positive twin").isEqualTo(200);
        byte[] sLe = Arrays.copyOfRange(good, 32, 64);
        byte[] sBe = reverse(sLe);
        BigInteger bigS = new BigInteger(1, sBe).add(ED25519_L);
        byte[] out = Arrays.copyOf(good, 64);
        System.arraycopy(reverse(fixed32(bigS)), 0, out, 32, 32);
        refused(input + "." + b64(out), Reason.BAD_SIGNATURE);
        byte[] zero = new byte[64];
        refused(input + "." + b64(zero), Reason.BAD_SIGNATURE);
        refused(input + "." + b64(Arrays.copyOf(good, 63)), Reason.BAD_SIGNATURE);
    }

    private static byte[] reverse(byte[] b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[b.length - 1 - i];
        }
        return out;
    }

    // ----------------------------------------------------------- bit flips

    static List<Map.Entry<String, PublicJsonWebKey>> algorithms() {
        return Tokens.allDefaultAlgorithms();
    }

    /** A different base64url character with a different 6-bit value (flips the lowest set bit or sets bit 0). */
    static char flip(char c, int bit) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int v = alphabet.indexOf(c);
        return alphabet.charAt(v ^ (1 << bit));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("algorithms")
    void requestWhenAnyCharacterOfTheTokenIsAlteredThenRefused(Map.Entry<String, PublicJsonWebKey> alg) {
        String t = Tokens.signedWith(alg.getValue()).alg(alg.getKey()).sign();
        assertThat(getWithAuthorization(app, "/x", "Bearer " + t).statusCode()).as("positive twin").isEqualTo(200);
        int step = alg.getKey().startsWith("RS") || alg.getKey().startsWith("PS") ? 3 : 1;
        int checked = 0;
        for (int i = 0; i < t.length(); i += step) {
            if (t.charAt(i) == '.') {
                continue;
            }
            int bit = i % 6;
            String mutated = t.substring(0, i) + flip(t.charAt(i), bit) + t.substring(i + 1);
            int before = app.invocations();
            HttpResponse<String> r = app.get("/x", "Authorization", "Bearer " + mutated);
            assertRefusedSomehow(app, before, r, mutated);
            checked++;
        }
        assertThat(checked).isGreaterThan(50);
    }
}
