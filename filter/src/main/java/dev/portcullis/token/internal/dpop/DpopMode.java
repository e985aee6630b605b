package dev.portcullis.token.internal.dpop;

/**
 * Whether an issuer's tokens may or must be presented with a DPoP proof (RFC 9449), set per issuer
 * ({@code portcullis.dpop-mode}, {@code portcullis.issuers.<name>.dpop-mode}).
 *
 * <p>Whatever the mode, a token bound to a key ({@code cnf.jkt}) is never accepted as a Bearer
 * token, and a token bound to a certificate ({@code cnf.x5t#S256}) only with that TLS client
 * certificate.
 */
public enum DpopMode {
    /** The {@code DPoP} scheme is not accepted for this issuer's tokens. */
    OFF,
    /** Bearer tokens and DPoP-bound tokens with their proofs are both accepted. */
    ALLOWED,
    /** Only DPoP-bound tokens with their proofs are accepted. */
    REQUIRED
}
