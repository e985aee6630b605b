package dev.portcullis.policy;

import dev.cel.runtime.CelRuntime;
import dev.portcullis.policy.internal.CelValues;
import dev.portcullis.policy.internal.PolicyFiles;
import dev.portcullis.policy.internal.YamlNode;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Cerbos policy files ({@code apiVersion: api.cerbos.dev/v1}), checks every field, compiles
 * and type-checks every CEL expression once, resolves imports and builds the {@link PolicySet}
 * index. Anything not supported (scopes, schemas, outputs, role policies...) is refused with the
 * file and line, never ignored.
 *
 * <p>Thread safety: not thread-safe; use one loader per load.
 */
final class PolicyLoader {
    static final String API_VERSION = "api.cerbos.dev/v1";
    private static final Pattern VAR_REF = Pattern.compile(
            "(?<![A-Za-z0-9_.])(?:V|variables)\\s*\\.\\s*([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern UNSUPPORTED_REF = Pattern.compile(
            "(?<![A-Za-z0-9_.])request\\s*\\.\\s*auxData\\b");
    private static final Pattern CONST_REF = Pattern.compile(
            "(?<![A-Za-z0-9_.])(?:C|constants)\\s*\\.\\s*([A-Za-z_][A-Za-z0-9_]*)");

    private final CelEnv env;
    private final Map<String, Map<String, VarDef>> exportedVariables = new HashMap<>();
    private final Map<String, Map<String, Object>> exportedConstants = new HashMap<>();
    private final Map<String, YamlNode.Fields> derivedRoleSets = new LinkedHashMap<>();
    private final Map<String, Map<String, PolicySet.DerivedRole>> compiledRoleSets = new HashMap<>();
    private final List<PolicySet.DerivedRole> allDerivedRoles = new ArrayList<>();
    private final List<Doc> resourceDocs = new ArrayList<>();
    private final List<Doc> principalDocs = new ArrayList<>();
    private final Map<String, String> definedIn = new HashMap<>();

    PolicyLoader(CelEnv env) {
        this.env = env;
    }

    /** One policy document: its top-level fields and the body of its kind. */
    private static final class Doc {
        final YamlNode.Fields top;
        final YamlNode.Fields body;

        Doc(YamlNode.Fields top, YamlNode.Fields body) {
            this.top = top;
            this.body = body;
        }
    }

    /** A variable definition before compilation. */
    private static final class VarDef {
        final String expr;
        final YamlNode node;

