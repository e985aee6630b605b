package dev.portcullis.policy.internal;

import dev.portcullis.policy.internal.PolicyFiles;
import dev.portcullis.policy.internal.YamlNode;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Cerbos policy files ({@code apiVersion: api.cerbos.dev/v1}), checks every field, compiles
 * and type-checks every CEL expression once, resolves imports and builds the {@link PolicySet}
 * index. Anything not supported (scopes, schemas, outputs, role policies...) is refused with the
 * file and line, never ignored.
 *
 * <p>This class reads the documents and sorts them by kind, refusing what is not supported; the
 * kinds are compiled by {@link PolicyScopes} (variables and constants), {@link ConditionCompiler}
 * (conditions), {@link DerivedRolesCompiler} and {@link RulePolicyCompiler} (resource and
 * principal policies), in that order of dependency.
 *
 * <p>Thread safety: not thread-safe; use one loader per load.
 */
final class PolicyLoader {
    static final String API_VERSION = "api.cerbos.dev/v1";
    private final PolicyScopes scopes;
    private final DerivedRolesCompiler derivedRoles;
    private final RulePolicyCompiler rulePolicies;
    private final Map<String, YamlNode.Fields> derivedRoleSets = new LinkedHashMap<>();
    private final List<Doc> resourceDocs = new ArrayList<>();
    private final List<Doc> principalDocs = new ArrayList<>();
    private final Map<String, String> definedIn = new HashMap<>();

    PolicyLoader(CelEnv env) {
        this.scopes = new PolicyScopes(env);
        ConditionCompiler conditions = new ConditionCompiler(env);
        this.derivedRoles = new DerivedRolesCompiler(scopes, conditions);
        this.rulePolicies = new RulePolicyCompiler(scopes, conditions, derivedRoles);
    }

    /** One policy document: its top-level fields and the body of its kind. */
    static final class Doc {
        final YamlNode.Fields top;
        final YamlNode.Fields body;

        Doc(YamlNode.Fields top, YamlNode.Fields body) {
            this.top = top;
            this.body = body;
        }
    }

    PolicySet load(List<PolicyFiles.SourceFile> files) {
        List<String> names = new ArrayList<>();
        for (PolicyFiles.SourceFile f : files) {
            names.add(f.name());
            for (YamlNode doc : YamlNode.parseAll(f.name(), new StringReader(f.content()))) {
                read(doc);
            }
        }
        for (Map.Entry<String, YamlNode.Fields> e : derivedRoleSets.entrySet()) {
            derivedRoles.compile(e.getKey(), e.getValue());
        }
        Map<String, Map<String, PolicySet.ResourcePolicy>> resources = new HashMap<>();
        for (Doc d : resourceDocs) {
            PolicySet.ResourcePolicy rp = rulePolicies.resource(d);
            String kind = d.body.text("resource");
            resources.computeIfAbsent(kind, k -> new HashMap<>()).put(d.body.text("version"), rp);
        }
        Map<String, Map<String, PolicySet.PrincipalPolicy>> principals = new HashMap<>();
        for (Doc d : principalDocs) {
            PolicySet.PrincipalPolicy pp = rulePolicies.principal(d);
            principals.computeIfAbsent(d.body.text("principal"), k -> new HashMap<>())
                    .put(d.body.text("version"), pp);
        }
        freeze(resources);
        freeze(principals);
        return new PolicySet(Collections.unmodifiableMap(resources), Collections.unmodifiableMap(principals),
                derivedRoles.all(), List.copyOf(names));
    }

    private static <T> void freeze(Map<String, Map<String, T>> m) {
        m.replaceAll((k, v) -> Collections.unmodifiableMap(v));
    }

    private void read(YamlNode doc) {
        YamlNode.Fields top = doc.fields("policy", "apiVersion", "description", "disabled", "metadata",
                "variables", "$schema", "resourcePolicy", "derivedRoles", "principalPolicy",
                "exportVariables", "exportConstants", "rolePolicy", "globals");
        String api = top.text("apiVersion");
        if (!API_VERSION.equals(api)) {
            throw top.require("apiVersion").error("apiVersion must be '" + API_VERSION + "', was '" + api + "'");
        }
        top.refuse("rolePolicy", "role policies are not implemented by the built-in evaluator");
        top.refuse("globals", "the 'globals' section is not implemented; use variables");
        if (top.has("disabled") && top.require("disabled").bool("disabled")) {
            return;
        }
        int kinds = 0;
        for (String k : List.of("resourcePolicy", "derivedRoles", "principalPolicy", "exportVariables",
                "exportConstants")) {
            if (top.has(k)) {
                kinds++;
            }
        }
        if (kinds != 1) {
            throw doc.error("a policy file must define exactly one of resourcePolicy, derivedRoles, "
                    + "principalPolicy, exportVariables, exportConstants (found " + kinds + ")");
        }
        if (top.has("resourcePolicy")) {
            YamlNode.Fields body = top.require("resourcePolicy").fields("resourcePolicy", "resource",
                    "version", "importDerivedRoles", "rules", "variables", "constants", "scope", "schemas",
                    "scopePermissions");
            refuseScope(body, "resourcePolicy");
            body.refuse("schemas", "schema validation is not implemented by the built-in evaluator");
            String key = "resource policy '" + body.text("resource") + "' version '" + body.text("version") + "'";
            unique(key, body.owner());
            resourceDocs.add(new Doc(top, body));
        } else if (top.has("principalPolicy")) {
            YamlNode.Fields body = top.require("principalPolicy").fields("principalPolicy", "principal",
                    "version", "rules", "variables", "constants", "scope", "scopePermissions");
            refuseScope(body, "principalPolicy");
            String key = "principal policy '" + body.text("principal") + "' version '" + body.text("version") + "'";
            unique(key, body.owner());
            principalDocs.add(new Doc(top, body));
        } else if (top.has("derivedRoles")) {
            YamlNode.Fields body = top.require("derivedRoles").fields("derivedRoles", "name", "definitions",
                    "variables", "constants");
            String name = body.text("name");
            unique("derived roles '" + name + "'", body.owner());
            derivedRoleSets.put(name, body);
            if (top.has("variables")) {
                throw top.require("variables").error("top-level variables are only supported in resource "
                        + "and principal policies; use derivedRoles.variables");
            }
        } else if (top.has("exportVariables")) {
            YamlNode.Fields body = top.require("exportVariables").fields("exportVariables", "name",
                    "definitions");
            String name = body.text("name");
            unique("exported variables '" + name + "'", body.owner());
            scopes.exportVariables(name, body);
        } else {
            YamlNode.Fields body = top.require("exportConstants").fields("exportConstants", "name",
                    "definitions");
            String name = body.text("name");
            unique("exported constants '" + name + "'", body.owner());
            scopes.exportConstants(name, body);
        }
        if (top.has("variables") && !top.has("resourcePolicy") && !top.has("principalPolicy")) {
            throw top.require("variables").error("top-level variables are only supported in resource and "
                    + "principal policies");
        }
    }

    private void unique(String what, YamlNode at) {
        String where = at.file() + ":" + at.line();
        String previous = definedIn.putIfAbsent(what, where);
        if (previous != null) {
            throw at.error(what + " is already defined at " + previous);
        }
    }

    private static void refuseScope(YamlNode.Fields body, String what) {
        String scope = body.text("scope", "");
        if (!scope.isEmpty()) {
            throw body.require("scope").error("scoped policies ('scope' in " + what
                    + ") are not supported by the built-in evaluator");
        }
        body.refuse("scopePermissions", "scoped policies are not supported by the built-in evaluator");
    }
}
