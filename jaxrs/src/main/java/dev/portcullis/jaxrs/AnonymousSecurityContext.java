package dev.portcullis.jaxrs;

import jakarta.ws.rs.core.SecurityContext;

import java.security.Principal;

/**
 * The {@link SecurityContext} of a request that presented a bearer token Portcullis did not admit
 * (invalid, verified by another engine, or of a disabled or unknown principal): no principal and
 * no role, so that a {@code @PermitAll} method never sees an identity that a layer in front (a
 * servlet filter with other settings, the container) may have attached.
 *
 * <p>Thread safety: immutable.
 */
final class AnonymousSecurityContext implements SecurityContext {
    private final boolean secure;

    AnonymousSecurityContext(SecurityContext original) {
        this.secure = original != null && original.isSecure();
    }

    @Override
    public Principal getUserPrincipal() {
        return null;
    }

    @Override
    public boolean isUserInRole(String role) {
        return false;
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String getAuthenticationScheme() {
        return null;
    }
}
