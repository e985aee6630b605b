package dev.portcullis.token.internal;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;
import dev.portcullis.token.VerifiedToken;

import org.jose4j.jws.EcdsaUsingShaAlgorithm;
import org.jose4j.keys.EllipticCurves;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Wycheproof-style edge cases of the signature check itself, for RS256, ES256 and EdDSA: signatures
 * a lax verifier might accept (zero or out-of-range ECDSA halves, DER instead of JOSE's
 * {@code R || S}, a non-canonical Ed25519 {@code S}, wrong lengths, flipped bits, a leading zero
 * byte dropped from an RSA signature). Each case has its positive control (the untouched token).
 *
 * <p>Surefire runs this class twice: on the plain JDK, and in the execution
 * {@code with-native-provider} with the Amazon Corretto Crypto Provider on the class path
 * ({@link SignatureProvider}). Every verdict must be the same in both runs.
 */
class SignatureVectorsTest {
    private static final BigInteger P256_ORDER = EllipticCurves.P256.getOrder();
    /** The order of the Ed25519 group, L = 2^252 + 27742317777372353535851937790883648493. */
    private static final BigInteger ED25519_L = BigInteger.ONE.shiftLeft(252)
            .add(new BigInteger("27742317777372353535851937790883648493"));

    @TempDir
    Path dir;
    private TokenValidator validator;

    @BeforeEach
    void setUp() throws Exception {
        Path file = Files.writeString(dir.resolve("jwks.json"), TestKeys.jwks(TestKeys.rsa(), TestKeys.ec(), TestKeys.ed25519()));
        validator = TokenValidator.builder().issuer(IssuerConfig.builder(Tokens.ISSUER).audiences(Tokens.AUDIENCE)
                .jwksFile(file).build()).build();
    }

    private static byte[] signature(String token) {
        return Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
    }

    private static String withSignature(String token, byte[] signature) {
        return token.substring(0, token.lastIndexOf('.') + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    private static byte[] fixed(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private void assertBadSignature(String token) {
        PortcullisException e = catchThrowableOfType(() -> validator.validate(token), PortcullisException.class);
        assertThat(e).as("provider %s", validator.signatureProvider()).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    private void assertVerifies(String token) throws PortcullisException {
        VerifiedToken ok = validator.validate(token);
        assertThat(ok.subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void es256WhenHalvesZeroOrOutOfRangeThenBadSignature() throws Exception {
        String token = Tokens.signedWith(TestKeys.ec()).sign();
        assertVerifies(token);
        byte[] sig = signature(token);
        byte[] r = Arrays.copyOfRange(sig, 0, 32);
        byte[] s = Arrays.copyOfRange(sig, 32, 64);
        byte[] zero = new byte[32];
        byte[] n = fixed(P256_ORDER, 32);
        assertBadSignature(withSignature(token, concat(zero, s)));
        assertBadSignature(withSignature(token, concat(r, zero)));
        assertBadSignature(withSignature(token, new byte[64]));
        assertBadSignature(withSignature(token, concat(n, s)));
        assertBadSignature(withSignature(token, concat(r, n)));
        // r + n and s + n as 33-byte halves: the same residues, but not the curve's R || S length
        byte[] rPlusN = fixed(new BigInteger(1, r).add(P256_ORDER), 33);
        byte[] sPlusN = fixed(new BigInteger(1, s).add(P256_ORDER), 33);
        assertBadSignature(withSignature(token, concat(rPlusN, sPlusN)));
    }

    @Test
    void es256WhenDerOrWrongLengthOrFlippedThenBadSignature() throws Exception {
        String token = Tokens.signedWith(TestKeys.ec()).sign();
        assertVerifies(token);
        byte[] sig = signature(token);
        assertBadSignature(withSignature(token, EcdsaUsingShaAlgorithm.convertConcatenatedToDer(sig)));
        assertBadSignature(withSignature(token, Arrays.copyOf(sig, 65)));
        assertBadSignature(withSignature(token, Arrays.copyOf(sig, 63)));
        assertBadSignature(withSignature(token, Arrays.copyOf(sig, 32)));
        byte[] flipped = sig.clone();
        flipped[40] ^= 0x01;
        assertBadSignature(withSignature(token, flipped));
        // a valid signature over other claims: the signing input is what is checked
        String other = Tokens.signedWith(TestKeys.ec()).subject("mallory").sign();
        assertBadSignature(withSignature(token, signature(other)));
    }

    @Test
    void es256WhenSNegatedThenStillVerifiesOnEveryProvider() throws Exception {
        // ECDSA is malleable: (r, n - s) is a valid signature of the same message by the same key.
        // No provider may differ here (the token cache keys on the whole string, so it is harmless).
        String token = Tokens.signedWith(TestKeys.ec()).sign();
        byte[] sig = signature(token);
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
        String negated = withSignature(token, concat(Arrays.copyOfRange(sig, 0, 32), fixed(P256_ORDER.subtract(s), 32)));
        assertVerifies(negated);
    }

    @Test
    void eddsaWhenSNotCanonicalOrWrongLengthOrFlippedThenBadSignature() throws Exception {
        String token = Tokens.signedWith(TestKeys.ed25519()).sign();
        assertVerifies(token);
        byte[] sig = signature(token);
        // S is little-endian in the second half; S + L verifies on a lax implementation
        byte[] sLittle = Arrays.copyOfRange(sig, 32, 64);
        byte[] sBig = reverse(sLittle);
        byte[] sPlusL = reverse(fixed(new BigInteger(1, sBig).add(ED25519_L), 32));
        assertBadSignature(withSignature(token, concat(Arrays.copyOfRange(sig, 0, 32), sPlusL)));
        assertBadSignature(withSignature(token, Arrays.copyOf(sig, 63)));
        assertBadSignature(withSignature(token, Arrays.copyOf(sig, 65)));
        assertBadSignature(withSignature(token, new byte[64]));
        byte[] flipped = sig.clone();
        flipped[5] ^= 0x40;
        assertBadSignature(withSignature(token, flipped));
    }

    @Test
    void rs256WhenShortenedOrPaddedOrFlippedThenBadSignature() throws Exception {
        String token = Tokens.signedWith(TestKeys.rsa()).sign();
        assertVerifies(token);
        byte[] sig = signature(token);
        byte[] flipped = sig.clone();
        flipped[100] ^= 0x01;
        assertBadSignature(withSignature(token, flipped));
        assertBadSignature(withSignature(token, Arrays.copyOf(sig, 255)));
        assertBadSignature(withSignature(token, concat(new byte[1], sig)));
        assertBadSignature(withSignature(token, new byte[256]));
        // the signature value with its leading byte zeroed, then dropped: one integer, two lengths
        String smaller = Tokens.signedWith(TestKeys.rsa()).subject("bob").sign();
        byte[] other = signature(smaller);
        assertBadSignature(withSignature(token, Arrays.copyOfRange(other, 1, other.length)));
    }

    private static byte[] reverse(byte[] in) {
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[in.length - 1 - i];
        }
        return out;
    }
}
