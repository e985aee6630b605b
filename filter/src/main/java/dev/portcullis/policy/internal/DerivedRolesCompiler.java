package dev.portcullis.policy.internal;

import dev.portcullis.policy.internal.YamlNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles {@code derivedRoles} policies: each definition's parent roles and condition, numbered
 * in load order for the evaluator; resource policies then import the sets by name. Part of
 * {@link PolicyLoader}.
 *
 * <p>Thread safety: not thread-safe; one per load.
 */
final class DerivedRolesCompiler {
    private final PolicyScopes scopes;
    private final ConditionCompiler conditions;
    private final Map<String, Map<String, PolicySet.DerivedRole>> compiledRoleSets = new HashMap<>();
    private final List<PolicySet.DerivedRole> allDerivedRoles = new ArrayList<>();

    DerivedRolesCompiler(PolicyScopes scopes, ConditionCompiler conditions) {
        this.scopes = scopes;
        this.conditions = conditions;
    }

    /** The roles of a compiled set by name, or null when no set has that name. */
    Map<String, PolicySet.DerivedRole> set(String name) {
        return compiledRoleSets.get(name);
    }

    /** Every derived role compiled, in load order. */
    PolicySet.DerivedRole[] all() {
        return allDerivedRoles.toArray(new PolicySet.DerivedRole[0]);
    }

    /** Compiles one {@code derivedRoles} set. */
    void compile(String setName, YamlNode.Fields body) {
        Scope scope = scopes.scope("derived_roles." + setName, body, null);
        Map<String, PolicySet.DerivedRole> roles = new LinkedHashMap<>();
        for (YamlNode d : body.require("definitions").list("definitions")) {
            YamlNode.Fields f = d.fields("derived role definition", "name", "parentRoles", "condition");
            String name = f.text("name");
            Set<String> parents = new LinkedHashSet<>(f.texts("parentRoles"));
            if (parents.isEmpty()) {
                throw d.error("derived role '" + name + "' needs at least one parentRoles entry");
            }
            RulePolicyCompiler.checkGlobs(d, parents);
            Condition c = conditions.condition(f.get("condition"), scope);
            if (roles.containsKey(name)) {
                throw d.error("derived role '" + name + "' is defined twice in '" + setName + "'");
            }
            PolicySet.DerivedRole role = new PolicySet.DerivedRole(name, setName, allDerivedRoles.size(),
                    Set.copyOf(parents), c, scope);
            allDerivedRoles.add(role);
            roles.put(name, role);
        }
        compiledRoleSets.put(setName, roles);
    }
}
