package dev.portcullis.policy.internal;

import dev.portcullis.policy.internal.YamlNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compiles the two kinds of policy that carry rules: resource policies (derived-role imports,
 * rules with actions, roles, derived roles and conditions, indexed by exact action) and principal
 * policies (per-resource action rules). Part of {@link PolicyLoader}.
 *
 * <p>Thread safety: not thread-safe; one per load.
 */
final class RulePolicyCompiler {
    private final PolicyScopes scopes;
    private final ConditionCompiler conditions;
    private final DerivedRolesCompiler derivedRoles;
    private final CelEnv env;

    RulePolicyCompiler(PolicyScopes scopes, ConditionCompiler conditions, DerivedRolesCompiler derivedRoles,
                       CelEnv env) {
        this.scopes = scopes;
        this.conditions = conditions;
        this.derivedRoles = derivedRoles;
        this.env = env;
    }

    /** Cerbos's policy name: {@code kind.name.vversion}, then {@code /scope} when scoped. */
    static String policyName(String prefix, String name, String version, String scope) {
        return prefix + "." + name + ".v" + version + (scope.isEmpty() ? "" : "/" + scope);
    }

    /** Compiles one resource policy. */
    PolicySet.ResourcePolicy resource(PolicyLoader.Doc d) {
        YamlNode.Fields body = d.body;
        String kind = body.text("resource");
        String version = body.text("version");
        String scopeName = body.text("scope", "");
        String name = policyName("resource", kind, version, scopeName);
        Scope scope = scopes.scope(name, body, d.top.get("variables"));
        Map<String, PolicySet.DerivedRole> imported = new HashMap<>();
        YamlNode imports = body.get("importDerivedRoles");
        if (imports != null) {
            for (YamlNode i : imports.list("importDerivedRoles")) {
                String set = i.text("importDerivedRoles entry");
                Map<String, PolicySet.DerivedRole> roles = derivedRoles.set(set);
                if (roles == null) {
                    throw i.error("imported derived roles '" + set + "' are not defined by any derivedRoles policy");
                }
                for (PolicySet.DerivedRole r : roles.values()) {
                    PolicySet.DerivedRole prev = imported.put(r.name, r);
                    if (prev != null) {
                        throw i.error("derived role '" + r.name + "' is defined by both '" + prev.set
                                + "' and '" + set + "'");
                    }
                }
            }
        }
        List<PolicySet.Rule> rules = new ArrayList<>();
        List<YamlNode> ruleNodes = body.require("rules").list("rules");
        if (ruleNodes.isEmpty()) {
            throw body.require("rules").error("rules must not be empty");
        }
        boolean hasPatterns = false;
        Set<String> exact = new LinkedHashSet<>();
        Set<String> ruleNames = new HashSet<>();
        for (int i = 0; i < ruleNodes.size(); i++) {
            YamlNode rn = ruleNodes.get(i);
            YamlNode.Fields f = rn.fields("rule", "actions", "effect", "roles", "derivedRoles", "condition",
                    "name", "output");
            String ruleName = f.text("name", String.format(Locale.ROOT, "rule-%03d", i + 1));
            if (!ruleNames.add(ruleName)) {
                throw rn.error("rule name '" + ruleName + "' is used twice in " + name);
            }
            List<String> actions = f.texts("actions");
            if (actions.isEmpty()) {
                throw rn.error("rule '" + ruleName + "' needs at least one action");
            }
            for (String a : actions) {
                if (a.isEmpty()) {
                    throw rn.error("rule '" + ruleName + "' has an empty action");
                }
                if (!PolicySet.Glob.isPattern(a)) {
                    exact.add(a);
                } else if (!a.equals("*")) {
                    hasPatterns = true;
                }
            }
            Set<String> roles = Set.copyOf(f.texts("roles"));
            checkGlobs(rn, actions);
            checkGlobs(rn, roles);
            List<String> drNames = f.texts("derivedRoles");
            if (roles.isEmpty() && drNames.isEmpty()) {
                throw rn.error("rule '" + ruleName + "' needs roles or derivedRoles");
            }
            List<PolicySet.DerivedRole> drs = new ArrayList<>();
            for (String dr : drNames) {
                PolicySet.DerivedRole role = imported.get(dr);
                if (role == null) {
                    throw f.require("derivedRoles").error("derived role '" + dr + "' is not defined by any "
                            + "imported derived roles (imported: " + imported.keySet() + ")");
                }
                drs.add(role);
            }
            PolicySet.Rule rule = new PolicySet.Rule(ruleName, ConditionCompiler.effect(f.require("effect")),
                    List.copyOf(actions), roles, drs.toArray(new PolicySet.DerivedRole[0]),
                    conditions.condition(f.get("condition"), scope));
            rule.output = RuleOutput.compile(env, f.get("output"), scope);
            rules.add(rule);
        }
        scope.importedDerivedRoles = imported.values().toArray(new PolicySet.DerivedRole[0]);
        Map<String, PolicySet.ActionRules> byAction = new HashMap<>();
        for (String a : exact) {
            byAction.put(a, PolicySet.ActionRules.of(rules, a));
        }
        PolicySet.ResourcePolicy rp = new PolicySet.ResourcePolicy(name, body.owner().file(), scope,
                List.copyOf(rules), Collections.unmodifiableMap(byAction), PolicySet.ActionRules.of(rules, null),
                hasPatterns);
        rp.scopeName = scopeName;
        rp.requireParentalConsent = PolicyLoader.requireParentalConsent(body);
        for (PolicySet.Rule r : rules) {
            rp.hasOutputs |= r.output != null;
        }
        return rp;
    }

