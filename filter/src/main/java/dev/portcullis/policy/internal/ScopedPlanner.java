package dev.portcullis.policy.internal;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.Effect;
import dev.portcullis.policy.plan.PlanCondition;
import dev.portcullis.policy.plan.PlanException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The plan for a request that {@code decide} sends down {@link ScopedDecider}'s path: the same
 * walk (schemas, principal chain from the principal's scope up, role policies, resource chain
 * from the requested scope up, the same chain lookups and lenient scope search), each level's
 * rules partially evaluated ({@link PartialEvaluator}) instead of evaluated. A level is folded
 * into the answer of the levels above it ({@code next}):
 * <pre>
 *   SCOPE_PERMISSIONS_OVERRIDE_PARENT:          NOT deny AND (allow OR next)
 *   REQUIRE_PARENTAL_CONSENT_FOR_ALLOWS:        NOT deny AND (allow OR NOT conditionNotMet) AND next
 * </pre>
 * with the end of the walk {@code false} (decide's {@code end} denies, pending or not). As in
 * {@link ScopedDecider}, a deny counts when its match holds or fails, an allow when it holds, and
 * {@code conditionNotMet} is an allow rule that failed or whose roles matched and condition did
 * not (resource level), or any allow rule that did not hold (principal level).
 *
 * <p>Refused with a {@link PlanException} (never a wrong plan): a resource schema checked under
 * {@code reject} enforcement (decide can deny on any attribute failing it), and role policies
 * whose rule conditions read the resource (the narrowed roles would depend on each resource).
 *
 * <p>Thread safety: one instance per plan call.
 */
final class ScopedPlanner {
    private final ResourcePlanner planner;
    private final PolicySet set;
    private final ScopedDecider scoped;

    ScopedPlanner(ResourcePlanner planner, PolicySet set, ScopedDecider scoped) {
        this.planner = planner;
        this.set = set;
        this.scoped = scoped;
    }

    PlanCondition plan(Evaluation ev, String action) {
        PolicySet.ResourcePolicy root = ScopedDecider.root(set, ev);
        if (root != null && root.schemas != null && scoped.enforcement() == ScopedDecider.SchemaEnforcement.REJECT) {
            if (root.schemas.validatePrincipal(ev.principal.attr(), action) != null) {
                return PlanCondition.Literal.FALSE; // decide denies every resource
            }
            if (root.schemas.checksResource(action)) {
                throw new PlanException(root.name + ": its resourceSchema is enforced (reject) for '" + action
                        + "': decide denies resources whose attributes fail the schema, which a plan does not model;"
                        + " set enforcement to warn or none, or ignore the action in the schema");
            }
        }
        PlanCondition resource = resourcePart(ev, action);
        List<PolicySet.PrincipalPolicy> pchain = scoped.chain(scoped.principalChains, ev.principal.id(),
                ev.principal.policyVersion(), ev.principal.scope());
        PlanCondition next = resource;
        if (pchain != null) {
            PartialEvaluator pe = new PartialEvaluator(planner, ev);
            for (int i = pchain.size() - 1; i >= 0; i--) {
                next = principalLevel(pe, ev, pchain.get(i), action, next);
            }
        }
        return next;
    }

    private PlanCondition resourcePart(Evaluation ev, String action) {
        Evaluation rev = ev;
        if (!scoped.roleChains.isEmpty()) {
            checkRolePolicies(ev, action);
            Object r = RolePolicy.apply(scoped, ev, action, o -> { });
            if (r instanceof Decision) {
                return PlanCondition.Literal.FALSE;
            }
            rev = (Evaluation) r;
        }
        Map<String, Map<String, List<PolicySet.ResourcePolicy>>> versions = scoped.resourceChains.get(rev.resource.kind());
        Map<String, List<PolicySet.ResourcePolicy>> byScope = versions == null ? null
                : versions.get(rev.resource.policyVersion());
        if (byScope == null) {
            return PlanCondition.Literal.FALSE;
        }
        List<PolicySet.ResourcePolicy> rchain = scoped.lookup(byScope, rev.resource.scope());
        if (rchain == null) {
            return PlanCondition.Literal.FALSE; // no policy in the scope (lenient scope search off)
        }
        PartialEvaluator pe = new PartialEvaluator(planner, rev);
        PlanCondition next = PlanCondition.Literal.FALSE;
        for (int i = rchain.size() - 1; i >= 0; i--) {
            next = resourceLevel(pe, rev, rchain.get(i), action, next);
        }
        return next;
    }

    private PlanCondition resourceLevel(PartialEvaluator pe, Evaluation ev, PolicySet.ResourcePolicy rp,
                                        String action, PlanCondition next) {
        PolicySet.ActionRules ar = rp.rulesFor(action);
        List<PlanCondition> deny = new ArrayList<>();
        for (PolicySet.Rule r : ar.denies) {
            PlanParts.Bool m = planner.match(pe, ev, r, rp.scope);
            deny.add(PlanCondition.or(m.t, m.e));
        }
        List<PlanCondition> allow = new ArrayList<>();
        List<PlanCondition> notMet = new ArrayList<>();
        for (PolicySet.Rule r : ar.allows) {
            PlanParts.Bool[] parts = planner.matchParts(pe, ev, r, rp.scope);
            PlanParts.Bool role = parts[0];
            PlanParts.Bool cond = parts[1];
            allow.add(PlanCondition.and(role.t, cond.t));
            if (rp.requireParentalConsent) {
                // match < 0 (role or condition failed), or roles matched and the condition is false
                notMet.add(PlanCondition.or(role.e, PlanCondition.and(role.t, cond.e),
                        PlanCondition.and(role.t, cond.f())));
            }
        }
        return level(or(deny), or(allow), or(notMet), rp.requireParentalConsent, next);
    }

    private static PlanCondition principalLevel(PartialEvaluator pe, Evaluation ev, PolicySet.PrincipalPolicy pp,
                                                String action, PlanCondition next) {
        List<PlanCondition> deny = new ArrayList<>();
        List<PlanCondition> allow = new ArrayList<>();
        List<PlanCondition> notMet = new ArrayList<>();
        for (PolicySet.PrincipalRule r : pp.rules) {
            if (!PolicySet.Glob.matches(r.resource, r.resourceGlob, ev.resource.kind())
                    || !PolicySet.Glob.matches(r.action, r.actionGlob, action)) {
                continue;
            }
            PlanParts.Bool m = pe.condition(r.condition, pp.scope);
            if (r.effect == Effect.DENY) {
                deny.add(PlanCondition.or(m.t, m.e));
            } else {
                allow.add(m.t);
                notMet.add(PlanCondition.not(m.t));
            }
        }
        return level(or(deny), or(allow), or(notMet), pp.requireParentalConsent, next);
    }

    private static PlanCondition level(PlanCondition deny, PlanCondition allow, PlanCondition notMet,
                                       boolean parentalConsent, PlanCondition next) {
        if (parentalConsent) {
            return PlanCondition.and(PlanCondition.not(deny),
                    PlanCondition.or(allow, PlanCondition.not(notMet)), next);
        }
        return PlanCondition.and(PlanCondition.not(deny), PlanCondition.or(allow, next));
    }

    private static PlanCondition or(List<PlanCondition> parts) {
        return PlanCondition.or(parts.toArray(new PlanCondition[0]));
    }

    /** Refuses when a role policy that applies here has a rule condition over the resource. */
    private void checkRolePolicies(Evaluation ev, String action) {
        for (String role : ev.principal.roles()) {
            checkRole(ev, role, action, 0);
        }
    }

    private void checkRole(Evaluation ev, String role, String action, int depth) {
        List<RolePolicy> chain = scoped.roleChain(role, ev.principal.policyVersion(), ev.principal.scope());
        if (chain == null || depth > 16) {
            return;
        }
        for (RolePolicy rp : chain) {
            for (RolePolicy.Rule rule : rp.rules) {
                if (rule.covers(ev.resource.kind(), action) && readsResource(rule.condition, rp.scope)) {
                    throw new PlanException(rp.name + ": a rule condition reads the resource, so the roles it"
                            + " keeps differ per resource; role policies are planned only with principal-side"
                            + " conditions");
                }
            }
        }
        for (String parent : chain.get(0).parentRoles) {
            checkRole(ev, parent, action, depth + 1);
        }
    }

    private boolean readsResource(Condition c, Scope scope) {
        if (c == null) {
            return false;
        }
        if (c instanceof Condition.Expr) {
            PlanParts.Parsed p = planner.parsed((Condition.Expr) c);
            return planner.readsResource(p, p.ast.getExpr(), scope);
        }
        Condition[] of = c instanceof Condition.All ? ((Condition.All) c).of
                : c instanceof Condition.Any ? ((Condition.Any) c).of : ((Condition.None) c).of;
        for (Condition m : of) {
            if (readsResource(m, scope)) {
                return true;
            }
        }
        return false;
    }
}
