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
 * index. Anything not supported (script conditions, unknown fields...) is refused with the file and
 * line, never ignored.
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
    private final List<Doc> roleDocs = new ArrayList<>();
    private final Map<String, String> definedIn = new HashMap<>();
    private final Map<String, String[]> scopePermissionsByScope = new HashMap<>();
    private final Options options;

    PolicyLoader(CelEnv env) {
        this(env, new Options());
    }

    PolicyLoader(CelEnv env, Options options) {
        this.options = options;
        this.scopes = new PolicyScopes(env);
        ConditionCompiler conditions = new ConditionCompiler(env);
        this.derivedRoles = new DerivedRolesCompiler(scopes, conditions);
        this.rulePolicies = new RulePolicyCompiler(scopes, conditions, derivedRoles, env);
    }

    /** Engine options that change how policies are loaded and scopes searched. */
    static final class Options {
        boolean lenientScopeSearch;
        ScopedDecider.SchemaEnforcement schemaEnforcement = ScopedDecider.SchemaEnforcement.REJECT;
        /** The {@code _schemas} folder's files by relative path. */
        Map<String, String> schemaFiles = Map.of();
    }

    static final String OVERRIDE_PARENT = "SCOPE_PERMISSIONS_OVERRIDE_PARENT";
    static final String REQUIRE_PARENTAL_CONSENT = "SCOPE_PERMISSIONS_REQUIRE_PARENTAL_CONSENT_FOR_ALLOWS";

    /** A policy body's {@code scopePermissions}: true for parental consent (checked at read). */
    static boolean requireParentalConsent(YamlNode.Fields body) {
        return REQUIRE_PARENTAL_CONSENT.equals(body.text("scopePermissions", OVERRIDE_PARENT));
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
        Map<String, Map<String, Map<String, PolicySet.ResourcePolicy>>> scopedResources = new HashMap<>();
        Map<String, Map<String, Map<String, YamlNode>>> resourceAt = new HashMap<>();
        boolean always = false;
        for (Doc d : resourceDocs) {
            PolicySet.ResourcePolicy rp = rulePolicies.resource(d);
            String kind = d.body.text("resource");
            String version = d.body.text("version");
            if (d.body.has("schemas")) {
                if (!rp.scopeName.isEmpty()) {
                    throw d.body.require("schemas").error("schemas are taken from the root (unscoped) policy of "
                            + "a scope chain; remove them from the policy of scope '" + rp.scopeName + "'");
                }
                if (!schemaValidatorAvailable()) {
                    throw d.body.require("schemas").error("schemas need com.networknt:json-schema-validator "
                            + "on the class path (an optional dependency of Portcullis)");
                }
                rp.schemas = Schemas.compile(d.body.require("schemas"), options.schemaFiles);
            }
            always |= rp.hasOutputs || rp.schemas != null
                    && options.schemaEnforcement != ScopedDecider.SchemaEnforcement.NONE;
            if (rp.scopeName.isEmpty()) {
                resources.computeIfAbsent(kind, k -> new HashMap<>()).put(version, rp);
            }
            scopedResources.computeIfAbsent(kind, k -> new HashMap<>()).computeIfAbsent(version, k -> new HashMap<>())
                    .put(rp.scopeName, rp);
            resourceAt.computeIfAbsent(kind, k -> new HashMap<>()).computeIfAbsent(version, k -> new HashMap<>())
                    .put(rp.scopeName, d.body.owner());
        }
        Map<String, Map<String, PolicySet.PrincipalPolicy>> principals = new HashMap<>();
        Map<String, Map<String, Map<String, PolicySet.PrincipalPolicy>>> scopedPrincipals = new HashMap<>();
        Map<String, Map<String, Map<String, YamlNode>>> principalAt = new HashMap<>();
        for (Doc d : principalDocs) {
            PolicySet.PrincipalPolicy pp = rulePolicies.principal(d);
            String id = d.body.text("principal");
            String version = d.body.text("version");
            always |= pp.hasOutputs;
            if (pp.scopeName.isEmpty()) {
                principals.computeIfAbsent(id, k -> new HashMap<>()).put(version, pp);
            }
            scopedPrincipals.computeIfAbsent(id, k -> new HashMap<>()).computeIfAbsent(version, k -> new HashMap<>())
                    .put(pp.scopeName, pp);
            principalAt.computeIfAbsent(id, k -> new HashMap<>()).computeIfAbsent(version, k -> new HashMap<>())
                    .put(pp.scopeName, d.body.owner());
        }
        Map<String, Map<String, Map<String, RolePolicy>>> roles = new HashMap<>();
        Map<String, Map<String, Map<String, YamlNode>>> roleAt = new HashMap<>();
        for (Doc d : roleDocs) {
            RolePolicy rp = rulePolicies.role(d);
            String version = d.body.text("version", "default");
            roles.computeIfAbsent(rp.role, k -> new HashMap<>()).computeIfAbsent(version, k -> new HashMap<>())
                    .put(rp.scopeName, rp);
            roleAt.computeIfAbsent(rp.role, k -> new HashMap<>()).computeIfAbsent(version, k -> new HashMap<>())
                    .put(rp.scopeName, d.body.owner());
        }
        ScopeChains.check(scopedResources, resourceAt, p -> p.requireParentalConsent, "resource policy", true);
        ScopeChains.check(scopedPrincipals, principalAt, p -> p.requireParentalConsent, "principal policy", true);
        ScopeChains.check(roles, roleAt, p -> p.requireParentalConsent, "role policy", false);
        boolean scopedAny = ScopeChains.hasScopes(scopedResources) || ScopeChains.hasScopes(scopedPrincipals);
        ScopedDecider scoped = scopedAny || always || !roles.isEmpty()
                ? new ScopedDecider(ScopeChains.chains(scopedResources), ScopeChains.chains(scopedPrincipals),
                        ScopeChains.chains(roles), options.lenientScopeSearch, always, options.schemaEnforcement)
                : null;
        freeze(resources);
        freeze(principals);
        PolicySet set = new PolicySet(Collections.unmodifiableMap(resources), Collections.unmodifiableMap(principals),
                derivedRoles.all(), List.copyOf(names), scoped);
        for (PolicyFiles.SourceFile f : files) {
            set.readsAuxData |= f.content().contains("auxData");
        }
        return set;
    }

    static boolean schemaValidatorAvailable() {
        try {
            Class.forName("com.networknt.schema.SchemaRegistry", false, PolicyLoader.class.getClassLoader());
            Class.forName("tools.jackson.databind.json.JsonMapper", false, PolicyLoader.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
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
        top.refuse("globals", "globals are engine configuration, not part of a policy file: set "
                + "portcullis.policy.globals (or CerbosPolicyEvaluator.Builder.globals)");
        if (top.has("disabled") && top.require("disabled").bool("disabled")) {
            return;
        }
        int kinds = 0;
        for (String k : List.of("resourcePolicy", "derivedRoles", "principalPolicy", "exportVariables",
                "exportConstants", "rolePolicy")) {
            if (top.has(k)) {
                kinds++;
            }
        }
        if (kinds != 1) {
            throw doc.error("a policy file must define exactly one of resourcePolicy, derivedRoles, "
                    + "principalPolicy, rolePolicy, exportVariables, exportConstants (found " + kinds + ")");
        }
        if (top.has("resourcePolicy")) {
            YamlNode.Fields body = top.require("resourcePolicy").fields("resourcePolicy", "resource",
                    "version", "importDerivedRoles", "rules", "variables", "constants", "scope", "schemas",
                    "scopePermissions");
            String key = "resource policy '" + body.text("resource") + "' version '" + body.text("version") + "'"
                    + scopeOf(body, false);
            unique(key, body.owner());
            resourceDocs.add(new Doc(top, body));
        } else if (top.has("principalPolicy")) {
            YamlNode.Fields body = top.require("principalPolicy").fields("principalPolicy", "principal",
                    "version", "rules", "variables", "constants", "scope", "scopePermissions");
            String key = "principal policy '" + body.text("principal") + "' version '" + body.text("version") + "'"
                    + scopeOf(body, false);
            unique(key, body.owner());
            principalDocs.add(new Doc(top, body));
        } else if (top.has("rolePolicy")) {
            YamlNode.Fields body = top.require("rolePolicy").fields("rolePolicy", "role", "version", "scope",
                    "parentRoles", "rules", "variables", "constants", "scopePermissions");
            String role = body.text("role");
            if (role.isEmpty() || role.matches(".*[!*?\\[\\]{}].*")) {
                throw body.require("role").error("role policy role must be a name without !*?[]{}, was '" + role + "'");
            }
            if (!body.has("scopePermissions")) {
                throw body.owner().error("role policies must set scopePermissions ("
                        + OVERRIDE_PARENT + " or " + REQUIRE_PARENTAL_CONSENT + ")");
            }
            String key = "role policy '" + role + "' version '" + body.text("version", "default") + "'"
                    + scopeOf(body, true);
            unique(key, body.owner());
            roleDocs.add(new Doc(top, body));
            if (top.has("variables")) {
                throw top.require("variables").error("top-level variables are only supported in resource "
                        + "and principal policies; use rolePolicy.variables");
            }
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

    /** Checks {@code scope} and {@code scopePermissions}; returns the text to add to the unique key. */
    private String scopeOf(YamlNode.Fields body, boolean role) {
        String scope = body.text("scope", "");
        if (!scope.isEmpty()) {
            try {
                if (!dev.portcullis.policy.PrincipalContext.checkScope(scope).equals(scope)) {
                    throw new IllegalArgumentException("'.' is not a policy scope; leave scope out for the root");
                }
            } catch (IllegalArgumentException e) {
                throw body.require("scope").error(e.getMessage());
            }
        }
        if (body.has("scopePermissions")) {
            String sp = body.text("scopePermissions");
            if (!sp.equals(OVERRIDE_PARENT) && !sp.equals(REQUIRE_PARENTAL_CONSENT)) {
                throw body.require("scopePermissions").error("scopePermissions must be " + OVERRIDE_PARENT
                        + " or " + REQUIRE_PARENTAL_CONSENT + ", was '" + sp + "'");
            }
            if (sp.equals(REQUIRE_PARENTAL_CONSENT) && scope.isEmpty()) {
                throw body.require("scopePermissions").error(REQUIRE_PARENTAL_CONSENT
                        + " needs a parent scope to consent; it cannot be used by a root (unscoped) policy");
            }
        }
        if (!role) {
            String sp = body.text("scopePermissions", OVERRIDE_PARENT);
            String where = body.owner().file() + ":" + body.owner().line();
            String[] prev = scopePermissionsByScope.putIfAbsent(scope, new String[] {sp, where});
            if (prev != null && !prev[0].equals(sp)) {
                throw body.owner().error("all policies of scope '" + scope + "' must use the same scopePermissions: "
                        + sp + " here, " + prev[0] + " at " + prev[1]);
            }
        }
        return scope.isEmpty() ? "" : " scope '" + scope + "'";
    }
}
