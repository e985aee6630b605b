package dev.portcullis.policy.internal;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.Effect;
import dev.portcullis.policy.PrincipalContext;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides requests that need more than the flat index of {@link PolicySet}: a principal or
 * resource scope (Cerbos scoped policies), principal roles that have role policies, rules with
 * outputs, resource policies with schemas. Requests without any of these never come here, so
 * the plain path stays as fast as before.
 *
 * <p>Scope search, as Cerbos documents it: principal policies are searched from the principal's
 * scope up to the root, then resource policies from the resource's scope up to the root. At each
 * level, under {@code SCOPE_PERMISSIONS_OVERRIDE_PARENT} (the default) the first policy whose rule
 * matches (roles, action and condition) decides; a deny rule wins over an allow rule of the same
 * policy. Under {@code SCOPE_PERMISSIONS_REQUIRE_PARENTAL_CONSENT_FOR_ALLOWS} a matching deny is
 * final, a matching allow needs an allow from a policy further up, and an allow rule whose roles
 * and action match but whose condition does not is an implicit deny; no match goes on up. Unless
 * lenient scope search is on, a resource policy must exist at exactly the requested scope
 * (otherwise the answer is a denial saying so); with it, the nearest existing ancestor is used.
 *
 * <p>Role policies (Cerbos {@code rolePolicy}): for each principal role that has one (searched
 * from the principal's scope up), the role keeps the action only when a rule of the policy lists
 * the resource kind and action and its condition holds; then the role and its {@code parentRoles}
 * take part in the resource policies. Roles without a role policy take part unchanged. When every
 * role is dropped the answer is a denial by the role policy.
 *
 * <p>Thread safety: immutable.
 */
final class ScopedDecider {
    private static final Logger LOG = LoggerFactory.getLogger(ScopedDecider.class);

    /** kind → version → scope → chain from that scope up to the root. */
    final Map<String, Map<String, Map<String, List<PolicySet.ResourcePolicy>>>> resourceChains;
    /** principal id → version → scope → chain. */
    final Map<String, Map<String, Map<String, List<PolicySet.PrincipalPolicy>>>> principalChains;
    /** role → version → scope → chain. */
    final Map<String, Map<String, Map<String, List<RolePolicy>>>> roleChains;
    private final boolean lenient;
    private final boolean always;
    private final SchemaEnforcement enforcement;

    /** What to do when attributes do not match a policy's schemas. */
    enum SchemaEnforcement {
        /** Schemas are not checked. */
        NONE,
        /** Problems are logged; the decision is made as usual. */
        WARN,
        /** Problems deny every action (the decision carries them). */
        REJECT
    }

    ScopedDecider(Map<String, Map<String, Map<String, List<PolicySet.ResourcePolicy>>>> resourceChains,
                  Map<String, Map<String, Map<String, List<PolicySet.PrincipalPolicy>>>> principalChains,
                  Map<String, Map<String, Map<String, List<RolePolicy>>>> roleChains,
                  boolean lenient, boolean always, SchemaEnforcement enforcement) {
        this.resourceChains = resourceChains;
        this.principalChains = principalChains;
        this.roleChains = roleChains;
        this.lenient = lenient;
        this.always = always;
        this.enforcement = enforcement;
    }

    /** Whether this request needs the scoped path. */
    boolean applies(Evaluation ev) {
        if (always || !ev.resource.scope().isEmpty() || !ev.principal.scope().isEmpty()) {
            return true;
        }
        if (!roleChains.isEmpty()) {
            for (String r : ev.principal.roles()) {
                if (roleChains.containsKey(r)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether some scoped resource policy has a rule for the kind and action. */
    boolean covers(String kind, String action) {
        Map<String, Map<String, List<PolicySet.ResourcePolicy>>> versions = resourceChains.get(kind);
        if (versions != null) {
            for (Map<String, List<PolicySet.ResourcePolicy>> byScope : versions.values()) {
                for (List<PolicySet.ResourcePolicy> chain : byScope.values()) {
                    PolicySet.ActionRules ar = chain.get(0).rulesFor(action);
                    if (ar.denies.length > 0 || ar.allows.length > 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The state of one action's walk up the chains. */
    private static final class Walk {
        List<Decision.Output> outputs;
        String pendingPolicy;
        String pendingRule;
        String firstError;
        String errorPolicy;
        String errorRule;
        /** The last resource policy asked (named by a denial no rule caused, as on the flat path). */
        String lastPolicy;

        void output(Decision.Output o) {
            if (o != null) {
                if (outputs == null) {
                    outputs = new ArrayList<>(2);
                }
                outputs.add(o);
            }
        }

        Decision done(Decision d) {
            return outputs == null ? d : d.withOutputs(outputs);
        }
    }

    Decision decide(PolicySet set, Evaluation ev, String action) {
        Walk w = new Walk();
        PolicySet.ResourcePolicy root = root(set, ev);
        if (root != null && root.schemas != null && enforcement != SchemaEnforcement.NONE) {
            String problem = root.schemas.validate(ev.principal.attr(), ev.resource.attr(), action);
            if (problem != null) {
                if (enforcement == SchemaEnforcement.REJECT) {
                    return Decision.error(action, root.name, "schemas", problem);
                }
                LOG.warn("{} {} '{}': {}", root.name, ev.resource.kind(), action, problem);
            }
        }
        List<PolicySet.PrincipalPolicy> pchain = chain(principalChains, ev.principal.id(),
                ev.principal.policyVersion(), ev.principal.scope());
        if (pchain != null) {
            for (PolicySet.PrincipalPolicy pp : pchain) {
                Decision d = principalLevel(set, ev, pp, action, w);
                if (d != null) {
                    return w.done(d);
                }
            }
        }
        Evaluation rev = ev;
        if (!roleChains.isEmpty()) {
            Object r = RolePolicy.apply(this, ev, action, w::output);
            if (r instanceof Decision) {
                return w.done((Decision) r);
            }
            rev = (Evaluation) r;
        }
        Map<String, Map<String, List<PolicySet.ResourcePolicy>>> versions = resourceChains.get(rev.resource.kind());
        Map<String, List<PolicySet.ResourcePolicy>> byScope = versions == null ? null
                : versions.get(rev.resource.policyVersion());
        if (byScope == null) {
            return end(set, rev, action, w);
        }
        List<PolicySet.ResourcePolicy> rchain = lookup(byScope, rev.resource.scope());
        if (rchain == null) {
            return w.done(new Decision(action, Effect.DENY, null, Decision.NO_MATCHING_RULE, Set.of(),
                    "no resource policy for '" + rev.resource.kind() + "' version '" + rev.resource.policyVersion()
                            + "' in scope '" + rev.resource.scope() + "' (lenient scope search is "
                            + (lenient ? "on" : "off") + ")"));
        }
        for (PolicySet.ResourcePolicy rp : rchain) {
            Decision d = resourceLevel(set, rev, rp, action, w);
            if (d != null) {
                return w.done(d);
            }
        }
        return end(set, rev, action, w);
    }

    static PolicySet.ResourcePolicy root(PolicySet set, Evaluation ev) {
        Map<String, PolicySet.ResourcePolicy> versions = set.resources.get(ev.resource.kind());
        return versions == null ? null : versions.get(ev.resource.policyVersion());
    }

    private Decision end(PolicySet set, Evaluation ev, String action, Walk w) {
        Set<String> roles = ev.activeDerivedRoles(set.derivedRoles);
        if (w.pendingPolicy != null) {
            return w.done(new Decision(action, Effect.DENY, w.pendingPolicy, w.pendingRule, roles,
                    "allowed by " + w.pendingPolicy + " (SCOPE_PERMISSIONS_REQUIRE_PARENTAL_CONSENT_FOR_ALLOWS) "
                            + "but no parent scope allows it"));
        }
        return w.done(new Decision(action, Effect.DENY, w.errorPolicy != null ? w.errorPolicy : w.lastPolicy,
                w.errorRule != null ? w.errorRule : Decision.NO_MATCHING_RULE, roles, w.firstError));
    }

    /** The chain for a key, version and scope, or null when none applies. */
    <T> List<T> chain(Map<String, Map<String, Map<String, List<T>>>> all, String key, String version,
                      String scope) {
        Map<String, Map<String, List<T>>> versions = all.get(key);
        Map<String, List<T>> byScope = versions == null ? null : versions.get(version);
        return byScope == null ? null : lookup(byScope, scope);
    }

    /** The role policies of a role nearest to the scope (role policies may leave gaps), or null. */
    List<RolePolicy> roleChain(String role, String version, String scope) {
        Map<String, Map<String, List<RolePolicy>>> versions = roleChains.get(role);
        Map<String, List<RolePolicy>> byScope = versions == null ? null : versions.get(version);
        return byScope == null ? null : lookup(byScope, scope, true);
    }

    /** Whether lenient scope search is on (a missing scope uses its nearest ancestor). */
    boolean lenientScopeSearch() {
        return lenient;
    }

    SchemaEnforcement enforcement() {
        return enforcement;
    }

    <T> List<T> lookup(Map<String, List<T>> byScope, String scope) {
        return lookup(byScope, scope, lenient);
    }

    private static <T> List<T> lookup(Map<String, List<T>> byScope, String scope, boolean walkUp) {
        List<T> c = byScope.get(scope);
        if (c != null || !walkUp) {
            return c;
        }
        String s = scope;
        while (!s.isEmpty()) {
            int dot = s.lastIndexOf('.');
            s = dot < 0 ? "" : s.substring(0, dot);
            c = byScope.get(s);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    private static Decision resourceLevel(PolicySet set, Evaluation ev, PolicySet.ResourcePolicy rp,
                                          String action, Walk w) {
        PolicySet.ActionRules ar = rp.rulesFor(action);
        w.lastPolicy = rp.name;
        boolean all = rp.hasOutputs;
        String[] error = new String[1];
        PolicySet.Rule deny = null;
        String denyError = null;
        for (PolicySet.Rule r : ar.denies) {
            int m = r.match(set, ev, rp.scope, error);
            output(set, ev, rp.scope, rp.name, r.name, r.output, r, m, w);
            if (m != 0 && deny == null) {
                deny = r;
                denyError = m < 0 ? error[0] : null;
                if (!all) {
                    break;
                }
            }
        }
        PolicySet.Rule allow = null;
        boolean conditionNotMet = false;
        if (deny == null || all) {
            for (PolicySet.Rule r : ar.allows) {
                int m = r.match(set, ev, rp.scope, error);
                output(set, ev, rp.scope, rp.name, r.name, r.output, r, m, w);
                if (m > 0 && allow == null) {
                    allow = r;
                    if (!all) {
                        break;
                    }
                } else if (m < 0) {
                    if (w.firstError == null) {
                        w.firstError = error[0];
                        w.errorPolicy = rp.name;
                        w.errorRule = r.name;
                    }
                    conditionNotMet = true;
                } else if (m == 0 && rp.requireParentalConsent && !conditionNotMet && rolesMatch(set, ev, r)) {
                    conditionNotMet = true;
                }
            }
        }
        Set<String> roles = ev.activeDerivedRoles(set.derivedRoles);
        if (deny != null) {
            return new Decision(action, Effect.DENY, rp.name, deny.name, roles, denyError);
        }
        if (allow != null) {
            if (rp.requireParentalConsent) {
                w.pendingPolicy = rp.name;
                w.pendingRule = allow.name;
                return null;
            }
            return new Decision(action, Effect.ALLOW, rp.name, allow.name, roles, null);
        }
        if (rp.requireParentalConsent && conditionNotMet) {
            return new Decision(action, Effect.DENY, rp.name, Decision.NO_MATCHING_RULE, roles,
                    w.firstError != null && rp.name.equals(w.errorPolicy) ? w.firstError : null);
        }
        return null;
    }

    private static Decision principalLevel(PolicySet set, Evaluation ev, PolicySet.PrincipalPolicy pp,
                                           String action, Walk w) {
        PolicySet.PrincipalRule allow = null;
        PolicySet.PrincipalRule deny = null;
        String denyError = null;
        boolean conditionNotMet = false;
        for (PolicySet.PrincipalRule r : pp.rules) {
            if (!PolicySet.Glob.matches(r.resource, r.resourceGlob, ev.resource.kind())
                    || !PolicySet.Glob.matches(r.action, r.actionGlob, action)) {
                continue;
            }
            if (!pp.hasOutputs && (deny != null || r.effect == Effect.ALLOW && allow != null)) {
                continue;
            }
            int m;
            try {
                m = r.condition == null || r.condition.test(ev.activation(pp.scope)) ? 1 : 0;
            } catch (Condition.EvaluationError e) {
                m = -1;
                if (r.effect == Effect.DENY && deny == null) {
                    deny = r;
                    denyError = e.getMessage();
                }
            }
            if (r.output != null && m >= 0) {
                w.output(r.output.evaluate(ev.activation(pp.scope), pp.name + "#" + r.name, m > 0));
            }
            if (m > 0) {
                if (r.effect == Effect.DENY && deny == null) {
                    deny = r;
                } else if (r.effect == Effect.ALLOW && allow == null) {
                    allow = r;
                }
            } else if (r.effect == Effect.ALLOW) {
                conditionNotMet = true;
            }
        }
        if (deny != null) {
            return new Decision(action, Effect.DENY, pp.name, deny.name, Set.of(), denyError);
        }
        if (allow != null) {
            if (pp.requireParentalConsent) {
                w.pendingPolicy = pp.name;
                w.pendingRule = allow.name;
                return null;
            }
            return new Decision(action, Effect.ALLOW, pp.name, allow.name, Set.of(), null);
        }
        if (pp.requireParentalConsent && conditionNotMet) {
            return new Decision(action, Effect.DENY, pp.name, Decision.NO_MATCHING_RULE, Set.of(), null);
        }
        return null;
    }

    private static void output(PolicySet set, Evaluation ev, Scope scope, String policy, String rule,
                               RuleOutput out, PolicySet.Rule r, int m, Walk w) {
        if (out == null || m < 0) {
            return;
        }
        if (m > 0) {
            w.output(out.evaluate(ev.activation(scope), policy + "#" + rule, true));
        } else if (out.has(false) && rolesMatch(set, ev, r)) {
            w.output(out.evaluate(ev.activation(scope), policy + "#" + rule, false));
        }
    }

    /** Whether the rule's roles or derived roles match (so a 0 from match means: condition not met). */
    private static boolean rolesMatch(PolicySet set, Evaluation ev, PolicySet.Rule r) {
        if (r.anyRole || Evaluation.intersects(ev.principal.roles(), r.roles)) {
            return true;
        }
        for (PolicySet.DerivedRole dr : r.derivedRoles) {
            if (ev.derivedRole(dr, set.derivedRoles.length) == Evaluation.ACTIVE) {
                return true;
            }
        }
        return false;
    }

    /** A principal context with other roles (role policies narrowed them); the rest unchanged. */
    static PrincipalContext withRoles(PrincipalContext p, Set<String> roles) {
        return PrincipalContext.of(p.id(), new LinkedHashSet<>(roles), p.attr())
                .withPolicyVersion((String) p.celView().get("policyVersion")).withScope(p.scope())
                .withAuxDataJwt(p.auxDataJwt());
    }
}
