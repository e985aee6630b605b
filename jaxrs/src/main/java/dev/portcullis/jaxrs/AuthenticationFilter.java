package dev.portcullis.jaxrs;

import dev.portcullis.Outcome;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;

/**
 * Verifies the bearer token (or takes the servlet filter's verified identity) and installs the
 * {@link BearerSecurityContext}, so that filters between authentication and authorization see the
 * principal. It never refuses a request: each method's {@link AuthorizationFilter} does. On the
 * response it {@linkplain Outcome#settle() settles} the authentication outcome, which counts the
 * request in {@code portcullis.requests} if no authorization step continued it (a filter between
 * the two aborted the request).
 *
 * <p>Thread safety: immutable; thread-safe.
 */
@Priority(Priorities.AUTHENTICATION)
final class AuthenticationFilter implements ContainerRequestFilter, ContainerResponseFilter {
    private final PortcullisFeature feature;
    private final Authenticator authenticator;

    AuthenticationFilter(PortcullisFeature feature, Authenticator authenticator) {
        this.feature = feature;
        this.authenticator = authenticator;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        feature.logUnannotatedOnce();
        authenticator.authenticate(request);
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object outcome = request.getProperty(Authenticator.AUTHENTICATION_PROPERTY);
        if (outcome instanceof Outcome) {
            ((Outcome) outcome).settle();
        }
    }
}
