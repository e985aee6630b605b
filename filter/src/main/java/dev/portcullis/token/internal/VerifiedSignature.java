package dev.portcullis.token.internal;

/**
 * What a signature-only check ({@link TokenValidator#verifySignature}) proved: the token's
 * algorithm and the issuer key that verified it. Says nothing about the claims.
 *
 * <p>Thread safety: immutable.
 *
 * @param algorithm the token's {@code alg}
 * @param keyId the verifying key's {@code kid}, or null (PEM keys, HMAC secrets, JWKs without one)
 * @param keyType the verifying key's {@code kty} ({@code RSA}, {@code EC}, {@code OKP}, {@code oct})
 * @param keyAlgorithm the {@code alg} the key is published for, or null when it names none
 */
public record VerifiedSignature(String algorithm, String keyId, String keyType, String keyAlgorithm) {
}
