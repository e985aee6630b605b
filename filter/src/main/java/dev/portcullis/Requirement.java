package dev.portcullis;

import dev.portcullis.internal.route.RouteMatch;
import dev.portcullis.internal.route.RouteTable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What an endpoint requires of a request, as an adapter found it: a match in the servlet route
 * table, the JAX-RS security annotations of the matched method (and of the sub-resource locators
 * on the way to it), or the revocation endpoint. {@link Portcullis#decide} enforces it.
 *
 * <pre>{@code
 * Requirement.route(routes.match(method, segments), routes.unmatched());             // servlet
 * Requirement.allOf(List.of(Requirement.roles(Set.of("admin"), "Docs#read"),
 *         Requirement.permission("document", "read", "42", "Docs#read")));          // JAX-RS
 * }</pre>
 *
 * <p>Precedence within {@link #allOf}: any deny-all denies everyone (before authentication, so
 * 403 and never 401); when every part is permit-all no token is needed; otherwise the request
 * needs an admitted principal and then passes each role and permission check in order.
 *
 * <p>Thread safety: immutable.
 */
public final class Requirement {
    /** What kind of requirement this is. */
    enum Kind { PERMIT_ALL, DENY_ALL, AUTHENTICATED, CHECKS, ROUTE, REVOCATION, SIGNAL_PUSH, BACKCHANNEL_LOGOUT, HEALTH }

    private static final Requirement PERMIT_ALL = new Requirement(Kind.PERMIT_ALL, null, null, null, List.of());
    private static final Requirement AUTHENTICATED = new Requirement(Kind.AUTHENTICATED, null, null, null, List.of());
    private static final Requirement REVOCATION = new Requirement(Kind.REVOCATION, null, null, null, List.of());
    private static final Requirement SIGNAL_PUSH = new Requirement(Kind.SIGNAL_PUSH, null, null, null, List.of());
    private static final Requirement BACKCHANNEL_LOGOUT = new Requirement(Kind.BACKCHANNEL_LOGOUT, null, null, null,
            List.of());
    private static final Requirement HEALTH = new Requirement(Kind.HEALTH, null, null, null, List.of());

    private final Kind kind;
    private final String where;
    private final RouteMatch match;
    private final RouteTable.Unmatched unmatched;
    private final List<Check> checks;

    private Requirement(Kind kind, String where, RouteMatch match, RouteTable.Unmatched unmatched, List<Check> checks) {
        this.kind = kind;
        this.where = where;
        this.match = match;
        this.unmatched = unmatched;
        this.checks = checks;
    }

    /** Open to everyone: no token needed; a valid token of an active principal still gives a principal. */
    public static Requirement permitAll() {
        return PERMIT_ALL;
    }

    /** Closed to everyone ({@code where} names the endpoint in the log): 403 with or without a token. */
    public static Requirement denyAll(String where) {
        return new Requirement(Kind.DENY_ALL, Objects.requireNonNull(where, "where"), null, null, List.of());
    }

    /** Any principal the attribute store knows as active. */
    public static Requirement authenticated() {
        return AUTHENTICATED;
    }

    /** An active principal holding one of {@code anyOf} (roles from the attribute store, never from the token). */
    public static Requirement roles(Collection<String> anyOf, String where) {
        Set<String> roles = Set.copyOf(new LinkedHashSet<>(anyOf));
        return checks(new Check(roles, null, null, null, null, null, Objects.requireNonNull(where, "where")));
    }

    /** An active principal the policy allows {@code action} on the resource ({@code id} may be null). */
    public static Requirement permission(String resourceKind, String action, String id, String where) {
        return permission(resourceKind, action, id, null, where);
    }

    /**
     * A permission on a resource in a Cerbos scope ({@code scope}, e.g. {@code acme.hr}, filled
     * from the path by the adapter; null for none). The resource resolver's scope, when it knows
     * one, wins, and a different {@code scope} is denied.
     */
    public static Requirement permission(String resourceKind, String action, String id, String scope, String where) {
        return permission(resourceKind, action, id, scope, null, where);
    }

    /**
     * As above, deciding with the policies of {@code policyVersion} (Cerbos {@code version}; null:
     * the default version) for both the principal and the resource.
     */
    public static Requirement permission(String resourceKind, String action, String id, String scope,
                                         String policyVersion, String where) {
        return checks(new Check(null, Objects.requireNonNull(resourceKind, "resourceKind"),
                Objects.requireNonNull(action, "action"), id, null, scope, policyVersion,
                Objects.requireNonNull(where, "where")));
    }

    /**
     * A permission whose resource id the adapter could not determine ({@code why}): an active
     * principal is refused 403 for it, and the refusal is recorded.
     */
    public static Requirement unresolvedPermission(String resourceKind, String action, String where, String why) {
        return checks(new Check(null, Objects.requireNonNull(resourceKind, "resourceKind"),
                Objects.requireNonNull(action, "action"), null, Objects.requireNonNull(why, "why"), null,
                Objects.requireNonNull(where, "where")));
    }

    /**
     * A match in the servlet route table: {@code MATCHED} asks the policy; {@code UNMATCHED} needs
     * an active principal, or is refused under {@code unmatched: deny}; {@code METHOD_NOT_ROUTED}
     * is refused; {@code UNSAFE_PATH} is a malformed request.
     */
    public static Requirement route(RouteMatch match, RouteTable.Unmatched unmatched) {
        return new Requirement(Kind.ROUTE, null, Objects.requireNonNull(match, "match"),
                Objects.requireNonNull(unmatched, "unmatched"), List.of());
    }

    /**
     * The revocation endpoint ({@link RevocationEndpoint}): the engine reads the {@code subject}
     * and {@code issuer} parameters of a {@code POST} and revokes, if the policy allows.
     */
    public static Requirement revocation() {
        return REVOCATION;
    }

    /**
     * The Shared Signals push endpoint ({@code portcullis.signals.push-path}, RFC 8935): no access
     * token; the engine checks the stream's bearer token, reads the body (bounded) and verifies and
     * applies the SET. Answered as {@link Outcome#handledStatus()} says.
     */
    public static Requirement signalPush() {
        return SIGNAL_PUSH;
    }

    /**
     * The OpenID Connect Back-Channel Logout endpoint ({@code portcullis.backchannel-logout.path}):
     * no access token; the engine reads the form body (bounded), verifies the logout token and
     * revokes its subject. Answered as {@link Outcome#handledStatus()} says.
     */
    public static Requirement backchannelLogout() {
        return BACKCHANNEL_LOGOUT;
    }

    /**
     * The health endpoint: the engine answers with {@link Portcullis#health()} itself
     * ({@link Outcome.Kind#HANDLED}, 200 or 503, JSON): the overall status for anyone, the details
     * when the caller's token is valid and the policy allows action {@code health} on resource
     * kind {@code portcullis}. A missing or bad token is not refused (a load balancer has none).
     */
    public static Requirement health() {
        return HEALTH;
    }

    /** All of {@code parts} (see the precedence rules above); route, revocation, health and the signal endpoints do not combine. */
    public static Requirement allOf(List<Requirement> parts) {
        if (parts.size() == 1 && parts.get(0).kind == Kind.CHECKS) {
            return parts.get(0); // what the loop would build: the same checks (a JAX-RS method's usual one part)
        }
        boolean allPermit = true;
        List<Check> checks = new ArrayList<>();
        for (Requirement part : parts) {
            switch (part.kind) {
                case DENY_ALL:
                    return part;
                case ROUTE:
                case REVOCATION:
                case SIGNAL_PUSH:
                case BACKCHANNEL_LOGOUT:
                case HEALTH:
                    throw new IllegalArgumentException(part.kind + " cannot be combined");
                case CHECKS:
                    checks.addAll(part.checks);
                    allPermit = false;
                    break;
                case AUTHENTICATED:
                    allPermit = false;
                    break;
                default:
                    break;
            }
        }
        if (allPermit) {
            return PERMIT_ALL;
        }
        return checks.isEmpty() ? AUTHENTICATED : new Requirement(Kind.CHECKS, null, null, null, List.copyOf(checks));
    }

    private static Requirement checks(Check check) {
        return new Requirement(Kind.CHECKS, null, null, null, List.of(check));
    }

    Kind kind() {
        return kind;
    }

    String where() {
        return where;
    }

    RouteMatch match() {
        return match;
    }

    RouteTable.Unmatched unmatched() {
        return unmatched;
    }

    List<Check> checks() {
        return checks;
    }

    @Override
    public String toString() {
        switch (kind) {
            case ROUTE:
                return "route " + match + " (unmatched: " + unmatched + ")";
            case DENY_ALL:
                return "deny-all " + where;
            case CHECKS:
                return "checks " + checks;
            default:
                return kind.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One role or permission check. */
    static final class Check {
        final Set<String> roles;
        final String resourceKind;
        final String action;
        final String id;
        final String unresolved;
        final String scope;
        final String where;
        /** The policy version to decide with, or null for the default. */
        final String policyVersion;

        Check(Set<String> roles, String resourceKind, String action, String id, String unresolved, String scope,
              String where) {
            this(roles, resourceKind, action, id, unresolved, scope, null, where);
        }

        Check(Set<String> roles, String resourceKind, String action, String id, String unresolved, String scope,
              String policyVersion, String where) {
            this.policyVersion = policyVersion;
            this.roles = roles;
            this.resourceKind = resourceKind;
            this.action = action;
            this.id = id;
            this.unresolved = unresolved;
            this.scope = scope;
            this.where = where;
        }

        @Override
        public String toString() {
            return where + (roles != null ? " roles=" + roles : " " + resourceKind + ":" + action + " id=" + id
                    + (scope == null ? "" : " scope=" + scope));
        }
    }
}
