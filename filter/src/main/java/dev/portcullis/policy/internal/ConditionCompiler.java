package dev.portcullis.policy.internal;

import dev.portcullis.policy.Effect;
import dev.portcullis.policy.internal.YamlNode;

import java.util.List;

/**
 * Compiles a policy condition ({@code match} with {@code expr}, {@code all}, {@code any} or
 * {@code none}) into a {@link Condition} tree, each CEL expression compiled and type-checked once;
 * {@code script} conditions are refused. Part of {@link PolicyLoader}.
 *
 * <p>Thread safety: stateless apart from the (thread-safe) CEL environment.
 */
final class ConditionCompiler {
    private final CelEnv env;

    ConditionCompiler(CelEnv env) {
        this.env = env;
    }

    /** The condition of a rule or derived role, or null when there is none. */
    Condition condition(YamlNode node, Scope scope) {
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
            PolicyScopes.checkReferences(expr, e, scope.variables.keySet(), scope.constants.keySet());
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
    static String oneLine(String s) {
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

    /** A rule's {@code effect}: {@code EFFECT_ALLOW} or {@code EFFECT_DENY}. */
    static Effect effect(YamlNode node) {
        String v = node.text("effect");
        try {
            return Effect.fromCerbosName(v);
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }
}
