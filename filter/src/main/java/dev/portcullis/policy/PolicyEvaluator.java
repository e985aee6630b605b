package dev.portcullis.policy;

import dev.portcullis.policy.plan.Plan;
import dev.portcullis.policy.plan.PlanException;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a principal may perform actions on a resource. The built-in implementation is
 * {@link dev.portcullis.policy.internal.CerbosPolicyEvaluator}; applications may plug their own.
 *
 * <pre>{@code
 * PolicyEvaluator evaluator = CerbosPolicyEvaluator.load(Path.of("policies"));
 * List<Decision> ds = evaluator.decide(principal, resource, List.of("read", "update"));
 * }</pre>
 *
 * <p>Contract: {@link #decide} never throws for any principal, resource or action; an evaluation
 * problem yields a {@link Effect#DENY} decision carrying the error (fail closed). The result has
 * one decision per requested action, in the iteration order of {@code actions}.
 *
 * <p>Thread safety: implementations must be safe for concurrent use.
 */
public interface PolicyEvaluator {
    /**
     * One decision per action, in the order given.
     *
     * @param principal who asks
     * @param resource what is asked about
     * @param actions the actions to decide, e.g. {@code read}
     */
    List<Decision> decide(PrincipalContext principal, ResourceContext resource,
                          Collection<String> actions);

    /** Convenience for one action. */
    default Decision decide(PrincipalContext principal, ResourceContext resource, String action) {
        return decide(principal, resource, List.of(action)).get(0);
    }

    /**
     * Whether some policy has a rule for {@code action} on resources of kind {@code resourceKind}
     * (in any version). Used at startup to check that every route or annotation names a kind and
     * action a policy covers; it says nothing about who is allowed.
     */
    boolean covers(String resourceKind, String action);

    /**
     * The principal ids that principal policies name, each with the file (or other source) that
     * names it; empty by default. Used at startup to refuse principal policies that no
     * configured issuer's principal can match when several issuers are configured.
     */
    default Map<String, String> principalPolicies() {
        return Map.of();
    }

    /**
     * Whether policies read {@code request.auxData} (the verified token's claims); when false the
     * engine does not attach them to the principal. False by default.
     */
    default boolean readsAuxData() {
        return false;
    }

    /**
     * Which resources of {@code resourceKind} {@code principal} may perform {@code action} on: a
     * {@link Plan} that admits a resource exactly when {@link #decide} would allow it (Cerbos's
     * {@code PlanResources}). Resource policies of the default version apply; {@code scope} is
     * the resource scope (empty for none).
     *
     * <p>The default refuses: an evaluator that cannot plan must not guess.
     *
     * @throws PlanException naming the construct that cannot be planned (never a wrong plan)
     */
    default Plan plan(PrincipalContext principal, String resourceKind, String action, String scope) {
        throw new PlanException(getClass().getName() + " does not make query plans");
    }

    /** {@link #plan(PrincipalContext, String, String, String)} with no scope. */
    default Plan plan(PrincipalContext principal, String resourceKind, String action) {
        return plan(principal, resourceKind, action, "");
    }
}
