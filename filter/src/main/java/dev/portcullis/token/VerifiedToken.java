package dev.portcullis.token;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The identity a token proved: who issued it, for whom, until when, and the claims the
 * application is allowed to see. Nothing here grants authority; decisions come from fresh
 * attributes and policies.
 *
 * <p>Thread safety: immutable.
 */
public final class VerifiedToken {
    private final String issuer;
    private final String subject;
    private final String tokenId;
    private final Instant issuedAt;
    private final Instant expiresAt;
    private final String algorithm;
    private final String keyId;
    private final Map<String, Object> claims;

    public VerifiedToken(String issuer, String subject, String tokenId, Instant issuedAt, Instant expiresAt,
                         String algorithm, String keyId, Map<String, Object> claims) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.subject = Objects.requireNonNull(subject, "subject");
        this.tokenId = tokenId;
        this.issuedAt = issuedAt;
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
        this.algorithm = algorithm;
        this.keyId = keyId;
        this.claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    }

    /** The {@code iss} claim. */
    public String issuer() {
        return issuer;
    }

    /** The {@code sub} claim: the principal's identifier at its issuer. */
    public String subject() {
        return subject;
    }

    /** The {@code jti} claim, or null. */
    public String tokenId() {
        return tokenId;
    }

    /** The {@code iat} claim, or null. */
    public Instant issuedAt() {
        return issuedAt;
    }

    /** The {@code exp} claim. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** The JWS algorithm that verified, e.g. {@code RS256}. */
    public String algorithm() {
        return algorithm;
    }

    /** The {@code kid} of the verifying key, or null. */
    public String keyId() {
        return keyId;
    }

    /** The claims the application may see (after claim hygiene). Unmodifiable. */
    public Map<String, Object> claims() {
        return claims;
    }

    /** A copy with other visible claims (used by claim hygiene). */
    public VerifiedToken withClaims(Map<String, Object> visible) {
        return new VerifiedToken(issuer, subject, tokenId, issuedAt, expiresAt, algorithm, keyId, visible);
    }

    @Override
    public String toString() {
        return "VerifiedToken[iss=" + issuer + ", sub=" + subject + ", jti=" + tokenId + ", exp=" + expiresAt
                + ", alg=" + algorithm + ", kid=" + keyId + "]";
    }
}
