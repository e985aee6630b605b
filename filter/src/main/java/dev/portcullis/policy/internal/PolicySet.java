package dev.portcullis.policy.internal;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.Effect;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A compiled, indexed set of policies: resource policies by kind, version and action; principal
 * policies by principal id and version; derived roles numbered for a per-call memo. Built once by
 * {@link PolicyLoader}; a decision only walks precomputed arrays.
 *
 * <p>Precedence (as Cerbos documents it): a principal policy rule that matches decides first; in
 * either kind of policy a matching {@code EFFECT_DENY} rule wins over any {@code EFFECT_ALLOW};
 * when nothing matches the answer is deny. Under strict evaluation a condition that fails to
 * evaluate counts as a match for a deny rule and as no match for an allow rule, and the error is
 * reported (fail closed); under lenient evaluation (Cerbos's default) it is simply not satisfied
 * (the condition never throws, see {@link Condition}).
 *
 * <p>Thread safety: immutable.
 */
final class PolicySet {
    final Map<String, Map<String, ResourcePolicy>> resources;
    final Map<String, Map<String, PrincipalPolicy>> principals;
    final DerivedRole[] derivedRoles;
    final List<String> files;
    /** Scoped policies, role policies, outputs and schemas; null when the set uses none of them. */
    final ScopedDecider scoped;
    /** Whether some expression mentions {@code auxData}; set by the loader. */
    boolean readsAuxData;

    PolicySet(Map<String, Map<String, ResourcePolicy>> resources,
              Map<String, Map<String, PrincipalPolicy>> principals, DerivedRole[] derivedRoles,
              List<String> files) {
        this(resources, principals, derivedRoles, files, null);
    }

    PolicySet(Map<String, Map<String, ResourcePolicy>> resources,
              Map<String, Map<String, PrincipalPolicy>> principals, DerivedRole[] derivedRoles,
              List<String> files, ScopedDecider scoped) {
        this.resources = resources;
        this.principals = principals;
        this.derivedRoles = derivedRoles;
        this.files = files;
        this.scoped = scoped;
    }

    Decision decide(Evaluation ev, String action) {
        if (scoped != null && scoped.applies(ev)) {
            return scoped.decide(this, ev, action);
        }
        Map<String, PrincipalPolicy> byVersion = principals.get(ev.principal.id());
        if (byVersion != null) {
            PrincipalPolicy pp = byVersion.get(ev.principal.policyVersion());
            if (pp != null) {
                Decision d = pp.decide(this, ev, action);
                if (d != null) {
                    return d;
                }
            }
        }
        Map<String, ResourcePolicy> versions = resources.get(ev.resource.kind());
        ResourcePolicy rp = versions == null ? null : versions.get(ev.resource.policyVersion());
        if (rp == null) {
            return Decision.defaultDeny(action);
        }
        return rp.decide(this, ev, action);
    }

    boolean covers(String kind, String action) {
        if (scoped != null && scoped.covers(kind, action)) {
            return true;
        }
        Map<String, ResourcePolicy> versions = resources.get(kind);
        if (versions != null) {
            for (ResourcePolicy rp : versions.values()) {
                ActionRules ar = rp.rulesFor(action);
                if (ar.denies.length > 0 || ar.allows.length > 0) {
                    return true;
                }
            }
        }
        for (Map<String, PrincipalPolicy> versions2 : principals.values()) {
            for (PrincipalPolicy pp : versions2.values()) {
                for (PrincipalRule r : pp.rules) {
                    if (r.appliesTo(kind, action)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** A derived role definition from a {@code derivedRoles} policy. */
    static final class DerivedRole {
        final String name;
        final String set;
        final int index;
        final Set<String> parentRoles;
        /** {@link #parentRoles} as Cerbos matches them: names and globs such as {@code us*}. */
        final CerbosGlob.Names parents;
        final boolean anyParent;
        final Condition condition;
        final Scope scope;

        DerivedRole(String name, String set, int index, Set<String> parentRoles, Condition condition,
                    Scope scope) {
            this.name = name;
            this.set = set;
            this.index = index;
            this.parentRoles = parentRoles;
            this.parents = CerbosGlob.Names.of(parentRoles);
            this.anyParent = parentRoles.contains("*");
            this.condition = condition;
            this.scope = scope;
        }

        /** Whether a principal with {@code roles} has one of the parent roles (decide and plan). */
        boolean parentsMatch(Set<String> roles) {
            return anyParent || parents.matchesAny(roles);
        }
    }

    /** One resource policy rule. */
    static final class Rule {
        final String name;
        final Effect effect;
        final List<String> actions;
        final Set<String> roles;
        /** {@link #roles} as Cerbos matches them: names and globs such as {@code us*}. */
        final CerbosGlob.Names roleNames;
        final boolean anyRole;
        final DerivedRole[] derivedRoles;
        final Condition condition;
        /** The rule's {@code output}, or null; set by the compiler. */
        RuleOutput output;

        Rule(String name, Effect effect, List<String> actions, Set<String> roles,
             DerivedRole[] derivedRoles, Condition condition) {
            this.name = name;
            this.effect = effect;
            this.actions = actions;
            this.roles = roles;
            this.roleNames = CerbosGlob.Names.of(roles);
            this.anyRole = roles.contains("*");
            this.derivedRoles = derivedRoles;
            this.condition = condition;
        }

        /** Whether a principal with {@code roles} has one of the rule's roles (decide and plan). */
        boolean roleMatches(Set<String> principalRoles) {
            return anyRole || roleNames.matchesAny(principalRoles);
        }

        boolean appliesTo(String action) {
            for (String a : actions) {
                if (Glob.matches(a, null, action)) {
                    return true;
                }
            }
            return false;
        }

        /** 1 match, 0 no match, -1 error (message left in {@code error[0]}). */
        int match(PolicySet set, Evaluation ev, Scope scope, String[] error) {
            boolean roleOk = roleMatches(ev.principal.roles());
            String roleError = null;
            if (!roleOk) {
                for (DerivedRole dr : derivedRoles) {
                    byte s = ev.derivedRole(dr, set.derivedRoles.length);
                    if (s == Evaluation.ACTIVE) {
                        roleOk = true;
                        break;
                    }
                    if (s == Evaluation.FAILED && roleError == null) {
                        roleError = "derived role '" + dr.name + "': " + ev.derivedRoleError(dr);
                    }
                }
                if (!roleOk) {
                    if (roleError != null) {
                        error[0] = roleError;
                        return -1;
                    }
                    return 0;
                }
            }
            if (condition == null) {
                return 1;
            }
            try {
                return condition.test(ev.activation(scope)) ? 1 : 0;
            } catch (Condition.EvaluationError e) {
                error[0] = e.getMessage();
                return -1;
            }
        }
    }

    /** The deny and allow rules that apply to one action, in file order. */
    static final class ActionRules {
        static final ActionRules NONE = new ActionRules(new Rule[0], new Rule[0]);
        final Rule[] denies;
        final Rule[] allows;

        ActionRules(Rule[] denies, Rule[] allows) {
            this.denies = denies;
            this.allows = allows;
        }

        static ActionRules of(Collection<Rule> rules, String action) {
            List<Rule> d = new ArrayList<>();
            List<Rule> a = new ArrayList<>();
            for (Rule r : rules) {
                if (action == null ? r.actions.contains("*") : r.appliesTo(action)) {
                    (r.effect == Effect.DENY ? d : a).add(r);
                }
            }
            return d.isEmpty() && a.isEmpty() ? NONE
                    : new ActionRules(d.toArray(new Rule[0]), a.toArray(new Rule[0]));
        }
    }

    /** A compiled {@code resourcePolicy}. */
    static final class ResourcePolicy {
        final String name;
        final String file;
        final Scope scope;
        final List<Rule> rules;
        final Map<String, ActionRules> byAction;
        final ActionRules wildcardOnly;
        final boolean hasPatterns;
        /** Cerbos scope ({@code ""}: root), scope permissions, outputs and schemas; set by the compiler. */
        String scopeName = "";
        boolean requireParentalConsent;
        boolean hasOutputs;
        Schemas schemas;

        ResourcePolicy(String name, String file, Scope scope, List<Rule> rules,
                       Map<String, ActionRules> byAction, ActionRules wildcardOnly, boolean hasPatterns) {
            this.name = name;
            this.file = file;
            this.scope = scope;
            this.rules = rules;
            this.byAction = byAction;
            this.wildcardOnly = wildcardOnly;
            this.hasPatterns = hasPatterns;
        }

        ActionRules rulesFor(String action) {
            ActionRules ar = byAction.get(action);
            if (ar != null) {
                return ar;
            }
            return hasPatterns ? ActionRules.of(rules, action) : wildcardOnly;
        }

        Decision decide(PolicySet set, Evaluation ev, String action) {
            ActionRules ar = rulesFor(action);
            String[] error = new String[1];
            for (Rule r : ar.denies) {
                int m = r.match(set, ev, scope, error);
                if (m != 0) {
                    return new Decision(action, Effect.DENY, name, r.name,
                            ev.activeDerivedRoles(set.derivedRoles), m < 0 ? error[0] : null);
                }
            }
            String firstError = null;
            String errorRule = null;
            for (Rule r : ar.allows) {
                int m = r.match(set, ev, scope, error);
                if (m > 0) {
                    return new Decision(action, Effect.ALLOW, name, r.name,
                            ev.activeDerivedRoles(set.derivedRoles), null);
                }
                if (m < 0 && firstError == null) {
                    firstError = error[0];
                    errorRule = r.name;
                }
            }
            return new Decision(action, Effect.DENY, name,
                    errorRule != null ? errorRule : Decision.NO_MATCHING_RULE,
                    ev.activeDerivedRoles(set.derivedRoles), firstError);
        }
    }

    /** One action entry of a principal policy rule. */
    static final class PrincipalRule {
        final String name;
        final String resource;
        final Pattern resourceGlob;
        final String action;
        final Pattern actionGlob;
        final Effect effect;
        final Condition condition;
        /** The rule's {@code output}, or null; set by the compiler. */
        RuleOutput output;

        PrincipalRule(String name, String resource, String action, Effect effect, Condition condition) {
            this.name = name;
            this.resource = resource;
            this.resourceGlob = Glob.compile(resource);
            this.action = action;
            this.actionGlob = Glob.compile(action);
            this.effect = effect;
            this.condition = condition;
        }

        /** Whether the rule is for resources of {@code kind} and {@code action} (decide and plan). */
        boolean appliesTo(String kind, String action) {
            return Glob.matches(resource, resourceGlob, kind) && Glob.matches(this.action, actionGlob, action);
        }
    }

    /** A compiled {@code principalPolicy}. */
    static final class PrincipalPolicy {
        final String name;
        final String file;
        final Scope scope;
        final PrincipalRule[] rules;
        /** Cerbos scope ({@code ""}: root), scope permissions and outputs; set by the compiler. */
        String scopeName = "";
        boolean requireParentalConsent;
        boolean hasOutputs;

        PrincipalPolicy(String name, String file, Scope scope, PrincipalRule[] rules) {
            this.name = name;
            this.file = file;
            this.scope = scope;
            this.rules = rules;
        }

        /** The decision when a rule matches, else null (the resource policy decides). */
        Decision decide(PolicySet set, Evaluation ev, String action) {
            PrincipalRule allow = null;
            for (PrincipalRule r : rules) {
                if (!r.appliesTo(ev.resource.kind(), action)) {
                    continue;
                }
                if (r.effect == Effect.ALLOW && allow != null) {
                    continue;
                }
                boolean matched;
                try {
                    matched = r.condition == null || r.condition.test(ev.activation(scope));
                } catch (Condition.EvaluationError e) {
                    if (r.effect == Effect.DENY) {
                        return Decision.error(action, name, r.name, e.getMessage());
                    }
                    continue;
                }
                if (matched) {
                    if (r.effect == Effect.DENY) {
                        return new Decision(action, Effect.DENY, name, r.name, Set.of(), null);
                    }
                    allow = r;
                }
            }
            return allow == null ? null
                    : new Decision(action, Effect.ALLOW, name, allow.name, Set.of(), null);
        }
    }

    /** Action and resource name patterns, matched as Cerbos does: see {@link CerbosGlob}. */
    static final class Glob {
        private Glob() {
        }

        static boolean isPattern(String s) {
            return CerbosGlob.isPattern(s);
        }

        static Pattern compile(String s) {
            return CerbosGlob.compile(s);
        }

        static boolean matches(String pattern, Pattern compiled, String value) {
            return CerbosGlob.matches(pattern, compiled, value);
        }
    }
}