        VarDef(String expr, YamlNode node) {
            this.expr = expr;
            this.node = node;
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
            compileDerivedRoles(e.getKey(), e.getValue());
        }
        Map<String, Map<String, PolicySet.ResourcePolicy>> resources = new HashMap<>();
        for (Doc d : resourceDocs) {
            PolicySet.ResourcePolicy rp = compileResource(d);
            String kind = d.body.text("resource");
            resources.computeIfAbsent(kind, k -> new HashMap<>()).put(d.body.text("version"), rp);
        }
        Map<String, Map<String, PolicySet.PrincipalPolicy>> principals = new HashMap<>();
        for (Doc d : principalDocs) {
            PolicySet.PrincipalPolicy pp = compilePrincipal(d);
            principals.computeIfAbsent(d.body.text("principal"), k -> new HashMap<>())
                    .put(d.body.text("version"), pp);
        }
        freeze(resources);
        freeze(principals);
        return new PolicySet(Collections.unmodifiableMap(resources), Collections.unmodifiableMap(principals),
                allDerivedRoles.toArray(new PolicySet.DerivedRole[0]), List.copyOf(names));
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
            Map<String, VarDef> defs = new LinkedHashMap<>();
            for (Map.Entry<String, YamlNode> e : body.require("definitions").entries("definitions").entrySet()) {
                defs.put(e.getKey(), new VarDef(e.getValue().text("variable '" + e.getKey() + "'"),
                        e.getValue()));
            }
            exportedVariables.put(name, defs);
        } else {
            YamlNode.Fields body = top.require("exportConstants").fields("exportConstants", "name",
                    "definitions");
            String name = body.text("name");
            unique("exported constants '" + name + "'", body.owner());
            Map<String, Object> defs = new LinkedHashMap<>();
            for (Map.Entry<String, YamlNode> e : body.require("definitions").entries("definitions").entrySet()) {
                Object v = CelValues.value(e.getValue().toJava());
                if (v == null) {
                    throw e.getValue().error("constant '" + e.getKey() + "' must not be null");
                }
                defs.put(e.getKey(), v);
            }
            exportedConstants.put(name, Collections.unmodifiableMap(defs));
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

    // ---- scopes (variables and constants)

    private Scope scope(String policy, YamlNode.Fields body, YamlNode topLevelVariables) {
        Map<String, Object> constants = new LinkedHashMap<>();
        YamlNode cNode = body.get("constants");
        if (cNode != null) {
            YamlNode.Fields c = cNode.fields("constants", "import", "local");
            YamlNode imports = c.get("import");
            if (imports != null) {
                for (YamlNode i : imports.list("constants.import")) {
                    String name = i.text("constants.import entry");
                    Map<String, Object> defs = exportedConstants.get(name);
                    if (defs == null) {
                        throw i.error("imported constants '" + name + "' are not defined by any exportConstants policy");
                    }
                    for (Map.Entry<String, Object> e : defs.entrySet()) {
                        if (constants.put(e.getKey(), e.getValue()) != null) {
                            throw i.error("constant '" + e.getKey() + "' is defined more than once");
                        }
                    }
                }
            }
            YamlNode local = c.get("local");
            if (local != null) {
                for (Map.Entry<String, YamlNode> e : local.entries("constants.local").entrySet()) {
                    Object v = CelValues.value(e.getValue().toJava());
                    if (v == null) {
                        throw e.getValue().error("constant '" + e.getKey() + "' must not be null");
                    }
                    if (constants.put(e.getKey(), v) != null) {
                        throw e.getValue().error("constant '" + e.getKey() + "' is defined more than once");
                    }
                }
            }
        }
        Map<String, VarDef> vars = new LinkedHashMap<>();
        YamlNode vNode = body.get("variables");
        if (vNode != null) {
            YamlNode.Fields v = vNode.fields("variables", "import", "local");
            YamlNode imports = v.get("import");
            if (imports != null) {
                for (YamlNode i : imports.list("variables.import")) {
                    String name = i.text("variables.import entry");
                    Map<String, VarDef> defs = exportedVariables.get(name);
                    if (defs == null) {
                        throw i.error("imported variables '" + name + "' are not defined by any exportVariables policy");
                    }
                    for (Map.Entry<String, VarDef> e : defs.entrySet()) {
                        if (vars.put(e.getKey(), e.getValue()) != null) {
                            throw i.error("variable '" + e.getKey() + "' is defined more than once");
                        }
                    }
                }
            }
            YamlNode local = v.get("local");
            if (local != null) {
                addVariables(vars, local.entries("variables.local"));
            }
        }
        if (topLevelVariables != null) {
            addVariables(vars, topLevelVariables.entries("variables"));
        }
        for (Map.Entry<String, VarDef> e : vars.entrySet()) {
            checkReferences(e.getValue().expr, e.getValue().node, vars.keySet(), constants.keySet());
        }
        checkCycles(vars);
        Map<String, CelRuntime.Program> programs = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Map.Entry<String, VarDef> e : vars.entrySet()) {
            VarDef d = e.getValue();
            try {
                programs.put(e.getKey(), env.compile(d.expr, false));
            } catch (CelEnv.CompileException ex) {
                throw d.node.error("variable '" + e.getKey() + "' does not compile: " + oneLine(ex.getMessage()));
            }
            sources.put(e.getKey(), d.expr);
        }
        return new Scope(policy, Collections.unmodifiableMap(programs), Collections.unmodifiableMap(sources),
                Collections.unmodifiableMap(constants));
    }

    private static void addVariables(Map<String, VarDef> vars, Map<String, YamlNode> entries) {
        for (Map.Entry<String, YamlNode> e : entries.entrySet()) {
            String expr = e.getValue().text("variable '" + e.getKey() + "'");
            if (vars.put(e.getKey(), new VarDef(expr, e.getValue())) != null) {
                throw e.getValue().error("variable '" + e.getKey() + "' is defined more than once");
            }
        }
    }

    private static void checkReferences(String expr, YamlNode at, Set<String> vars, Set<String> constants) {
        if (UNSUPPORTED_REF.matcher(expr).find()) {
            throw at.error("request.auxData is not supported by the built-in evaluator");
        }
        Matcher m = VAR_REF.matcher(expr);
        while (m.find()) {
            if (!vars.contains(m.group(1))) {
                throw at.error("undefined variable '" + m.group(1) + "' (defined: " + vars + ")");
            }
        }
        m = CONST_REF.matcher(expr);
        while (m.find()) {
            if (!constants.contains(m.group(1))) {
                throw at.error("undefined constant '" + m.group(1) + "' (defined: " + constants + ")");
            }
        }
    }

    private static void checkCycles(Map<String, VarDef> vars) {
        Map<String, Integer> state = new HashMap<>();
        for (String v : vars.keySet()) {
            visit(v, vars, state, new ArrayList<>());
        }
    }

    private static void visit(String v, Map<String, VarDef> vars, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(v);
        if (s != null && s == 2) {
            return;
        }
        path.add(v);
        if (s != null && s == 1) {
            throw vars.get(v).node.error("variables refer to each other in a cycle: " + String.join(" -> ", path));
        }
        state.put(v, 1);
        Matcher m = VAR_REF.matcher(vars.get(v).expr);
        while (m.find()) {
            visit(m.group(1), vars, state, path);
        }
        state.put(v, 2);
        path.remove(path.size() - 1);
    }

    // ---- conditions

    private Condition condition(YamlNode node, Scope scope) {
        if (node == null) {
            return null;
        }
        YamlNode.Fields c = node.fields("condition", "match", "script");
        c.refuse("script", "script conditions are not supported; use match");
        return match(c.require("match"), scope);
    }

