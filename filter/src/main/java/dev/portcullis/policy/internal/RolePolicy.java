package dev.portcullis.policy.internal;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.Effect;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A compiled Cerbos {@code rolePolicy}: a custom role, its {@code parentRoles}, and for each
 * resource kind (or pattern) the exhaustive list of actions it may perform ({@code allowActions},
 * patterns allowed), each rule with an optional condition and output. A role policy never grants
 * on its own: an action it keeps must still be allowed by a resource policy. See
 * {@link ScopedDecider} for how roles are narrowed.
 *
 * <p>Thread safety: immutable.
 */
final class RolePolicy {
    private static final int MAX_DEPTH = 16;

    final String name;
    final String role;
    final String scopeName;
    final Set<String> parentRoles;
    final Scope scope;
    final boolean requireParentalConsent;
    final Rule[] rules;

    RolePolicy(String name, String role, String scopeName, Set<String> parentRoles, Scope scope,
               boolean requireParentalConsent, Rule[] rules) {
        this.name = name;
        this.role = role;
        this.scopeName = scopeName;
        this.parentRoles = parentRoles;
        this.scope = scope;
        this.requireParentalConsent = requireParentalConsent;
        this.rules = rules;
    }

    /** One {@code rules} entry. */
    static final class Rule {
        final String name;
        final String resource;
        final Pattern resourceGlob;
        final List<String> actions;
        final Condition condition;
        final RuleOutput output;

        Rule(String name, String resource, List<String> actions, Condition condition, RuleOutput output) {
            this.name = name;
            this.resource = resource;
            this.resourceGlob = PolicySet.Glob.compile(resource);
            this.actions = actions;
            this.condition = condition;
            this.output = output;
        }

        boolean covers(String kind, String action) {
            if (!PolicySet.Glob.matches(resource, resourceGlob, kind)) {
                return false;
            }
            for (String a : actions) {
                if (PolicySet.Glob.matches(a, null, action)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Narrows the principal's roles for this action: returns the {@link Evaluation} to decide the
     * resource policies with (the same one when no role has a role policy), or a denial when no
     * role is left.
     */
    static Object apply(ScopedDecider d, Evaluation ev, String action, Consumer<Decision.Output> outputs) {
        Set<String> kept = null;
        String deniedBy = null;
        boolean custom = false;
        for (String r : ev.principal.roles()) {
            List<RolePolicy> chain = chainOf(d, ev, r);
            if (chain == null) {
                continue;
            }
            custom = true;
            if (kept == null) {
                kept = new LinkedHashSet<>();
            }
            if (!keep(d, ev, r, action, outputs, kept, 0)) {
                deniedBy = deniedBy != null ? deniedBy : chain.get(0).name;
            }
        }
        if (!custom) {
            return ev;
        }
        for (String r : ev.principal.roles()) {
            if (chainOf(d, ev, r) == null) {
                kept.add(r);
            }
        }
        if (kept.isEmpty()) {
            return new Decision(action, Effect.DENY, deniedBy, Decision.NO_MATCHING_RULE, Set.of(),
                    null);
        }
        if (kept.equals(ev.principal.roles())) {
            return ev;
        }
        return ev.withPrincipal(ScopedDecider.withRoles(ev.principal, kept));
    }

    private static List<RolePolicy> chainOf(ScopedDecider d, Evaluation ev, String role) {
        return d.roleChain(role, ev.principal.policyVersion(), ev.principal.scope());
    }

    /** Whether custom role {@code r} keeps the action; if so adds it and its parents to {@code kept}. */
    private static boolean keep(ScopedDecider d, Evaluation ev, String r, String action,
                                Consumer<Decision.Output> outputs, Set<String> kept, int depth) {
        List<RolePolicy> chain = chainOf(d, ev, r);
        if (chain == null) {
            kept.add(r);
            return true;
        }
        if (depth > MAX_DEPTH || !allows(chain, ev, action, outputs)) {
            return false;
        }
        RolePolicy leaf = chain.get(0);
        boolean customParents = false;
        boolean parentKept = false;
        Set<String> mine = new LinkedHashSet<>();
        mine.add(r);
        for (String p : leaf.parentRoles) {
            if (chainOf(d, ev, p) == null) {
                mine.add(p);
            } else {
                customParents = true;
                parentKept |= keep(d, ev, p, action, outputs, mine, depth + 1);
            }
        }
        if (customParents && !parentKept && mine.size() == 1) {
            return false;
        }
        kept.addAll(mine);
        return true;
    }

    /** Walks the role's scope chain for one resource kind and action. */
    private static boolean allows(List<RolePolicy> chain, Evaluation ev, String action,
                                  Consumer<Decision.Output> outputs) {
        boolean pending = false;
        for (RolePolicy rp : chain) {
            boolean matched = false;
            boolean met = false;
            for (Rule rule : rp.rules) {
                if (!rule.covers(ev.resource.kind(), action)) {
                    continue;
                }
                matched = true;
                boolean ok;
                try {
                    ok = rule.condition == null || rule.condition.test(ev.activation(rp.scope));
                } catch (Condition.EvaluationError e) {
                    ok = false;
                }
                if (rule.output != null) {
                    outputs.accept(rule.output.evaluate(ev.activation(rp.scope), rp.name + "#" + rule.name, ok));
                }
                if (ok) {
                    met = true;
                    break;
                }
            }
            if (rp.requireParentalConsent) {
                if (!met) {
                    return false;
                }
                pending = true;
            } else if (met) {
                return true;
            } else if (matched) {
                continue;
            }
        }
        return pending;
    }
}
