package dev.portcullis;

import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.internal.route.RouteMatch;
import dev.portcullis.internal.route.RouteTable;
import dev.portcullis.token.VerifiedToken;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one composition of the engine's steps for a request (docs/architecture.md, "One request"):
 * deny-all before anything; authenticate (or reuse this engine's earlier identity); admit the
 * principal; enforce the endpoint's requirement; answer with an {@link Outcome}. Every refusal
 * after authentication is recorded in the decision log, every refusal logged once (in
 * {@link Outcome}), every unexpected failure answered with the one 500 problem.
 *
 * <p>Thread safety: stateless over the engine; thread-safe.
 */
final class RequestPipeline {
    /** The policy action that lets a caller see the health endpoint's details. */
    static final String HEALTH_ACTION = "health";
    /** The methods the health endpoint answers; others get 405 with this {@code Allow}. */
    static final String HEALTH_METHODS = "GET, HEAD";

    /** The outcome kinds as metrics name them, made once rather than lower-cased per request. */
    private static final String[] KIND_NAMES = java.util.Arrays.stream(Outcome.Kind.values())
            .map(k -> k.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);

    private final Portcullis engine;

    RequestPipeline(Portcullis engine) {
        this.engine = engine;
    }

    Outcome decide(AccessRequest request) {
        long start = System.nanoTime();
        Outcome outcome;
        try {
            outcome = run(request);
        } catch (RuntimeException e) {
            outcome = Outcome.internalError(engine, request.method(), request.path(), e);
        }
        long nanos = System.nanoTime() - start;
        Outcome earlier = request.earlier();
        if (earlier != null && earlier.engine() == engine) {
            long before = earlier.take();
            if (before >= 0) {
                nanos += before; // one request: counted once, by this step's outcome, with both steps' time
            }
        }
        if (request.continuable() && outcome.isAdmitted() && outcome != earlier) {
            outcome.hold(nanos); // counted by the step that continues it, or when the adapter settles it
        } else {
            count(engine, outcome, nanos);
        }
        return outcome;
    }

    /** Counts one request in {@code portcullis.requests} by its outcome. */
    static void count(Portcullis engine, Outcome outcome, long nanos) {
        Reason reason = outcome.reason();
        engine.metrics().request(KIND_NAMES[outcome.kind().ordinal()],
                reason != null ? reason.code() : outcome.isRefused() ? "internal_error" : null, nanos);
    }

    private Outcome run(AccessRequest r) {
        Requirement requirement = r.requirement();
        if (requirement.kind() == Requirement.Kind.DENY_ALL) {
            // nobody may call it: a token would not help, so 403 and not 401 (RFC 9110 §15.5.2)
            return refused(r, null, new PortcullisException(Reason.ACCESS_DENIED,
                    requirement.where() + " is denied to everyone"));
        }
        if (requirement.kind() == Requirement.Kind.SIGNAL_PUSH
                || requirement.kind() == Requirement.Kind.BACKCHANNEL_LOGOUT) {
            // the identity provider's own endpoints: authenticated by the event token (and the
            // stream's bearer token), not by an access token
            return engine.signalEndpoints().handle(r);
        }
        Outcome earlier = r.earlier();
        if (earlier != null && earlier.engine() == engine && earlier.identity() == null && earlier.isRefused()) {
            // the earlier step failed unexpectedly (logged then): a public endpoint stays public
            return requirement.kind() == Requirement.Kind.PERMIT_ALL
                    ? Outcome.admitted(engine, Outcome.Identification.NONE, List.of()) : earlier;
        }
        long start = System.nanoTime();
        if (requirement.kind() == Requirement.Kind.HEALTH && !isRead(r.method())) {
            // a probe reads; any other method is answered before the token is looked at
            return Outcome.methodNotAllowed(engine, HEALTH_METHODS);
        }
        Outcome.Identification who = identify(r);
        if (requirement.kind() == Requirement.Kind.HEALTH) {
            return health(r, who);
        }
        if (requirement.kind() == Requirement.Kind.PERMIT_ALL) {
            // a bad token, or a disabled or unknown principal, is ignored: no principal
            return Outcome.admitted(engine, who, List.of());
        }
        if (who.token == null) {
            return refused(r, who, who.failure != null ? who.failure
                    : new PortcullisException(Reason.MISSING_TOKEN, "no bearer token"));
        }
        if (who.failure != null) {
            PortcullisException e = who.failure;
            if (e.reason().status() == 403) {
                // disabled or unknown: recorded, whatever the endpoint
                e = engine.deny(who.token, null, null, null, r.method(), r.path(), null, e.reason(), e.getMessage(),
                        start);
            }
            return refused(r, who, e);
        }
        try {
            switch (requirement.kind()) {
                case ROUTE:
                    return route(r, who, requirement.match(), requirement.unmatched());
                case REVOCATION:
                    return revoke(r, who);
                case CHECKS:
                    return checks(r, who, requirement.checks());
                case AUTHENTICATED:
                default:
                    return Outcome.admitted(engine, who, List.of());
            }
        } catch (PortcullisException e) {
            return refused(r, who, e);
        }
    }

    /** The verified token and fresh attributes, or why not; reused from this engine's earlier outcome. */
    private Outcome.Identification identify(AccessRequest r) {
        Outcome earlier = r.earlier();
        if (earlier != null && earlier.identifiesFor(engine)) {
            return earlier.identity(); // no credential is read (Outcome.identifiesFor)
        }
        VerifiedToken token;
        try {
            token = r.verified() != null && r.verifiedBy() == engine ? r.verified()
                    : engine.authenticate(r, queryTokens(r));
        } catch (PortcullisException e) {
            return new Outcome.Identification(null, null, e);
        }
        if (token == null) {
            return Outcome.Identification.NONE;
        }
        try {
            return new Outcome.Identification(token, engine.principal(token), null);
        } catch (PortcullisException e) {
            return new Outcome.Identification(token, null, e);
        }
    }

    /**
     * The {@code access_token} values of the request: with insecure query tokens allowed, the
     * request parameters (query or form); otherwise only the raw query string is looked at (to
     * refuse such a token), never a body that belongs to the application.
     */
    private List<String> queryTokens(AccessRequest r) {
        if (engine.allowsQueryParameterTokens()) {
            List<String> values = r.parameters().apply("access_token");
            return values == null ? List.of() : values;
        }
        String query = r.query();
        if (query == null || !query.contains("access_token")) {
            return List.of();
        }
        List<String> found = new ArrayList<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (name.equals("access_token")) {
                found.add(eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        return found;
    }

    private Outcome route(AccessRequest r, Outcome.Identification who, RouteMatch match,
                          RouteTable.Unmatched unmatched) throws PortcullisException {
        String method = r.method();
        String path = r.path();
        switch (match.kind()) {
            case MATCHED:
                return Outcome.admitted(engine, who, List.of(engine.authorize(who.token, who.attributes,
                        match.route().resourceKind(), match.resourceId(), match.scope(),
                        match.route().policyVersion(), match.route().action(), method, path)));
            case UNSAFE_PATH:
                throw new PortcullisException(Reason.INVALID_REQUEST, "path cannot be normalised safely", null, 0,
                        "The request path is not acceptable");
            case METHOD_NOT_ROUTED:
                throw engine.refuse(who.token, who.attributes, Reason.ACCESS_DENIED,
                        "no route allows this method here", method, path);
            case UNMATCHED:
            default:
                if (unmatched == RouteTable.Unmatched.DENY) {
                    throw engine.refuse(who.token, who.attributes, Reason.ACCESS_DENIED, "no route covers this path",
                            method, path);
                }
                return Outcome.admitted(engine, who, List.of());
        }
    }

    private Outcome revoke(AccessRequest r, Outcome.Identification who) throws PortcullisException {
        boolean post = "POST".equals(r.method()); // never read the body of another method
        engine.revocations().revoke(who.token, who.attributes, r.method(),
                post ? parameter(r, "subject") : List.of(), post ? parameter(r, "issuer") : List.of(), r.path());
        return Outcome.handled(engine, who);
    }

    /**
     * The health endpoint: the summary for anyone; the details for a valid caller the policy
     * allows action {@value #HEALTH_ACTION} on kind {@value RevocationEndpoint#RESOURCE_KIND} (a
     * denial is recorded like any other, and answered with the summary).
     */
    private Outcome health(AccessRequest r, Outcome.Identification who) {
        boolean details = false;
        if (who.token != null && who.failure == null
                && engine.covers(RevocationEndpoint.RESOURCE_KIND, HEALTH_ACTION)) {
            try {
                engine.authorize(who.token, who.attributes, RevocationEndpoint.RESOURCE_KIND, HEALTH_ACTION, Map.of(),
                        HEALTH_ACTION, r.method(), r.path());
                details = true;
            } catch (PortcullisException e) {
                // not allowed the details (or they could not be decided): the summary
            }
        }
        Health health = engine.health();
        return Outcome.handled(engine, who, health.httpStatus(), health.toJson(details));
    }

    private static boolean isRead(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    private static List<String> parameter(AccessRequest r, String name) {
        List<String> values = r.parameters().apply(name);
        return values == null ? List.of() : values;
    }

    private Outcome checks(AccessRequest r, Outcome.Identification who, List<Requirement.Check> checks)
            throws PortcullisException {
        if (checks.size() == 1 && checks.get(0).roles == null && checks.get(0).unresolved == null) {
            // the common case, one permission: no list to build
            Requirement.Check check = checks.get(0);
            return Outcome.admitted(engine, who, List.of(engine.authorize(who.token, who.attributes,
                    check.resourceKind, check.id, check.scope, check.policyVersion, check.action, r.method(),
                    r.path())));
        }
        List<Authorization> allowed = new ArrayList<>(1);
        PrincipalAttributes attrs = who.attributes;
        for (Requirement.Check check : checks) {
            if (check.roles != null && Collections.disjoint(attrs.roles(), check.roles)) {
                throw engine.refuse(who.token, attrs, Reason.ACCESS_DENIED, who.token.subject()
                        + " has none of the roles " + check.roles + " required by " + check.where, r.method(), r.path());
            }
            if (check.resourceKind != null) {
                if (check.unresolved != null) {
                    throw engine.deny(who.token, check.resourceKind, null, check.action, r.method(), r.path(), attrs,
                            Reason.ACCESS_DENIED, check.where + ": " + check.unresolved, System.nanoTime());
                }
                allowed.add(engine.authorize(who.token, attrs, check.resourceKind, check.id, check.scope,
                        check.policyVersion, check.action, r.method(), r.path()));
            }
        }
        return Outcome.admitted(engine, who, allowed.isEmpty() ? List.of() : List.copyOf(allowed));
    }

    private Outcome refused(AccessRequest r, Outcome.Identification who, PortcullisException e) {
        return Outcome.refused(engine, who, r.method(), r.path(), e, r.realm());
    }
}
