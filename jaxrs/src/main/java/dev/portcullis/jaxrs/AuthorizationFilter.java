package dev.portcullis.jaxrs;

import dev.portcullis.Authorization;
import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Enforces, per request, every {@link MethodRule} of the matched resource method and of the
 * sub-resource locators on the way to it ({@link Requirements}): refuses with 401 (no or bad
 * token), 403 (denied, or requirements that cannot be determined) or 503 (keys or attribute store
 * unavailable), each with a problem+json body, through {@code abortWith}.
 *
 * <p>Thread safety: immutable; thread-safe.
 */
@Priority(Priorities.AUTHORIZATION)
final class AuthorizationFilter implements ContainerRequestFilter {
    /** Request property holding the allowing {@link Authorization} of a permission check. */
    static final String AUTHORIZATION_PROPERTY = "dev.portcullis.authorization";

    private final Class<?> declaredType;
    private final Method method;
    private final Requirements requirements;
    private final Authenticator authenticator;

    /**
     * @param declaredType the resource class {@code ResourceInfo} named
     * @param method the resource method {@code ResourceInfo} named
     */
    AuthorizationFilter(Class<?> declaredType, Method method, Requirements requirements, Authenticator authenticator) {
        this.declaredType = declaredType;
        this.method = method;
        this.requirements = requirements;
        this.authenticator = authenticator;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        try {
            check(request, requirements.of(declaredType, method, request.getUriInfo()));
        } catch (PortcullisException e) {
            Refusals.abort(request, e, authenticator.realm());
        } catch (RuntimeException e) {
            Refusals.abortInternalError(request, e);
        }
    }

    private void check(ContainerRequestContext request, List<MethodRule> rules) throws PortcullisException {
        boolean permitted = true;
        for (MethodRule rule : rules) {
            if (rule.kind() == MethodRule.Kind.DENY) {
                // Nobody may call it: a token would not help, so 403 and not 401 (RFC 9110 §15.5.2).
                throw new PortcullisException(Reason.ACCESS_DENIED, rule.where() + " is denied to everyone");
            }
            permitted &= rule.kind() == MethodRule.Kind.PERMIT;
        }
        if (permitted) {
            // Authenticate so that a valid token of an active principal still gives a principal;
            // a bad token, or a disabled or unknown principal, is ignored (no principal).
            authenticator.authenticate(request);
            return;
        }
        Authentication who = authenticator.authenticate(request);
        if (who.broken()) {
            throw new IllegalStateException("authentication failed unexpectedly (logged above)");
        }
        if (who.refusal() != null) {
            throw who.refusal();
        }
        if (who.token() == null) {
            throw new PortcullisException(Reason.MISSING_TOKEN, "no bearer token");
        }
        // Fresh attributes, loaded once per request: refuses disabled or unknown principals
        // (403) and a store outage (503) even where no role or permission is named.
        Set<String> roles = who.securityContext().roles();
        for (MethodRule rule : rules) {
            if (rule.kind() == MethodRule.Kind.CHECK) {
                checkRule(request, who, roles, rule);
            }
        }
    }

    private static void checkRule(ContainerRequestContext request, Authentication who, Set<String> roles,
                                  MethodRule rule) throws PortcullisException {
        Set<String> allowed = rule.roles();
        if (allowed != null && Collections.disjoint(roles, allowed)) {
            throw new PortcullisException(Reason.ACCESS_DENIED, who.token().subject() + " has none of the roles "
                    + allowed + " required by " + rule.where());
        }
        MethodRule.Permission permission = rule.permission();
        if (permission != null) {
            String id;
            try {
                id = permission.id().resolve(request.getUriInfo());
            } catch (IdTemplate.MissingParameterException e) {
                throw new PortcullisException(Reason.ACCESS_DENIED, rule.where() + ": " + e.getMessage());
            }
            Authorization allowedBy = who.engine().authorize(who.token(), permission.resource(), id,
                    permission.action(), request.getMethod(), Refusals.recordPath(request));
            request.setProperty(AUTHORIZATION_PROPERTY, allowedBy);
        }
    }
}
