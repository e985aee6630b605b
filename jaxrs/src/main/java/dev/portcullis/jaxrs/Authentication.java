package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.PortcullisException;
import dev.portcullis.token.VerifiedToken;

/**
 * The outcome of authenticating one request, computed at most once and kept as a request
 * property: a verified identity, no token at all, a refusal, or an unexpected failure.
 *
 * <p>Thread safety: immutable.
 */
final class Authentication {
    private final Portcullis engine;
    private final VerifiedToken token;
    private final BearerSecurityContext securityContext;
    private final PortcullisException refusal;
    private final boolean broken;

    private Authentication(Portcullis engine, VerifiedToken token, BearerSecurityContext securityContext,
                           PortcullisException refusal, boolean broken) {
        this.engine = engine;
        this.token = token;
        this.securityContext = securityContext;
        this.refusal = refusal;
        this.broken = broken;
    }

    static Authentication verified(Portcullis engine, VerifiedToken token, BearerSecurityContext context) {
        return new Authentication(engine, token, context, null, false);
    }

    static Authentication anonymous(Portcullis engine) {
        return new Authentication(engine, null, null, null, false);
    }

    static Authentication refused(Portcullis engine, PortcullisException refusal) {
        return new Authentication(engine, null, null, refusal, false);
    }

    static Authentication failedUnexpectedly() {
        return new Authentication(null, null, null, null, true);
    }

    /** The engine that served this request, or null when none could be found. */
    Portcullis engine() {
        return engine;
    }

    /** The verified identity, or null. */
    VerifiedToken token() {
        return token;
    }

    /** The security context installed for a verified identity, or null. */
    BearerSecurityContext securityContext() {
        return securityContext;
    }

    /** Why the token was refused, or null. */
    PortcullisException refusal() {
        return refusal;
    }

    /** Whether authentication failed unexpectedly (a bug; answered 500). */
    boolean broken() {
        return broken;
    }
}
