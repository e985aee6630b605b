package dev.portcullis.token.internal;

import java.util.Set;

/** The JWS algorithms Portcullis knows; {@code none} is not among them and never will be. */
final class Algorithms {
    static final Set<String> ASYMMETRIC = Set.of(
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");
    static final Set<String> HMAC = Set.of("HS256", "HS384", "HS512");
    static final java.util.List<String> DEFAULT = java.util.List.of("RS256", "PS256", "ES256", "EdDSA");

    private Algorithms() {
    }

    static boolean isKnown(String alg) {
        return ASYMMETRIC.contains(alg) || HMAC.contains(alg);
    }

    /** The smallest HMAC key, in bytes, for an algorithm (RFC 7518 §3.2: at least the hash size). */
    static int minimumHmacKeyBytes(String alg) {
        switch (alg) {
            case "HS384":
                return 48;
            case "HS512":
                return 64;
            default:
                return 32;
        }
    }
}
