package dev.portcullis.jaxrs;

import dev.portcullis.AccessRequest;
import dev.portcullis.Outcome;
import dev.portcullis.internal.AdapterHandoff;
import dev.portcullis.Portcullis;
import dev.portcullis.Requirement;
import dev.portcullis.internal.LogText;
import dev.portcullis.token.VerifiedToken;

import jakarta.ws.rs.container.ContainerRequestContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The authentication step of a JAX-RS request, decided at most once by the engine
 * ({@link Portcullis#decide} with {@link Requirement#permitAll()}, which never refuses): the
 * engine reuses the identity the servlet filter verified (request property
 * {@value Portcullis#IDENTITY_ATTRIBUTE}) only when the filter's engine (request property
 * {@value Portcullis#ENGINE_ATTRIBUTE}) is the very engine serving this request, else verifies
 * the bearer token itself. It installs a {@link BearerSecurityContext} (and the identity property)
 * only for a principal the engine admitted; a request whose token was not admitted (invalid,
 * disabled or unknown principal) gets an {@link AnonymousSecurityContext}, so that it has no
 * principal even on a {@code @PermitAll} method. The authorization filter of the matched method
 * then asks the engine about the method's requirement, continuing from this outcome.
 *
 * <p>Thread safety: immutable after deployment; thread-safe.
 */
final class Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    /** Request property holding this request's authentication {@link Outcome}. */
    static final String AUTHENTICATION_PROPERTY = "dev.portcullis.jaxrs.authentication";
    /**
     * The servlet request attribute of the TLS client's certificate chain, which Jersey and RESTEasy
     * in a servlet container expose as a request property (a string: this module has no servlet API).
     */
    static final String CLIENT_CERTIFICATE_PROPERTY = "jakarta.servlet.request.X509Certificate";

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

    /**
     * The request's authentication outcome, computed on the first call and remembered; null when
     * no engine can be found (logged).
     */
    Outcome authenticate(ContainerRequestContext request) {
        Object known = request.getProperty(AUTHENTICATION_PROPERTY);
        if (known instanceof Outcome) {
            return (Outcome) known;
        }
        Object handed = request.getProperty(AdapterHandoff.OUTCOME_ATTRIBUTE);
        Outcome outcome = compute(request, handed);
        if (outcome != null) {
            request.setProperty(AUTHENTICATION_PROPERTY, outcome);
        }
        if (outcome != null && outcome.token() != null) {
            if (outcome != handed) { // the servlet filter set the identity with its outcome
                request.setProperty(Portcullis.IDENTITY_ATTRIBUTE, outcome.token());
            }
            request.setSecurityContext(new BearerSecurityContext(outcome.token(), outcome.roles(),
                    request.getSecurityContext()));
        } else {
            // No admitted principal: an identity another engine's filter (or the container) left
            // here is not this request's.
            request.removeProperty(Portcullis.IDENTITY_ATTRIBUTE);
            if (outcome == null || outcome.presentedCredentials() || outcome.isRefused()) {
                request.setSecurityContext(new AnonymousSecurityContext(request.getSecurityContext()));
            }
        }
        return outcome;
    }

    private Outcome compute(ContainerRequestContext request, Object handed) {
        Portcullis engine = engine(request);
        if (engine == null) {
            LOG.error("no Portcullis engine for {} {}: construct PortcullisFeature with one, run the Portcullis"
                    + " servlet filter in front of JAX-RS, or set the portcullis.* properties",
                    LogText.safe(request.getMethod()), Refusals.logPath(request));
            return null;
        }
        if (handed instanceof Outcome && request.getProperty(Portcullis.ENGINE_ATTRIBUTE) == engine) {
            // the servlet filter of this request admitted it with this very engine (it sets the two
            // together): the same token and attributes, no second authentication step
            return (Outcome) handed;
        }
        try {
            // continued by the method's authorization filter, which counts the request once;
            // AuthenticationFilter settles it on the response if that filter never ran
            return engine.decide(request(request, engine).requirement(Requirement.permitAll()).continuable().build());
        } catch (RuntimeException e) {
            return Outcome.internalError(request.getMethod(), Refusals.recordPath(request), e);
        }
    }

    /**
     * The request for a step that continues {@code earlier} (the authentication step's outcome, or
     * null): without the credentials when the engine reuses the earlier step's identity
     * ({@link Outcome#identifiesFor}), else as {@link #request}.
     */
    AccessRequest.Builder continuing(ContainerRequestContext request, Portcullis engine, Outcome earlier) {
        if (earlier != null && earlier.identifiesFor(engine)) {
            return AccessRequest.builder(request.getMethod(), Refusals.recordPath(request)).after(earlier).realm(realm);
        }
        return request(request, engine).after(earlier);
    }

    /** The request as the engine sees it: method, path, credentials, the filter's identity. */
    AccessRequest.Builder request(ContainerRequestContext request, Portcullis engine) {
        Object verified = request.getProperty(Portcullis.IDENTITY_ATTRIBUTE);
        Object verifiedBy = request.getProperty(Portcullis.ENGINE_ATTRIBUTE);
        return AccessRequest.builder(request.getMethod(), Refusals.recordPath(request))
                .authorization(headers(request))
                .dpop(values(request.getHeaders().get("DPoP")))
                .url(() -> url(request.getUriInfo().getRequestUri()))
                .clientCertificate(clientCertificate(request))
                .query(request.getUriInfo().getRequestUri().getRawQuery())
                .parameters(name -> request.getUriInfo().getQueryParameters(true).get(name))
                .verified(verified instanceof VerifiedToken ? (VerifiedToken) verified : null,
                        verifiedBy instanceof Portcullis ? (Portcullis) verifiedBy : null)
                .realm(realm);
    }

    private static List<String> values(List<String> values) {
        return values == null ? List.of() : values;
    }

    /** The request URL without query or fragment, for a DPoP proof's {@code htu}. */
    private static String url(URI uri) {
        String s = uri.toString();
        int end = s.indexOf('?');
        int hash = s.indexOf('#');
        end = end < 0 ? hash : hash < 0 ? end : Math.min(end, hash);
        return end < 0 ? s : s.substring(0, end);
    }

    /**
     * The TLS client's certificate, when the runtime runs in a servlet container: Jersey's
     * servlet container and RESTEasy's servlet dispatcher expose the servlet request's attributes
     * as request properties, the container's verified chain among them; a runtime on its own HTTP
     * server (Jersey on Grizzly) has none, and a certificate-bound token is refused there.
     */
    private static X509Certificate clientCertificate(ContainerRequestContext request) {
        Object chain = request.getProperty(CLIENT_CERTIFICATE_PROPERTY);
        return chain instanceof X509Certificate[] && ((X509Certificate[]) chain).length > 0
                ? ((X509Certificate[]) chain)[0] : null;
    }

    private static List<String> headers(ContainerRequestContext request) {
        List<String> values = request.getHeaders().get("Authorization");
        return values == null ? List.of() : values;
    }
}
