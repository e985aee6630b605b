package dev.portcullis;

import dev.portcullis.policy.Decision;

import java.util.List;

/**
 * A positive authorization decision: which policy rule allowed the action, under which decision
 * id (also written to the decision log). Refusals are {@link PortcullisException}s.
 *
 * <p>Thread safety: immutable.
 */
public final class Authorization {
    private final String decisionId;
    private final String policy;
    private final String rule;
    private final List<String> derivedRoles;
    private final List<Decision.Output> outputs;

    public Authorization(String decisionId, String policy, String rule, List<String> derivedRoles) {
        this(decisionId, policy, rule, derivedRoles, List.of());
    }

    /**
     * @param outputs the rule outputs evaluated for the decision ({@link Decision#outputs()})
     */
    public Authorization(String decisionId, String policy, String rule, List<String> derivedRoles,
                         List<Decision.Output> outputs) {
        this.decisionId = decisionId;
        this.policy = policy;
        this.rule = rule;
        this.derivedRoles = List.copyOf(derivedRoles);
        this.outputs = List.copyOf(outputs);
    }

    public String decisionId() {
        return decisionId;
    }

    /** The policy that allowed, or null when no policy was consulted (authentication-only). */
    public String policy() {
        return policy;
    }

    public String rule() {
        return rule;
    }

    public List<String> derivedRoles() {
        return derivedRoles;
    }

    /**
     * The policy rule outputs of the allowing decision (Cerbos {@code output}), in evaluation
     * order; empty when no rule has outputs. The servlet filter publishes this authorization as
     * the request attribute {@value Portcullis#AUTHORIZATION_ATTRIBUTE}, the JAX-RS feature as the
     * request property of the same name.
     */
    public List<Decision.Output> outputs() {
        return outputs;
    }

    @Override
    public String toString() {
        return "Authorization[" + decisionId + " " + policy + "#" + rule + "]";
    }
}
