package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
import dev.portcullis.internal.LogText;
import dev.portcullis.token.VerifiedToken;

import jakarta.ws.rs.container.ContainerRequestContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Authenticates a request at most once: reuses the identity the servlet filter verified (request
 * property {@value Portcullis#IDENTITY_ATTRIBUTE}) only when the filter's engine (request property
 * {@value Portcullis#ENGINE_ATTRIBUTE}) is the very engine serving this request, else asks that
 * engine to verify the bearer token: an identity verified under other issuer, audience or key
 * settings is never trusted. It installs a {@link BearerSecurityContext} (and the identity
 * property) only for a principal the attribute store knows as active; a request whose token was
 * not admitted (invalid, disabled or unknown principal) gets an {@link AnonymousSecurityContext},
 * so that it has no principal even on a {@code @PermitAll} method. Never aborts the
 * request itself: the authorization filter of the matched method decides what the outcome means
 * (a {@code @PermitAll} method ignores a bad token).
 *
 * <p>Thread safety: immutable after deployment; thread-safe.
 */
final class Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    /** Request property holding this request's {@link Authentication}. */
    static final String AUTHENTICATION_PROPERTY = "dev.portcullis.jaxrs.authentication";

    /** Seconds a client is asked to wait when no engine can be found. */
    private static final long NO_ENGINE_RETRY_SECONDS = 30;

    private final Portcullis fixedEngine;
    private final Portcullis fallbackEngine;
    private final String realm;

    /**
     * @param fixedEngine the engine given to the feature's constructor, used for every request;
     *        or null to look for the servlet filter's engine in each request first
     * @param fallbackEngine the engine found or built at deployment, used when the request has none
     */
    Authenticator(Portcullis fixedEngine, Portcullis fallbackEngine, String realm) {
        this.fixedEngine = fixedEngine;
        this.fallbackEngine = fallbackEngine;
        this.realm = realm;
    }

    String realm() {
        return realm;
    }

    /** The engine for a request: constructor's, then the request property, then the fallback. */
    Portcullis engine(ContainerRequestContext request) {
        if (fixedEngine != null) {
            return fixedEngine;
        }
        Object fromRequest = request.getProperty(Portcullis.ENGINE_ATTRIBUTE);
        if (fromRequest instanceof Portcullis) {
            return (Portcullis) fromRequest;
        }
        return fallbackEngine;
    }

    /** The request's authentication outcome, computed on the first call and remembered. */
    Authentication authenticate(ContainerRequestContext request) {
        Object known = request.getProperty(AUTHENTICATION_PROPERTY);
        if (known instanceof Authentication) {
            return (Authentication) known;
        }
        Authentication outcome = compute(request);
        request.setProperty(AUTHENTICATION_PROPERTY, outcome);
        if (outcome.securityContext() != null && admitted(outcome.securityContext())) {
            request.setProperty(Portcullis.IDENTITY_ATTRIBUTE, outcome.token());
            request.setSecurityContext(outcome.securityContext());
        } else {
            // No admitted principal: an identity another engine's filter (or the container) left
            // here is not this request's.
            request.removeProperty(Portcullis.IDENTITY_ATTRIBUTE);
            if (outcome.token() != null || outcome.refusal() != null) {
                request.setSecurityContext(new AnonymousSecurityContext(request.getSecurityContext()));
            }
        }
        return outcome;
    }

    /**
     * Whether the principal's fresh attributes say active (loaded once per request, kept by the
     * context); disabled, unknown or unavailable: no principal is installed.
     */
    private static boolean admitted(BearerSecurityContext context) {
        try {
            context.roles();
            return true;
        } catch (PortcullisException e) {
            return false;
        }
    }

    private Authentication compute(ContainerRequestContext request) {
        Portcullis engine = engine(request);
        if (engine == null) {
            LOG.error("no Portcullis engine for {} {}: construct PortcullisFeature with one, run the Portcullis"
                    + " servlet filter in front of JAX-RS, or set the portcullis.* properties",
                    LogText.safe(request.getMethod()), Refusals.logPath(request));
            return Authentication.refused(null, new PortcullisException(Reason.KEYS_UNAVAILABLE,
                    "no Portcullis engine configured", null, NO_ENGINE_RETRY_SECONDS));
        }
        try {
            // The servlet filter in front of us has verified this request already: never verify
            // twice, but only trust what this very engine verified (same issuers, audience, keys).
            Object verified = request.getProperty(Portcullis.IDENTITY_ATTRIBUTE);
            boolean sameEngine = request.getProperty(Portcullis.ENGINE_ATTRIBUTE) == engine;
            VerifiedToken token = verified instanceof VerifiedToken && sameEngine
                    ? (VerifiedToken) verified
                    : engine.authenticate(headers(request), queryTokens(request));
            if (token == null) {
                return Authentication.anonymous(engine);
            }
            return Authentication.verified(engine, token,
                    new BearerSecurityContext(engine, token, request.getSecurityContext()));
        } catch (PortcullisException e) {
            return Authentication.refused(engine, e);
        } catch (RuntimeException e) {
            LOG.error("unexpected failure authenticating {} {}", LogText.safe(request.getMethod()),
                    Refusals.logPath(request), e);
            return Authentication.failedUnexpectedly();
        }
    }

    private static List<String> headers(ContainerRequestContext request) {
        List<String> values = request.getHeaders().get("Authorization");
        return values == null ? List.of() : values;
    }

    /** Raw {@code access_token} query values: the engine refuses them unless explicitly allowed. */
    private static List<String> queryTokens(ContainerRequestContext request) {
        List<String> values = request.getUriInfo().getQueryParameters(false).get("access_token");
        return values == null ? List.of() : values;
    }
}
