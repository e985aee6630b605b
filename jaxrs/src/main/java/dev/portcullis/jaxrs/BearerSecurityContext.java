package dev.portcullis.jaxrs;

import dev.portcullis.BearerPrincipal;
import dev.portcullis.Outcome;
import dev.portcullis.Portcullis;
import dev.portcullis.PortcullisException;
import dev.portcullis.internal.LogText;
import dev.portcullis.token.VerifiedToken;

import jakarta.ws.rs.core.SecurityContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.Principal;
import java.util.Set;

/**
 * The {@link SecurityContext} of a request with a verified bearer token: the principal is the
 * token subject, and {@link #isUserInRole} is answered from the principal's fresh roles in the
 * attribute store (loaded at most once per request, on first use), never from token claims.
 *
 * <p>Thread safety: one instance per request; safe if the request is handed between threads.
 */
final class BearerSecurityContext implements SecurityContext {
    private static final Logger LOG = LoggerFactory.getLogger(BearerSecurityContext.class);

    /** {@link #getAuthenticationScheme()}: RFC 6750 bearer tokens. */
    static final String SCHEME = "Bearer";

    private final Portcullis engine;
    private final BearerPrincipal principal;
    private final boolean secure;
    private Set<String> roles;
    private PortcullisException rolesFailure;

    /** The context of a principal the engine admitted, with its fresh roles ({@link Outcome#roles()}, unmodifiable). */
    BearerSecurityContext(VerifiedToken token, Set<String> roles, SecurityContext original) {
        this.engine = null;
        this.principal = new BearerPrincipal(token);
        this.secure = original != null && original.isSecure();
        this.roles = roles; // Outcome.roles(): the principal's unmodifiable roles, not a copy per request
    }

    /** The context of a verified token whose roles are loaded from {@code engine} on first use. */
    BearerSecurityContext(Portcullis engine, VerifiedToken token, SecurityContext original) {
        this.engine = engine;
        this.principal = new BearerPrincipal(token);
        this.secure = original != null && original.isSecure();
    }

    /** The fresh roles, loaded once; the refusal when they cannot be loaded. */
    synchronized Set<String> roles() throws PortcullisException {
        if (roles == null && rolesFailure == null) {
            try {
                roles = Set.copyOf(engine.roles(principal.token()));
            } catch (PortcullisException e) {
                rolesFailure = e;
            }
        }
        if (rolesFailure != null) {
            throw rolesFailure;
        }
        return roles;
    }

    @Override
    public Principal getUserPrincipal() {
        return principal;
    }

    /** Fails closed: false when the roles cannot be loaded (store down, principal disabled). */
    @Override
    public boolean isUserInRole(String role) {
        if (role == null) {
            return false;
        }
        try {
            return roles().contains(role);
        } catch (PortcullisException e) {
            LOG.debug("isUserInRole({}) for {} answered false: {} ({})", LogText.safe(role),
                    LogText.safe(principal.getName()), e.reason().code(), LogText.safe(e.getMessage()));
            return false;
        }
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String getAuthenticationScheme() {
        return SCHEME;
    }
}