    /** Compiles one principal policy. */
    PolicySet.PrincipalPolicy principal(PolicyLoader.Doc d) {
        YamlNode.Fields body = d.body;
        String scopeName = body.text("scope", "");
        String name = policyName("principal", body.text("principal"), body.text("version"), scopeName);
        Scope scope = scopes.scope(name, body, d.top.get("variables"));
        List<PolicySet.PrincipalRule> rules = new ArrayList<>();
        Set<String> ruleNames = new HashSet<>();
        int n = 0;
        List<YamlNode> ruleNodes = body.require("rules").list("rules");
        if (ruleNodes.isEmpty()) {
            throw body.require("rules").error("rules must not be empty");
        }
        for (YamlNode rn : ruleNodes) {
            YamlNode.Fields f = rn.fields("principal rule", "resource", "actions");
            String resource = f.text("resource");
            checkGlobs(rn, List.of(resource));
            List<YamlNode> actions = f.require("actions").list("actions");
            if (actions.isEmpty()) {
                throw rn.error("principal rule for '" + resource + "' needs at least one action");
            }
            for (YamlNode an : actions) {
                n++;
                YamlNode.Fields a = an.fields("principal rule action", "action", "effect", "condition", "name",
                        "output");
                String ruleName = a.text("name", String.format(Locale.ROOT, "rule-%03d", n));
                checkGlobs(an, List.of(a.text("action")));
                if (!ruleNames.add(ruleName)) {
                    throw an.error("rule name '" + ruleName + "' is used twice in " + name);
                }
                PolicySet.PrincipalRule rule = new PolicySet.PrincipalRule(ruleName, resource, a.text("action"),
                        ConditionCompiler.effect(a.require("effect")), conditions.condition(a.get("condition"), scope));
                rule.output = RuleOutput.compile(env, a.get("output"), scope);
                rules.add(rule);
            }
        }
        PolicySet.PrincipalPolicy pp = new PolicySet.PrincipalPolicy(name, body.owner().file(), scope,
                rules.toArray(new PolicySet.PrincipalRule[0]));
        pp.scopeName = scopeName;
        pp.requireParentalConsent = PolicyLoader.requireParentalConsent(body);
        for (PolicySet.PrincipalRule r : rules) {
            pp.hasOutputs |= r.output != null;
        }
        return pp;
    }

    /** Compiles one role policy. */
    RolePolicy role(PolicyLoader.Doc d) {
        YamlNode.Fields body = d.body;
        String role = body.text("role");
        String scopeName = body.text("scope", "");
        String name = policyName("role", role, body.text("version", "default"), scopeName);
        Scope scope = scopes.scope(name, body, null);
        List<RolePolicy.Rule> rules = new ArrayList<>();
        Set<String> ruleNames = new HashSet<>();
        List<YamlNode> ruleNodes = body.require("rules").list("rules");
        for (int i = 0; i < ruleNodes.size(); i++) {
            YamlNode rn = ruleNodes.get(i);
            YamlNode.Fields f = rn.fields("role policy rule", "resource", "allowActions", "condition", "name",
                    "output");
            String ruleName = f.text("name", String.format(Locale.ROOT, "rule-%03d", i + 1));
            if (!ruleNames.add(ruleName)) {
                throw rn.error("rule name '" + ruleName + "' is used twice in " + name);
            }
            List<String> actions = f.texts("allowActions");
            if (actions.isEmpty()) {
                throw rn.error("role policy rule for '" + f.text("resource") + "' needs at least one allowActions entry");
            }
            rules.add(new RolePolicy.Rule(ruleName, f.text("resource"), List.copyOf(actions),
                    conditions.condition(f.get("condition"), scope), RuleOutput.compile(env, f.get("output"), scope)));
        }
        return new RolePolicy(name, role, scopeName, Set.copyOf(body.texts("parentRoles")), scope,
                PolicyLoader.requireParentalConsent(body), rules.toArray(new RolePolicy.Rule[0]));
    }

    /** Refuses a malformed action, role or resource glob (Cerbos would never match it). */
    static void checkGlobs(YamlNode at, java.util.Collection<String> names) {
        for (String n : names) {
            try {
                CerbosGlob.compile(n);
            } catch (IllegalArgumentException e) {
                throw at.error(e.getMessage());
            }
        }
    }
}
