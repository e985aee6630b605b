package dev.portcullis.policy.internal;

import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.portcullis.policy.Decision;

/**
 * A rule's compiled {@code output}: {@code output.when.ruleActivated} (or the older
 * {@code output.expr}), evaluated when the rule matched, and {@code output.when.conditionNotMet},
 * evaluated when its action and roles matched but its condition did not. An output expression
 * that fails is left out (as Cerbos does); it never changes the decision.
 *
 * <p>Thread safety: immutable.
 */
final class RuleOutput {
    private final CelRuntime.Program activated;
    private final CelRuntime.Program notMet;

    private RuleOutput(CelRuntime.Program activated, CelRuntime.Program notMet) {
        this.activated = activated;
        this.notMet = notMet;
    }

    /** Compiles the {@code output} block of a rule, or returns null when there is none. */
    static RuleOutput compile(CelEnv env, YamlNode node, Scope scope) {
        if (node == null) {
            return null;
        }
        YamlNode.Fields f = node.fields("output", "expr", "when");
        YamlNode activated = f.get("expr");
        YamlNode notMet = null;
        if (f.has("when")) {
            if (activated != null) {
                throw node.error("output has both expr and when; use when.ruleActivated");
            }
            YamlNode.Fields w = f.require("when").fields("output.when", "ruleActivated", "conditionNotMet");
            activated = w.get("ruleActivated");
            notMet = w.get("conditionNotMet");
        }
        if (activated == null && notMet == null) {
            throw node.error("output needs when.ruleActivated or when.conditionNotMet");
        }
        return new RuleOutput(program(env, activated, scope), program(env, notMet, scope));
    }

    private static CelRuntime.Program program(CelEnv env, YamlNode n, Scope scope) {
        if (n == null) {
            return null;
        }
        String expr = n.text("output expression");
        PolicyScopes.checkReferences(expr, n, scope.variables.keySet(), scope.constants.keySet());
        try {
            return env.compile(expr, false);
        } catch (CelEnv.CompileException e) {
            throw n.error("output expression does not compile: " + ConditionCompiler.oneLine(e.getMessage()));
        }
    }

    /** True when an output exists for this outcome. */
    boolean has(boolean ruleActivated) {
        return (ruleActivated ? activated : notMet) != null;
    }

    /** The output for this outcome, or null when there is none or its expression failed. */
    Decision.Output evaluate(Evaluation.Activation activation, String source, boolean ruleActivated) {
        CelRuntime.Program p = ruleActivated ? activated : notMet;
        if (p == null) {
            return null;
        }
        try {
            Object v = p.eval(activation);
            return new Decision.Output(source, v instanceof NullValue ? null : v);
        } catch (CelEvaluationException | RuntimeException e) {
            return null;
        }
    }
}
