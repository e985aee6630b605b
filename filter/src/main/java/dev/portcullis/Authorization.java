package dev.portcullis;

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

    public Authorization(String decisionId, String policy, String rule, List<String> derivedRoles) {
        this.decisionId = decisionId;
        this.policy = policy;
        this.rule = rule;
        this.derivedRoles = List.copyOf(derivedRoles);
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

    @Override
    public String toString() {
        return "Authorization[" + decisionId + " " + policy + "#" + rule + "]";
    }
}
