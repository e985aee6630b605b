package dev.portcullis;

import java.util.Locale;

/**
 * Every reason Portcullis can refuse a request for, mapped once to an HTTP status, an RFC 6750
 * {@code error} code and an RFC 9457 problem {@code type}.
 *
 * <p>The {@linkplain #code() code} is stable and machine-readable: it appears in problem+json
 * bodies, decision logs and CLI output. The {@linkplain #title() title} is the generic text a
 * client sees; details that could help an attacker go to the log only.
 *
 * <p>Thread safety: immutable.
 */
public enum Reason {
    /** No credentials at all (RFC 6750 §3.1: no error code in the challenge). */
    MISSING_TOKEN(401, null, "Authentication required"),
    /** Malformed request: two Authorization headers, two tokens, a bad scheme separator. */
    INVALID_REQUEST(400, "invalid_request", "Malformed authorization request"),
    /** The token is not a compact JWS (three base64url segments). */
    MALFORMED_TOKEN(401, "invalid_token", "The access token is malformed"),
    /** The token or its decoded header is longer than allowed; refused before parsing. */
    TOKEN_TOO_LARGE(401, "invalid_token", "The access token is too large"),
    /** A JWE (five segments) where a signed token was expected. */
    ENCRYPTED_TOKEN(401, "invalid_token", "Encrypted tokens are not accepted"),
    /** The header names an algorithm outside the allowlist (including {@code none}). */
    DISALLOWED_ALGORITHM(401, "invalid_token", "The access token is invalid"),
    /** The header carries {@code crit}, {@code jku}, {@code x5u}, {@code jwk} or {@code x5c}. */
    FORBIDDEN_HEADER(401, "invalid_token", "The access token is invalid"),
    /** The {@code typ} header is not the one required. */
    WRONG_TYPE(401, "invalid_token", "The access token is invalid"),
    /** No key with the token's {@code kid} is known for its issuer, even after a refresh. */
    UNKNOWN_KEY(401, "invalid_token", "The access token is invalid"),
    /** The signature does not verify. */
    BAD_SIGNATURE(401, "invalid_token", "The access token is invalid"),
    /** The issuer is missing or not configured. */
    UNTRUSTED_ISSUER(401, "invalid_token", "The access token is invalid"),
    /** The audience is missing or does not name this application. */
    WRONG_AUDIENCE(401, "invalid_token", "The access token is invalid"),
    /** {@code exp} is in the past. */
    EXPIRED(401, "invalid_token", "The access token expired"),
    /** {@code nbf} or {@code iat} is in the future. */
    NOT_YET_VALID(401, "invalid_token", "The access token is not yet valid"),
    /** {@code exp - iat} is longer than the maximum token lifetime. */
    LIFETIME_TOO_LONG(401, "invalid_token", "The access token is invalid"),
    /** A required claim ({@code sub}, {@code exp}, {@code iat}...) is missing or of the wrong type. */
    INVALID_CLAIMS(401, "invalid_token", "The access token is invalid"),
    /** The token carries claims of a forbidden category (authorization, personal data). */
    FORBIDDEN_CLAIMS(401, "invalid_token", "The access token carries forbidden claims"),
    /** More claims than allowed. */
    TOO_MANY_CLAIMS(401, "invalid_token", "The access token carries too many claims"),
    /** A string claim value is longer than allowed. */
    CLAIM_TOO_LONG(401, "invalid_token", "The access token carries an oversized claim"),
    /** An array claim value has more elements than allowed. */
    CLAIM_ARRAY_TOO_LONG(401, "invalid_token", "The access token carries an oversized claim"),
    /** Claim values are nested deeper than allowed. */
    CLAIMS_TOO_DEEP(401, "invalid_token", "The access token carries deeply nested claims"),
    /** The identity provider revoked the principal (a security event, a back-channel logout) after the token was issued. */
    TOKEN_REVOKED(401, "invalid_token", "The access token was revoked"),
    /**
     * The {@code DPoP} proof is missing, malformed, not signed as RFC 9449 §4.3 requires, for
     * another request or token, too old or new, replayed, or made with a key the token is not
     * bound to ({@code WWW-Authenticate: DPoP error="invalid_dpop_proof"}).
     */
    INVALID_DPOP_PROOF(401, "invalid_dpop_proof", "The DPoP proof is invalid"),
    /** The proof lacks the server nonce or carries a stale one; the answer carries a fresh {@code DPoP-Nonce}. */
    USE_DPOP_NONCE(401, "use_dpop_nonce", "A fresh DPoP nonce is required"),
    /** A token bound to a key ({@code cnf.jkt}) was presented as a Bearer token (RFC 9449 §7.2). */
    BOUND_TOKEN_AS_BEARER(401, "invalid_token", "The access token is bound to a key and needs a DPoP proof"),
    /** The token's issuer requires DPoP and the token was presented as a Bearer token. */
    DPOP_REQUIRED(401, "invalid_token", "The access token must be presented with DPoP"),
    /** A token under the {@code DPoP} scheme without {@code cnf.jkt}, or from an issuer that does not use DPoP. */
    UNBOUND_TOKEN(401, "invalid_token", "The access token is not bound to a DPoP key"),
    /** {@code cnf.x5t#S256} does not match the TLS client certificate, or there is none (RFC 8705 §3). */
    CERTIFICATE_MISMATCH(401, "invalid_token", "The access token is bound to another client certificate"),
    /** The shared DPoP replay cache cannot be reached: the proof cannot be checked for replay (fail closed). */
    REPLAY_CHECK_UNAVAILABLE(503, null, "DPoP proofs cannot be checked right now"),
    /** Signing keys cannot be fetched and none are cached. */
    KEYS_UNAVAILABLE(503, null, "Token signing keys are temporarily unavailable"),
    /** The attribute store failed for a subject that is not cached. */
    ATTRIBUTES_UNAVAILABLE(503, null, "Authorization data is temporarily unavailable"),
    /** The principal is disabled in the attribute store. */
    PRINCIPAL_DISABLED(403, null, "The principal is disabled"),
    /** The attribute store does not know the principal. */
    PRINCIPAL_UNKNOWN(403, null, "The principal is unknown"),
    /** The policy denied the action (or no rule matched, or evaluation failed). */
    ACCESS_DENIED(403, null, "Access denied");

    /** Base of every problem {@code type} URI. */
    public static final String TYPE_BASE = "https://portcullis.dev/problems/";

    private final int status;
    private final String bearerError;
    private final String title;
    private final String code;

    Reason(int status, String bearerError, String title) {
        this.status = status;
        this.bearerError = bearerError;
        this.title = title;
        this.code = name().toLowerCase(Locale.ROOT);
    }

    /** The stable, lower-case, machine-readable code, e.g. {@code token_too_large}. */
    public String code() {
        return code;
    }

    /** The HTTP status this reason is answered with. */
    public int status() {
        return status;
    }

    /**
     * The RFC 6750 {@code error} attribute for the {@code WWW-Authenticate} challenge, or
     * {@code null} where none is sent (no token; non-401/400 answers).
     */
    public String bearerError() {
        return bearerError;
    }

    /** A generic, client-safe title. */
    public String title() {
        return title;
    }

    /** The RFC 9457 problem {@code type} URI. */
    public String problemType() {
        return TYPE_BASE + code;
    }
}
