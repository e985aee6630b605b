package dev.portcullis.signals.internal;

import dev.portcullis.PortcullisException;
import dev.portcullis.internal.LogText;
import dev.portcullis.token.internal.TokenValidator;

import org.jose4j.base64url.Base64Url;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Verifies the signed event tokens the receiver accepts, as strictly as an access token: Security
 * Event Tokens (RFC 8417, {@code typ} {@code secevent+jwt}) from the transmitter, and OpenID Connect
 * Back-Channel Logout tokens (§2.6) from a configured token issuer.
 *
 * <p>The signature first, by a {@link TokenValidator} built for these tokens (the same header
 * rules, algorithm allowlist, key selection and JWKS sources with rotation and outage tolerance as
 * access tokens; never a key the token brings); then, on the verified payload: {@code iss} one of
 * the expected issuers, {@code aud} naming this receiver, {@code iat} present, not in the future
 * (beyond the clock skew) and not older than the maximum age, {@code exp} (when present) not past,
 * {@code jti} present; then the kind's own rules; and last the {@code jti} replay check
 * ({@link SignalStore#firstUse}), so that a token refused for any other reason does not use up its
 * {@code jti}.
 *
 * <p>Thread safety: thread-safe.
 */
final class EventTokenVerifier {
    /** Longest {@code jti} accepted. */
    static final int MAX_JTI = 256;
    static final Duration SKEW = Duration.ofSeconds(30);

    /** A verified token's claims. */
    record Verified(String issuer, String jti, long iat, JwtClaims claims) {
    }

    private final TokenValidator signatures;
    private final Set<String> issuers;
    private final String audience;
    private final Duration maxAge;
    private final Clock clock;
    private final SignalStore store;
    private final boolean logout;

    EventTokenVerifier(TokenValidator signatures, Set<String> issuers, String audience, Duration maxAge, Clock clock,
                       SignalStore store, boolean logout) {
        this.signatures = signatures;
        this.issuers = Set.copyOf(issuers);
        this.audience = audience;
        this.maxAge = maxAge;
        this.clock = clock;
        this.store = store;
        this.logout = logout;
    }

    /**
     * @throws SignalException why the token is refused, with its RFC 8935 error code
     * @throws PortcullisException only {@code keys_unavailable}: the transmitter's keys cannot be had
     */
    Verified verify(String token) throws SignalException, PortcullisException {
        try {
            signatures.verifySignature(token);
        } catch (PortcullisException e) {
            switch (e.reason()) {
                case KEYS_UNAVAILABLE:
                    throw e;
                case UNKNOWN_KEY:
                case BAD_SIGNATURE:
                case DISALLOWED_ALGORITHM:
                    throw new SignalException(SignalException.INVALID_KEY, "signature: " + e.getMessage());
                case UNTRUSTED_ISSUER:
                    throw new SignalException(SignalException.INVALID_ISSUER, e.getMessage());
                default:
                    throw new SignalException(SignalException.INVALID_REQUEST, e.reason().code() + ": " + e.getMessage());
            }
        }
        if (logout) {
            // OIDC BCL 1.0 §2.4: explicit typing is recommended; an id_token (typ JWT) is told apart
            // by the events claim and the nonce rule below
            String typ = header(token);
            if (typ != null && !typ.equals("logout+jwt") && !typ.equals("application/logout+jwt")
                    && !typ.equalsIgnoreCase("JWT")) {
                throw new SignalException(SignalException.INVALID_REQUEST, "typ " + LogText.safe(typ));
            }
        }
        JwtClaims claims;
        try {
            String payload = token.substring(token.indexOf('.') + 1, token.lastIndexOf('.'));
            claims = JwtClaims.parse(new String(Base64Url.decode(payload), StandardCharsets.UTF_8));
        } catch (InvalidJwtException | RuntimeException e) {
            throw new SignalException(SignalException.INVALID_REQUEST, "payload is not a JSON claims set");
        }
        Object iss = claims.getClaimValue("iss");
        if (!(iss instanceof String) || !issuers.contains(iss)) {
            throw new SignalException(SignalException.INVALID_ISSUER, "iss " + LogText.safe(String.valueOf(iss)));
        }
        Object aud = claims.getClaimValue("aud");
        if (!(audience.equals(aud) || (aud instanceof Collection && ((Collection<?>) aud).contains(audience)))) {
            throw new SignalException(SignalException.INVALID_AUDIENCE, "aud " + LogText.safe(String.valueOf(aud)));
        }
        long now = clock.instant().getEpochSecond();
        long iat = number(claims.getClaimValue("iat"), "iat", true);
        if (iat > now + SKEW.toSeconds()) {
            throw new SignalException(SignalException.INVALID_REQUEST, "iat " + iat + " is in the future");
        }
        if (iat < now - maxAge.toSeconds() - SKEW.toSeconds()) {
            throw new SignalException(SignalException.INVALID_REQUEST, "iat " + iat + " is older than " + maxAge);
        }
        long exp = number(claims.getClaimValue("exp"), "exp", logout);
        if (exp != Long.MIN_VALUE && exp <= now - SKEW.toSeconds()) {
            throw new SignalException(SignalException.INVALID_REQUEST, "expired at " + exp);
        }
        Object jti = claims.getClaimValue("jti");
        if (!(jti instanceof String) || ((String) jti).isEmpty() || ((String) jti).length() > MAX_JTI) {
            throw new SignalException(SignalException.INVALID_REQUEST, "jti missing, empty, too long or not a string");
        }
        Object events = claims.getClaimValue("events");
        if (!(events instanceof Map) || ((Map<?, ?>) events).isEmpty()) {
            throw new SignalException(SignalException.INVALID_REQUEST, "events missing or empty");
        }
        if (logout) {
            checkLogout(claims, (Map<?, ?>) events);
        }
        // replay last: a token refused above does not use up its jti (kept as long as the iat window)
        if (!store.firstUse((String) iss + ' ' + jti)) {
            throw new SignalException(SignalException.INVALID_REQUEST, "jti " + LogText.safe((String) jti)
                    + " was seen before (replay)");
        }
        return new Verified((String) iss, (String) jti, iat, claims);
    }

    /** OIDC Back-Channel Logout 1.0 §2.4 and §2.6 steps 4–6. */
    private static void checkLogout(JwtClaims claims, Map<?, ?> events) throws SignalException {
        if (!(events.get(EventActions.BACKCHANNEL_LOGOUT) instanceof Map)) {
            throw new SignalException(SignalException.INVALID_REQUEST, "events lacks the back-channel logout event");
        }
        if (claims.hasClaim("nonce")) {
            throw new SignalException(SignalException.INVALID_REQUEST, "a logout token must not carry nonce");
        }
        Object sub = claims.getClaimValue("sub");
        Object sid = claims.getClaimValue("sid");
        boolean hasSub = sub instanceof String && !((String) sub).isEmpty();
        boolean hasSid = sid instanceof String && !((String) sid).isEmpty();
        if (!hasSub && !hasSid) {
            throw new SignalException(SignalException.INVALID_REQUEST, "a logout token needs sub or sid");
        }
        if ((sub != null && !hasSub) || (sid != null && !hasSid)) {
            throw new SignalException(SignalException.INVALID_REQUEST, "sub or sid is not a non-empty string");
        }
    }

    private static String header(String token) throws SignalException {
        try {
            String json = new String(Base64Url.decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
            Object typ = org.jose4j.json.JsonUtil.parseJson(json).get("typ");
            return typ instanceof String ? (String) typ : null;
        } catch (org.jose4j.lang.JoseException | RuntimeException e) {
            throw new SignalException(SignalException.INVALID_REQUEST, "header is not JSON");
        }
    }

    private static long number(Object value, String name, boolean required) throws SignalException {
        if (value == null) {
            if (required) {
                throw new SignalException(SignalException.INVALID_REQUEST, name + " missing");
            }
            return Long.MIN_VALUE;
        }
        if (!(value instanceof Number)) {
            throw new SignalException(SignalException.INVALID_REQUEST, name + " is not a number");
        }
        double d = ((Number) value).doubleValue();
        if (Double.isNaN(d) || Math.abs(d) > 1e15) {
            throw new SignalException(SignalException.INVALID_REQUEST, name + " out of range");
        }
        return (long) d;
    }
}
