package dev.portcullis.policy.internal;

import dev.cel.runtime.CelRuntime;
import dev.portcullis.policy.internal.CelValues;
import dev.portcullis.policy.internal.YamlNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Variables and constants of Cerbos policies: the exported sets ({@code exportVariables},
 * {@code exportConstants}), each policy's {@link Scope} built from its imports and local
 * definitions, the reference checks on CEL text ({@code V.x}, {@code C.x}) and the cycle check among variables. Part of {@link PolicyLoader}.
 *
 * <p>Thread safety: not thread-safe; one per load.
 */
final class PolicyScopes {
    private static final Pattern VAR_REF = Pattern.compile(
            "(?<![A-Za-z0-9_.])(?:V|variables)\\s*\\.\\s*([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern CONST_REF = Pattern.compile(
            "(?<![A-Za-z0-9_.])(?:C|constants)\\s*\\.\\s*([A-Za-z_][A-Za-z0-9_]*)");

    private final CelEnv env;
    private final Map<String, Map<String, VarDef>> exportedVariables = new HashMap<>();
    private final Map<String, Map<String, Object>> exportedConstants = new HashMap<>();

    PolicyScopes(CelEnv env) {
        this.env = env;
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

    /** Registers an {@code exportVariables} set (not compiled until a policy imports it). */
    void exportVariables(String name, YamlNode.Fields body) {
        Map<String, VarDef> defs = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> e : body.require("definitions").entries("definitions").entrySet()) {
            defs.put(e.getKey(), new VarDef(e.getValue().text("variable '" + e.getKey() + "'"), e.getValue()));
        }
        exportedVariables.put(name, defs);
    }

    /** Registers an {@code exportConstants} set. */
    void exportConstants(String name, YamlNode.Fields body) {
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

    /**
     * The scope of one policy: its constants (imported, then local) and its variables (imported,
     * local, then the legacy top-level ones), every reference checked, no cycles, each variable
     * compiled.
     */
    Scope scope(String policy, YamlNode.Fields body, YamlNode topLevelVariables) {
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
                throw d.node.error("variable '" + e.getKey() + "' does not compile: " + ConditionCompiler.oneLine(ex.getMessage()));
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

    static void checkReferences(String expr, YamlNode at, Set<String> vars, Set<String> constants) {
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
}
