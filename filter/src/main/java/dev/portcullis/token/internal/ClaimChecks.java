package dev.portcullis.token.internal;

import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;

import dev.portcullis.token.VerifiedToken;
import org.jose4j.jwt.JwtClaims;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The claim checks of {@link TokenValidator}, made after the signature verified: {@code sub},
 * {@code aud}, {@code exp} (required), {@code nbf} and {@code iat} (when present, and of numeric
 * type), the maximum lifetime and {@code jti}'s type, against an injected {@link Clock} with a
 * bounded clock skew (RFC 7519 §4.1, RFC 8725 §3). NumericDates saturate instead of wrapping.
 *
 * <p>Thread safety: immutable.
 */
final class ClaimChecks {
    private final Clock clock;
    private final long skewSeconds;
    private final long maxLifetimeSeconds;

    ClaimChecks(Clock clock, long skewSeconds, long maxLifetimeSeconds) {
        this.clock = clock;
        this.skewSeconds = skewSeconds;
        this.maxLifetimeSeconds = maxLifetimeSeconds;
    }

    /**
     * Checks the claims of a token whose signature verified with a key of {@code config}'s issuer.
     *
     * @return the proven identity, with every claim
     * @throws PortcullisException why the claims are refused
     */
    VerifiedToken check(IssuerConfig config, JwtClaims claims, String alg, String kid)
            throws PortcullisException {
        return check(config, claims.getClaimsMap(), alg, kid);
    }

    /** {@link #check(IssuerConfig, JwtClaims, String, String)} on claims read as a map. */
    VerifiedToken check(IssuerConfig config, Map<String, Object> claims, String alg, String kid)
            throws PortcullisException {
        Object sub = claims.get("sub");
        if (!(sub instanceof String) || ((String) sub).isEmpty()) {
            throw new PortcullisException(Reason.INVALID_CLAIMS, "sub missing, empty or not a string");
        }
        checkAudience(config, claims.get("aud"));
        long now = clock.instant().getEpochSecond();
        long exp = numericDate(claims, "exp", true);
        Long iat = optionalNumericDate(claims, "iat");
        Long nbf = optionalNumericDate(claims, "nbf");
        if (exp <= now - skewSeconds) {
            throw new PortcullisException(Reason.EXPIRED, "expired at " + exp + ", now " + now);
        }
        if (nbf != null && nbf > now + skewSeconds) {
            throw new PortcullisException(Reason.NOT_YET_VALID, "nbf " + nbf + " is in the future");
        }
        if (iat != null && iat > now + skewSeconds) {
            throw new PortcullisException(Reason.NOT_YET_VALID, "iat " + iat + " is in the future");
        }
        long start = iat != null ? iat : now;
        if (exp - start > maxLifetimeSeconds + (iat == null ? skewSeconds : 0)) {
            throw new PortcullisException(Reason.LIFETIME_TOO_LONG,
                    "lifetime " + (exp - start) + " s exceeds " + maxLifetimeSeconds + " s");
        }
        Object jti = claims.get("jti");
        if (jti != null && !(jti instanceof String)) {
            throw new PortcullisException(Reason.INVALID_CLAIMS, "jti is not a string");
        }
        return new VerifiedToken(config.issuer(), (String) sub, (String) jti,
                iat == null ? null : Instant.ofEpochSecond(iat), Instant.ofEpochSecond(exp), alg, kid,
                claims);
    }

    private static void checkAudience(IssuerConfig config, Object aud) throws PortcullisException {
        if (aud instanceof String) {
            if (config.audiences().contains(aud)) {
                return;
            }
        } else if (aud instanceof List) {
            for (Object a : (List<?>) aud) {
                if (!(a instanceof String)) {
                    throw new PortcullisException(Reason.WRONG_AUDIENCE, "aud array holds a non-string");
                }
            }
            for (Object a : (List<?>) aud) {
                if (config.audiences().contains(a)) {
                    return;
                }
            }
        } else if (aud == null) {
            throw new PortcullisException(Reason.WRONG_AUDIENCE, "aud missing");
        } else {
            throw new PortcullisException(Reason.WRONG_AUDIENCE, "aud is neither a string nor an array");
        }
        throw new PortcullisException(Reason.WRONG_AUDIENCE, "aud does not name this application");
    }

    /** A NumericDate claim as whole seconds; numbers beyond the long range saturate. */
    private static long numericDate(Map<String, Object> claims, String name, boolean required) throws PortcullisException {
        Object v = claims.get(name);
        if (v == null) {
            if (required) {
                throw new PortcullisException(Reason.INVALID_CLAIMS, name + " missing");
            }
            return Long.MIN_VALUE;
        }
        if (!(v instanceof Number)) {
            throw new PortcullisException(Reason.INVALID_CLAIMS, name + " is not a number");
        }
        double d = ((Number) v).doubleValue();
        if (Double.isNaN(d)) {
            throw new PortcullisException(Reason.INVALID_CLAIMS, name + " is not a number");
        }
        if (v instanceof Long || v instanceof Integer) {
            // Saturate at half the long range so that exp - iat can never overflow: with
            // exp = 2^63-1 and iat = -2^63 the difference would wrap to -1 and pass the lifetime check.
            return Math.max(Long.MIN_VALUE / 2, Math.min(Long.MAX_VALUE / 2, ((Number) v).longValue()));
        }
        // BigInteger or Double: saturate instead of wrapping (2^63 must not become negative)
        if (d >= 9.2e18) {
            return Long.MAX_VALUE / 2;
        }
        if (d <= -9.2e18) {
            return Long.MIN_VALUE / 2;
        }
        return (long) Math.floor(d);
    }

    private static Long optionalNumericDate(Map<String, Object> claims, String name) throws PortcullisException {
        if (claims.get(name) == null) {
            // "nbf": null is not absent: a NumericDate is a JSON number (RFC 7519 §2), so refuse it
            // rather than skip the check it names
            if (claims.containsKey(name)) {
                throw new PortcullisException(Reason.INVALID_CLAIMS, name + " is null");
            }
            return null;
        }
        return numericDate(claims, name, false);
    }
}
