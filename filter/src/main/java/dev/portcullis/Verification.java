package dev.portcullis;

import dev.portcullis.config.SettingNames;
import dev.portcullis.internal.LogText;
import dev.portcullis.internal.hygiene.ClaimHygiene;
import dev.portcullis.internal.hygiene.HygieneResult;
import dev.portcullis.internal.metrics.EngineMetrics;
import dev.portcullis.signals.internal.SignalReceiver;
import dev.portcullis.token.VerifiedToken;
import dev.portcullis.token.internal.LocatedToken;
import dev.portcullis.token.internal.PrincipalIds;
import dev.portcullis.token.internal.TokenCache;
import dev.portcullis.token.internal.TokenValidator;

/**
 * The engine's token verification after extraction: the verified-token cache, else signature and
 * claims ({@link TokenValidator}), a principal id for the identity, claim hygiene (counted in the
 * metrics), and, with signals on, the identity provider's revocation cutoff (also for cached
 * tokens).
 *
 * <p>Thread safety: safe for concurrent use (immutable; its parts are).
 */
final class Verification {
    private final TokenValidator validator;
    private final TokenCache tokens;
    private final ClaimHygiene hygiene;
    private final PrincipalIds ids;
    private final SignalReceiver signals;
    private final EngineMetrics metrics;

    Verification(TokenValidator validator, TokenCache tokens, ClaimHygiene hygiene, PrincipalIds ids,
                 SignalReceiver signals, EngineMetrics metrics) {
        this.validator = validator;
        this.tokens = tokens;
        this.hygiene = hygiene;
        this.ids = ids;
        this.signals = signals;
        this.metrics = metrics;
    }

    /**
     * The located token verified: a verified-token cache hit looked up in place (no copy of the
     * token, no syntax scan), else its syntax checked and {@link #verified(String)}. A hit is safe
     * without the scan: only a token that passed the same extractor's syntax rules and full
     * validation is cached, and a hit has exactly its characters, compared one by one.
     */
    VerifiedToken verified(LocatedToken located) throws PortcullisException {
        if (tokens != null) {
            VerifiedToken cached = tokens.hit(located.source(), located.start());
            if (cached != null) {
                return notRevoked(cached);
            }
        }
        return verified(located.checkedToken());
    }

    /** The token verified, through the verified-token cache. */
    VerifiedToken verified(String token) throws PortcullisException {
        if (tokens == null) {
            return notRevoked(counted(token));
        }
        VerifiedToken cached = tokens.get(token);
        if (cached != null) {
            return notRevoked(cached);
        }
        long generation = tokens.generation();
        VerifiedToken verified = counted(token);
        tokens.put(token, verified, generation);
        return notRevoked(verified);
    }

    /** Refuses a token issued before its principal was revoked by the identity provider (signals). */
    private VerifiedToken notRevoked(VerifiedToken token) throws PortcullisException {
        if (signals != null) {
            signals.checkNotRevoked(token);
        }
        return token;
    }

    /** {@link #verify}, counted in the metrics by algorithm (verified) or reason (refused). */
    private VerifiedToken counted(String token) throws PortcullisException {
        VerifiedToken verified;
        try {
            verified = verify(token);
        } catch (PortcullisException e) {
            metrics.tokenVerification(null, e.reason().code());
            throw e;
        }
        metrics.tokenVerification(verified.algorithm(), null);
        return verified;
    }

    private VerifiedToken verify(String token) throws PortcullisException {
        VerifiedToken verified = validator.validate(token);
        String collision = ids.collision(verified.issuer(), verified.subject());
        if (collision != null) {
            // e.g. sub "partner:alice" from the unprefixed issuer: it would be partner's alice in policies
            throw new PortcullisException(Reason.INVALID_CLAIMS, "sub '" + LogText.safe(verified.subject())
                    + "' of issuer " + LogText.safe(verified.issuer()) + " has no principal id: " + collision
                    + " (" + SettingNames.PRINCIPAL_PREFIX + ")");
        }
        HygieneResult result = hygiene.check(verified.claims());
        if (result.refused()) {
            throw new PortcullisException(result.reason().orElse(Reason.FORBIDDEN_CLAIMS),
                    "claim hygiene: " + result, null, 0, result.description());
        }
        return verified.withClaims(result.allowedClaims());
    }
}
