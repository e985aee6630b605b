package dev.portcullis.jaxrs;

import dev.portcullis.Authorization;
import dev.portcullis.Outcome;
import dev.portcullis.Portcullis;
import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
import dev.portcullis.Requirement;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.UriInfo;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Enforces, per request, every {@link MethodRule} of the matched resource method and of the
 * sub-resource locators on the way to it ({@link Requirements}): translates them into one
 * {@link Requirement} and has the engine decide it ({@link Portcullis#decide}), continuing from
 * the authentication step's outcome. A refusal (401 no or bad token, 403 denied or requirements
 * that cannot be determined, 503 keys or attribute store unavailable, 500 a bug) is answered with
 * the engine's {@link dev.portcullis.Refusal} through {@code abortWith}.
 *
 * <p>Thread safety: thread-safe; its one cache (the last direct request's rules) is an immutable
 * holder in a volatile field.
 */
@Priority(Priorities.AUTHORIZATION)
final class AuthorizationFilter implements ContainerRequestFilter {
    /** Request property holding the allowing {@link Authorization} of a permission check. */
    static final String AUTHORIZATION_PROPERTY = Portcullis.AUTHORIZATION_ATTRIBUTE;

    /** Seconds a client is asked to wait when no engine can be found. */
    private static final long NO_ENGINE_RETRY_SECONDS = 30;

    private final Class<?> declaredType;
    private final Method method;
    private final Requirements requirements;
    private final Authenticator authenticator;
    /** The rules of the last request that reached the method with no locator on the way, by the instance's class. */
    private volatile Direct direct;

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
        Outcome outcome;
        try {
            UriInfo uriInfo = request.getUriInfo();
            List<MethodRule> rules = rules(uriInfo);
            Requirement requirement = requirement(rules, uriInfo);
            Outcome authenticated = authenticator.authenticate(request);
            Portcullis engine = authenticator.engine(request);
            if (engine == null) {
                if (permitsEveryone(rules)) {
                    return;
                }
                outcome = Outcome.refused(request.getMethod(), Refusals.recordPath(request),
                        new PortcullisException(Reason.KEYS_UNAVAILABLE, "no Portcullis engine configured", null,
                                NO_ENGINE_RETRY_SECONDS), authenticator.realm());
            } else {
                outcome = engine.decide(authenticator.continuing(request, engine, authenticated)
                        .requirement(requirement).build());
            }
        } catch (RuntimeException e) {
            outcome = Outcome.internalError(request.getMethod(), Refusals.recordPath(request), e);
        }
        if (outcome.isRefused()) {
            request.abortWith(Refusals.response(outcome.refusal()));
            return;
        }
        List<Authorization> allowedBy = outcome.authorizations();
        if (!allowedBy.isEmpty()) {
            request.setProperty(AUTHORIZATION_PROPERTY, allowedBy.get(allowedBy.size() - 1));
        }
    }

    /**
     * {@link Requirements#of}; for a request that reached the method directly (one matched
     * resource, no locator) the answer depends only on the instance's class, and is kept for it.
     */
    private List<MethodRule> rules(UriInfo uriInfo) {
        List<Object> matched = uriInfo.getMatchedResources();
        if (matched.size() != 1) {
            return requirements.of(declaredType, method, uriInfo);
        }
        Class<?> type = matched.get(0).getClass();
        Direct known = direct;
        if (known != null && known.type == type) {
            return known.rules;
        }
        List<MethodRule> rules = List.copyOf(requirements.of(declaredType, method, uriInfo));
        direct = new Direct(type, rules);
        return rules;
    }

    /** A matched instance's class and the rules a direct request to the method on it must pass. */
    private static final class Direct {
        final Class<?> type;
        final List<MethodRule> rules;

        Direct(Class<?> type, List<MethodRule> rules) {
            this.type = type;
            this.rules = rules;
        }
    }

    private static boolean permitsEveryone(List<MethodRule> rules) {
        for (MethodRule rule : rules) {
            if (rule.kind() != MethodRule.Kind.PERMIT) {
                return false;
            }
        }
        return true;
    }

    /** The engine's requirement for these rules, with the permission ids taken from the request URI. */
    static Requirement requirement(List<MethodRule> rules, UriInfo uriInfo) {
        List<Requirement> parts = new ArrayList<>(rules.size() + 1);
        for (MethodRule rule : rules) {
            switch (rule.kind()) {
                case DENY:
                    parts.add(Requirement.denyAll(rule.where()));
                    break;
                case PERMIT:
                    parts.add(Requirement.permitAll());
                    break;
                case AUTHENTICATED:
                    parts.add(Requirement.authenticated());
                    break;
                case CHECK:
                default:
                    if (rule.roles() != null) {
                        parts.add(Requirement.roles(rule.roles(), rule.where()));
                    }
                    MethodRule.Permission permission = rule.permission();
                    if (permission != null) {
                        try {
                            parts.add(Requirement.permission(permission.resource(), permission.action(),
                                    permission.id().resolve(uriInfo),
                                    permission.scope() == null ? null : permission.scope().resolvePath(uriInfo),
                                    permission.policyVersion(), rule.where()));
                        } catch (IdTemplate.MissingParameterException e) {
                            parts.add(Requirement.unresolvedPermission(permission.resource(), permission.action(),
                                    rule.where(), e.getMessage()));
                        }
                    }
            }
        }
        return Requirement.allOf(parts);
    }
}
