package dev.portcullis.policy.internal;

import dev.cel.runtime.CelRuntime;

import java.util.Map;

/**
 * The variables and constants one policy's conditions see as {@code V} and {@code C}: local
 * definitions plus imported {@code exportVariables} / {@code exportConstants}. Variables are
 * compiled CEL programs evaluated lazily, at most once per decision.
 *
 * <p>Thread safety: immutable.
 */
final class Scope {
    static final Scope EMPTY = new Scope("", Map.of(), Map.of(), Map.of());

    final String policy;
    final Map<String, CelRuntime.Program> variables;
    final Map<String, String> variableSources;
    final Map<String, Object> constants;
    /** The derived roles the owning policy imports ({@code runtime.effectiveDerivedRoles}); set by the compiler. */
    PolicySet.DerivedRole[] importedDerivedRoles = new PolicySet.DerivedRole[0];

    Scope(String policy, Map<String, CelRuntime.Program> variables, Map<String, String> variableSources,
          Map<String, Object> constants) {
        this.policy = policy;
        this.variables = variables;
        this.variableSources = variableSources;
        this.constants = constants;
    }
}
