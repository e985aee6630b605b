package dev.portcullis.policy.internal;

import dev.cel.common.ast.CelExpr;
import dev.portcullis.policy.Effect;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import dev.portcullis.policy.plan.Plan;
import dev.portcullis.policy.plan.PlanCondition;
import dev.portcullis.policy.plan.PlanException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Query plans over a compiled {@link PolicySet}. A request {@code decide} would send down the
 * scoped path ({@link ScopedDecider#applies}: a scope, role policies, schemas, outputs) is planned
 * by {@link ScopedPlanner} over the same chains. On the flat path the rules that apply to a
 * resource kind and action ({@link #rules}, the one place that gathers them) are partially evaluated with the
 * principal known ({@link PartialEvaluator}) and combined with the precedence {@code decide}
 * applies:
 * <pre>
 *   plan = NOT principalDeny AND (principalAllow OR (NOT resourceDeny AND resourceAllow))
 * </pre>
 * where a deny rule counts when its condition holds or, under strict evaluation, fails to evaluate
 * (fail closed; under lenient evaluation an erroring expression is false, see
 * {@link PartialEvaluator#condition}) and an allow rule only when it holds; a rule's roles, derived roles (their conditions planned too) and
 * condition combine as in {@link PolicySet.Rule#match}. Errors are planned exactly: each residual
 * carries when it would fail ({@link PlanParts.Bool}), so a plan admits a resource exactly when
 * {@code decide} allows it.
 *
 * <p>Thread safety: safe for concurrent use; parsed expressions are cached.
 */
final class ResourcePlanner {
    private final PolicySet set;
    private final CelEnv env;
    private final Map<Condition.Expr, PlanParts.Parsed> conditions = new ConcurrentHashMap<>();
    private final Map<Scope, Map<String, PlanParts.Parsed>> variables = new ConcurrentHashMap<>();
    private final Map<String, Object> globals;
    /** Strict evaluation (errors count, fail closed) or lenient (an erroring expression is false). */
    final boolean strict;

    ResourcePlanner(PolicySet set, CelEnv env, Map<String, Object> globals, boolean strict) {
        this.set = set;
        this.env = env;
        this.globals = globals;
        this.strict = strict;
    }

    CelEnv env() {
        return env;
    }

    /** The rules that can decide {@code action} on {@code kind} for {@code principal}. */
    static final class Rules {
        final PolicySet.PrincipalPolicy principalPolicy;
        final List<PolicySet.PrincipalRule> principalRules;
        final PolicySet.ResourcePolicy resourcePolicy;
        final PolicySet.ActionRules resourceRules;

        Rules(PolicySet.PrincipalPolicy principalPolicy, List<PolicySet.PrincipalRule> principalRules,
              PolicySet.ResourcePolicy resourcePolicy, PolicySet.ActionRules resourceRules) {
            this.principalPolicy = principalPolicy;
            this.principalRules = principalRules;
            this.resourcePolicy = resourcePolicy;
            this.resourceRules = resourceRules;
        }
    }

    /**
     * The rules for a plan on the flat path ({@link PolicySet#decide} without scoped policies
     * involved): the principal policy of the principal's version and the root resource policy.
     */
    Rules rules(PrincipalContext principal, String kind, String action) {
        PolicySet.PrincipalPolicy pp = null;
        List<PolicySet.PrincipalRule> prules = List.of();
        Map<String, PolicySet.PrincipalPolicy> byVersion = set.principals.get(principal.id());
        if (byVersion != null) {
            pp = byVersion.get(principal.policyVersion());
            if (pp != null) {
                prules = new ArrayList<>();
                for (PolicySet.PrincipalRule r : pp.rules) {
                    if (r.appliesTo(kind, action)) {
                        prules.add(r);
                    }
                }
            }
        }
        Map<String, PolicySet.ResourcePolicy> versions = set.resources.get(kind);
        PolicySet.ResourcePolicy rp = versions == null ? null : versions.get(PrincipalContext.DEFAULT_VERSION);
        return new Rules(pp, prules, rp, rp == null ? PolicySet.ActionRules.NONE : rp.rulesFor(action));
    }

    /**
     * The plan for {@code action} on resources of {@code kind} in {@code scope}: through
     * {@link ScopedPlanner} when {@code decide} would take the scoped path for such a resource
     * ({@link ScopedDecider#applies}), else over the flat rules.
     */
    Plan plan(PrincipalContext principal, String kind, String action, String scope) {
        ResourceContext target = ResourceContext.of(kind, null, null);
        if (scope != null && !scope.isEmpty()) {
            try {
                target = target.withScope(scope);
            } catch (IllegalArgumentException e) {
                throw new PlanException("scope '" + scope + "': " + e.getMessage());
            }
        }
        Evaluation ev = new Evaluation(principal, target, strict);
        ev.globals = globals;
        ev.allDerivedRoles = set.derivedRoles;
        if (set.scoped != null && set.scoped.applies(ev)) {
            return Plan.of(kind, action, new ScopedPlanner(this, set, set.scoped).plan(ev, action));
        }
        Rules rules = rules(principal, kind, action);
        PartialEvaluator pe = new PartialEvaluator(this, ev);
        List<PlanCondition> ppDeny = new ArrayList<>();
        List<PlanCondition> ppAllow = new ArrayList<>();
        for (PolicySet.PrincipalRule r : rules.principalRules) {
            PlanParts.Bool m = pe.condition(r.condition, rules.principalPolicy.scope);
            if (r.effect == Effect.DENY) {
                // a deny counts when it holds or fails (strict); lenient conditions never fail (e is FALSE)
                ppDeny.add(PlanCondition.or(m.t, m.e));
            } else {
                ppAllow.add(m.t);
            }
        }
        PlanCondition resource = PlanCondition.Literal.FALSE;
        if (rules.resourcePolicy != null) {
            List<PlanCondition> deny = new ArrayList<>();
            for (PolicySet.Rule r : rules.resourceRules.denies) {
                PlanParts.Bool m = match(pe, ev, r, rules.resourcePolicy.scope);
                deny.add(PlanCondition.or(m.t, m.e));
            }
            List<PlanCondition> allow = new ArrayList<>();
            for (PolicySet.Rule r : rules.resourceRules.allows) {
                PlanCondition t = match(pe, ev, r, rules.resourcePolicy.scope).t;
                allow.add(t);
                if (t == PlanCondition.Literal.TRUE) {
                    break; // the later allow rules cannot change the answer (decide stops here too)
                }
            }
            resource = PlanCondition.and(PlanCondition.not(PlanCondition.or(deny.toArray(new PlanCondition[0]))),
                    PlanCondition.or(allow.toArray(new PlanCondition[0])));
        }
        PlanCondition all = PlanCondition.and(
                PlanCondition.not(PlanCondition.or(ppDeny.toArray(new PlanCondition[0]))),
                PlanCondition.or(PlanCondition.or(ppAllow.toArray(new PlanCondition[0])), resource));
        return Plan.of(kind, action, all);
    }

    /** A rule's match as {@link PolicySet.Rule#match} computes it: roles, then derived roles, then condition. */
    PlanParts.Bool match(PartialEvaluator pe, Evaluation ev, PolicySet.Rule r, Scope scope) {
        PlanParts.Bool[] parts = matchParts(pe, ev, r, scope);
        PlanParts.Bool role = parts[0];
        PlanParts.Bool cond = parts[1];
        return new PlanParts.Bool(PlanCondition.and(role.t, cond.t),
                PlanCondition.or(role.e, PlanCondition.and(role.t, cond.e)));
    }

    /** The role part (roles or derived roles) and the condition part of a rule's match. */
    PlanParts.Bool[] matchParts(PartialEvaluator pe, Evaluation ev, PolicySet.Rule r, Scope scope) {
        PlanParts.Bool role;
        if (r.roleMatches(ev.principal.roles())) {
            role = PlanParts.Bool.TRUE;
        } else {
            PlanCondition t = PlanCondition.Literal.FALSE;
            PlanCondition e = PlanCondition.Literal.FALSE;
            for (PolicySet.DerivedRole dr : r.derivedRoles) {
                if (!dr.parentsMatch(ev.principal.roles())) {
                    continue;
                }
                PlanParts.Bool d = pe.condition(dr.condition, dr.scope);
                t = PlanCondition.or(t, d.t);
                e = PlanCondition.or(e, d.e);
            }
            // an active derived role wins over one that failed (the loop goes on past failures)
            role = new PlanParts.Bool(t, PlanCondition.and(PlanCondition.not(t), e));
        }
        return new PlanParts.Bool[] {role, pe.condition(r.condition, scope)};
    }

    PlanParts.Parsed parsed(Condition.Expr c) {
        return conditions.computeIfAbsent(c, x -> parse(x.source, x.where));
    }

    PlanParts.Parsed variable(Scope scope, String name) {
        String source = scope.variableSources.get(name);
        if (source == null) {
            throw new PlanException("variable '" + name + "' is not defined in " + scope.policy);
        }
        return variables.computeIfAbsent(scope, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(name, n -> parse(source, "variable '" + n + "' of " + scope.policy));
    }

    private PlanParts.Parsed parse(String source, String where) {
        try {
            return new PlanParts.Parsed(env.parse(source), source, where);
        } catch (CelEnv.CompileException e) {
            throw new PlanException(where + ": '" + source + "' does not parse: " + ConditionCompiler.oneLine(e.getMessage()));
        }
    }

    /** Whether {@code e} reads the resource's attributes or id (directly or through a variable). */
    boolean readsResource(PlanParts.Parsed p, CelExpr e, Scope scope) {
        Boolean known = p.readsResource.get(e.id());
        if (known != null) {
            return known;
        }
        boolean r = computeReads(p, e, scope);
        p.readsResource.put(e.id(), r);
        return r;
    }

    private boolean computeReads(PlanParts.Parsed p, CelExpr e, Scope scope) {
        switch (e.getKind()) {
            case CONSTANT:
                return false;
            case IDENT: {
                String n = e.ident().name();
                if (n.equals("R") || n.equals("request") || n.equals("runtime")) {
                    return true;
                }
                if (n.equals("V") || n.equals("variables")) {
                    for (String v : scope.variableSources.keySet()) {
                        PlanParts.Parsed vp = variable(scope, v);
                        if (readsResource(vp, vp.ast.getExpr(), scope)) {
                            return true;
                        }
                    }
                }
                return false;
            }
            case SELECT: {
                List<String> path = resourcePath(e);
                if (path != null) {
                    return !(path.get(0).equals("kind") || path.get(0).equals("policyVersion") || path.get(0).equals("scope"));
                }
                if (principalPath(e)) {
                    return false;
                }
                String v = variableName(e);
                if (v != null) {
                    PlanParts.Parsed vp = variable(scope, v);
                    return readsResource(vp, vp.ast.getExpr(), scope);
                }
                return readsResource(p, e.select().operand(), scope);
            }
            case CALL: {
                CelExpr.CelCall c = e.call();
                if (c.target().isPresent() && readsResource(p, c.target().get(), scope)) {
                    return true;
                }
                for (CelExpr a : c.args()) {
                    if (readsResource(p, a, scope)) {
                        return true;
                    }
                }
                return false;
            }
            case LIST:
                for (CelExpr a : e.list().elements()) {
                    if (readsResource(p, a, scope)) {
                        return true;
                    }
                }
                return false;
            case MAP:
                for (CelExpr.CelMap.Entry en : e.map().entries()) {
                    if (readsResource(p, en.key(), scope) || readsResource(p, en.value(), scope)) {
                        return true;
                    }
                }
                return false;
            case COMPREHENSION: {
                CelExpr.CelComprehension c = e.comprehension();
                return readsResource(p, c.iterRange(), scope) || readsResource(p, c.accuInit(), scope)
                        || readsResource(p, c.loopCondition(), scope) || readsResource(p, c.loopStep(), scope)
                        || readsResource(p, c.result(), scope);
            }
            default:
                return true;
        }
    }

    /**
     * The fields after {@code R} or {@code request.resource} when {@code e} is such a select
     * chain (e.g. {@code [attr]} for {@code R.attr}), else null.
     */
    static List<String> resourcePath(CelExpr e) {
        List<String> fields = new ArrayList<>();
        CelExpr x = e;
        while (x.getKind() == CelExpr.ExprKind.Kind.SELECT && !x.select().testOnly()) {
            fields.add(0, x.select().field());
            x = x.select().operand();
        }
        if (x.getKind() != CelExpr.ExprKind.Kind.IDENT) {
            return null;
        }
        String root = x.ident().name();
        if (root.equals("request") && !fields.isEmpty() && fields.get(0).equals("resource")) {
            fields.remove(0);
        } else if (!root.equals("R")) {
            return null;
        }
        return fields.isEmpty() ? null : fields;
    }

    private static boolean principalPath(CelExpr e) {
        CelExpr x = e;
        String first = null;
        while (x.getKind() == CelExpr.ExprKind.Kind.SELECT) {
            first = x.select().field();
            x = x.select().operand();
        }
        return x.getKind() == CelExpr.ExprKind.Kind.IDENT && x.ident().name().equals("request")
                && ("principal".equals(first) || "auxData".equals(first));
    }

    /** {@code x} when {@code e} is {@code V.x} or {@code variables.x}, else null. */
    static String variableName(CelExpr e) {
        if (e.getKind() != CelExpr.ExprKind.Kind.SELECT || e.select().testOnly()) {
            return null;
        }
        CelExpr op = e.select().operand();
        if (op.getKind() == CelExpr.ExprKind.Kind.IDENT
                && (op.ident().name().equals("V") || op.ident().name().equals("variables"))) {
            return e.select().field();
        }
        return null;
    }
}