    private Condition match(YamlNode node, Scope scope) {
        YamlNode.Fields m = node.fields("match", "expr", "all", "any", "none");
        int n = (m.has("expr") ? 1 : 0) + (m.has("all") ? 1 : 0) + (m.has("any") ? 1 : 0) + (m.has("none") ? 1 : 0);
        if (n != 1) {
            throw node.error("match must have exactly one of expr, all, any, none");
        }
        if (m.has("expr")) {
            YamlNode e = m.require("expr");
            String expr = e.text("match.expr");
            checkReferences(expr, e, scope.variables.keySet(), scope.constants.keySet());
            try {
                return new Condition.Expr(env.compile(expr, true), expr.trim(), e.file() + ":" + e.line());
            } catch (CelEnv.CompileException ex) {
                throw e.error("condition does not compile: " + oneLine(ex.getMessage()));
            }
        }
        String op = m.has("all") ? "all" : m.has("any") ? "any" : "none";
        YamlNode of = m.require(op).fields(op, "of").require("of");
        List<YamlNode> items = of.list(op + ".of");
        if (items.isEmpty()) {
            throw of.error(op + ".of must not be empty");
        }
        Condition[] parts = new Condition[items.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = match(items.get(i), scope);
        }
        return op.equals("all") ? new Condition.All(parts)
                : op.equals("any") ? new Condition.Any(parts) : new Condition.None(parts);
    }

    /** CEL reports each error with source and caret lines; keep the error lines only. */
    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (String line : s.split("\\R")) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("|")) {
                continue;
            }
            if (b.length() > 0) {
                b.append("; ");
            }
            b.append(t);
        }
        return b.toString();
    }

    private static Effect effect(YamlNode node) {
        String v = node.text("effect");
        try {
            return Effect.fromCerbosName(v);
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    // ---- derived roles

    private void compileDerivedRoles(String setName, YamlNode.Fields body) {
        Scope scope = scope("derived_roles." + setName, body, null);
        Map<String, PolicySet.DerivedRole> roles = new LinkedHashMap<>();
        for (YamlNode d : body.require("definitions").list("definitions")) {
            YamlNode.Fields f = d.fields("derived role definition", "name", "parentRoles", "condition");
            String name = f.text("name");
            Set<String> parents = new LinkedHashSet<>(f.texts("parentRoles"));
            if (parents.isEmpty()) {
                throw d.error("derived role '" + name + "' needs at least one parentRoles entry");
            }
            Condition c = condition(f.get("condition"), scope);
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

    // ---- resource policies

    private PolicySet.ResourcePolicy compileResource(Doc d) {
        YamlNode.Fields body = d.body;
        String kind = body.text("resource");
        String version = body.text("version");
        String name = "resource." + kind + ".v" + version;
        Scope scope = scope(name, body, d.top.get("variables"));
        Map<String, PolicySet.DerivedRole> imported = new HashMap<>();
        YamlNode imports = body.get("importDerivedRoles");
        if (imports != null) {
            for (YamlNode i : imports.list("importDerivedRoles")) {
                String set = i.text("importDerivedRoles entry");
                Map<String, PolicySet.DerivedRole> roles = compiledRoleSets.get(set);
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
            f.refuse("output", "rule outputs are not implemented by the built-in evaluator");
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
            rules.add(new PolicySet.Rule(ruleName, effect(f.require("effect")), List.copyOf(actions), roles,
                    drs.toArray(new PolicySet.DerivedRole[0]), condition(f.get("condition"), scope)));
        }
        Map<String, PolicySet.ActionRules> byAction = new HashMap<>();
        for (String a : exact) {
            byAction.put(a, PolicySet.ActionRules.of(rules, a));
        }
        return new PolicySet.ResourcePolicy(name, body.owner().file(), scope, List.copyOf(rules),
                Collections.unmodifiableMap(byAction), PolicySet.ActionRules.of(rules, null), hasPatterns);
    }

    // ---- principal policies

    private PolicySet.PrincipalPolicy compilePrincipal(Doc d) {
        YamlNode.Fields body = d.body;
        String name = "principal." + body.text("principal") + ".v" + body.text("version");
        Scope scope = scope(name, body, d.top.get("variables"));
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
            List<YamlNode> actions = f.require("actions").list("actions");
            if (actions.isEmpty()) {
                throw rn.error("principal rule for '" + resource + "' needs at least one action");
            }
            for (YamlNode an : actions) {
                n++;
                YamlNode.Fields a = an.fields("principal rule action", "action", "effect", "condition", "name",
                        "output");
                a.refuse("output", "rule outputs are not implemented by the built-in evaluator");
                String ruleName = a.text("name", String.format(Locale.ROOT, "rule-%03d", n));
                if (!ruleNames.add(ruleName)) {
                    throw an.error("rule name '" + ruleName + "' is used twice in " + name);
                }
                rules.add(new PolicySet.PrincipalRule(ruleName, resource, a.text("action"),
                        effect(a.require("effect")), condition(a.get("condition"), scope)));
            }
        }
        return new PolicySet.PrincipalPolicy(name, body.owner().file(), scope,
                rules.toArray(new PolicySet.PrincipalRule[0]));
    }
}
