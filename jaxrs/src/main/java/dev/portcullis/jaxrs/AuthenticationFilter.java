package dev.portcullis.jaxrs;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;

/**
 * Verifies the bearer token (or takes the servlet filter's verified identity) and installs the
 * {@link BearerSecurityContext}, so that filters between authentication and authorization see the
 * principal. It never refuses a request: each method's {@link AuthorizationFilter} does.
 *
 * <p>Thread safety: immutable; thread-safe.
 */
@Priority(Priorities.AUTHENTICATION)
final class AuthenticationFilter implements ContainerRequestFilter {
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
}
