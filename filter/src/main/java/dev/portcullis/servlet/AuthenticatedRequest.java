package dev.portcullis.servlet;

import dev.portcullis.BearerPrincipal;
import dev.portcullis.Portcullis;
import dev.portcullis.token.VerifiedToken;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.security.Principal;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A request whose principal is the verified token subject. {@code isUserInRole} is answered from
 * the principal's fresh roles (from the attribute store), never from token claims.
 */
final class AuthenticatedRequest extends HttpServletRequestWrapper {
    private final BearerPrincipal principal;
    private final Supplier<Set<String>> roles;

    AuthenticatedRequest(HttpServletRequest request, VerifiedToken token, Supplier<Set<String>> roles) {
        super(request);
        this.principal = new BearerPrincipal(token);
        this.roles = roles;
        request.setAttribute(Portcullis.IDENTITY_ATTRIBUTE, token);
    }

    @Override
    public Principal getUserPrincipal() {
        return principal;
    }

    @Override
    public String getRemoteUser() {
        return principal.getName();
    }

    @Override
    public String getAuthType() {
        return "Bearer";
    }

    @Override
    public boolean isUserInRole(String role) {
        return role != null && roles.get().contains(role);
    }
}
