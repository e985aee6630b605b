package dev.portcullis.policy.internal;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;

import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state of one {@code decide} call: the principal and resource, CEL activations per policy
 * scope (resolving {@code P}, {@code R}, {@code request}, {@code V}, {@code C} straight from the
 * contexts, without copying), the lazily evaluated variables, and which derived roles have been
 * found active so far (each evaluated at most once per call).
 *
 * <p>Thread safety: confined to the calling thread.
 */
final class Evaluation {
    static final byte UNKNOWN = 0;
    static final byte ACTIVE = 1;
    static final byte INACTIVE = 2;
    static final byte FAILED = 3;

    final PrincipalContext principal;
    final ResourceContext resource;
    /**
     * Strict evaluation: a failing condition throws {@link Condition.EvaluationError}, which makes a
     * deny rule deny and an allow rule not allow, the error reported. Lenient (Cerbos's default):
     * it is not satisfied.
     */
    final boolean strict;
    private Map<String, Object> request;
    private Activation first;
    private Map<Scope, Activation> others;
    private byte[] derived;
    private String[] derivedErrors;
    /** Engine globals ({@code G}/{@code globals}) and the number of derived roles; set by the evaluator. */
    Map<String, Object> globals = Map.of();
    PolicySet.DerivedRole[] allDerivedRoles = new PolicySet.DerivedRole[0];

    /** A strict evaluation. */
    Evaluation(PrincipalContext principal, ResourceContext resource) {
        this(principal, resource, true);
    }

    Evaluation(PrincipalContext principal, ResourceContext resource, boolean strict) {
        this.principal = principal;
        this.resource = resource;
        this.strict = strict;
    }

    /** A fresh evaluation of the same request for another principal context (same globals). */
    Evaluation withPrincipal(PrincipalContext other) {
        Evaluation e = new Evaluation(other, resource, strict);
        e.globals = globals;
        e.allDerivedRoles = allDerivedRoles;
        return e;
    }

    Activation activation(Scope scope) {
        if (first == null) {
            first = new Activation(scope);
            return first;
        }
        if (first.scope == scope) {
            return first;
        }
        if (others == null) {
            others = new HashMap<>(4);
        }
        return others.computeIfAbsent(scope, Activation::new);
    }

    /** The state of a derived role for this principal and resource, evaluating it if needed. */
    byte derivedRole(PolicySet.DerivedRole role, int count) {
        if (derived == null) {
            derived = new byte[count];
        }
        byte state = derived[role.index];
        if (state != UNKNOWN) {
            return state;
        }
        if (!role.parentsMatch(principal.roles())) {
            state = INACTIVE;
        } else if (role.condition == null) {
            state = ACTIVE;
        } else {
            try {
                state = role.condition.test(activation(role.scope)) ? ACTIVE : INACTIVE;
            } catch (Condition.EvaluationError e) {
                state = FAILED;
                if (derivedErrors == null) {
                    derivedErrors = new String[count];
                }
                derivedErrors[role.index] = e.getMessage();
            }
        }
        derived[role.index] = state;
        return state;
    }

    String derivedRoleError(PolicySet.DerivedRole role) {
        return derivedErrors == null ? null : derivedErrors[role.index];
    }

    /** Names of derived roles found active so far. */
    Set<String> activeDerivedRoles(PolicySet.DerivedRole[] all) {
        if (derived == null) {
            return Set.of();
        }
        Set<String> out = null;
        for (int i = 0; i < derived.length; i++) {
            if (derived[i] == ACTIVE) {
                if (out == null) {
                    out = new LinkedHashSet<>();
                }
                out.add(all[i].name);
            }
        }
        return out == null ? Set.of() : out;
    }

    /** {@code runtime.effectiveDerivedRoles}: the derived roles the policy imports that are active. */
    private java.util.List<String> effectiveDerivedRoles(Scope scope) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (PolicySet.DerivedRole dr : scope.importedDerivedRoles) {
            if (derivedRole(dr, allDerivedRoles.length) == ACTIVE) {
                out.add(dr.name);
            }
        }
        return out;
    }

    static boolean intersects(Set<String> have, Set<String> wanted) {
        for (String r : have) {
            if (wanted.contains(r)) {
                return true;
            }
        }
        return false;
    }

    private Map<String, Object> request() {
        if (request == null) {
            request = Map.of("principal", principal.celView(), "resource", resource.celView(),
                    "auxData", Map.of("jwt", principal.auxDataJwt()));
        }
        return request;
    }

    /** Resolves the top-level CEL identifiers for conditions of one policy scope. */
    final class Activation implements CelVariableResolver {
        final Scope scope;
        private Variables variables;

        Activation(Scope scope) {
            this.scope = scope;
        }

        boolean strict() {
            return strict;
        }

        @Override
        public Optional<Object> find(String name) {
            switch (name) {
                case "P":
                    return Optional.of(principal.celView());
                case "R":
                    return Optional.of(resource.celView());
                case "request":
                    return Optional.of(request());
                case "V":
                case "variables":
                    if (variables == null) {
                        variables = new Variables(this);
                    }
                    return Optional.of(variables);
                case "C":
                case "constants":
                    return Optional.of(scope.constants);
                case "G":
                case "globals":
                    return Optional.of(globals);
                case "runtime":
                    return Optional.of(Map.of("effectiveDerivedRoles", effectiveDerivedRoles(scope)));
                default:
                    return Optional.empty();
            }
        }
    }

    /** {@code V}: a map whose values are computed on first access, then remembered. */
    private static final class Variables extends AbstractMap<String, Object> {
        private final Activation activation;
        private final Map<String, Object> values = new HashMap<>(8);

        Variables(Activation activation) {
            this.activation = activation;
        }

        @Override
        public boolean containsKey(Object key) {
            return activation.scope.variables.containsKey(key);
        }

        @Override
        public Object get(Object key) {
            Object v = values.get(key);
            if (v != null) {
                return v;
            }
            CelRuntime.Program p = activation.scope.variables.get(key);
            if (p == null) {
                return null;
            }
            try {
                v = p.eval(activation);
            } catch (CelEvaluationException e) {
                throw new Condition.EvaluationError("variable '" + key + "' of " + activation.scope.policy
                        + " failed: " + Condition.message(e));
            }
            values.put((String) key, v);
            return v;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Map<String, Object> all = new LinkedHashMap<>();
            for (String k : activation.scope.variables.keySet()) {
                all.put(k, get(k));
            }
            return all.entrySet();
        }
    }
}
