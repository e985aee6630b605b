package dev.portcullis.policy;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The answer for one action: its {@link Effect}, which policy and rule decided it, the derived
 * roles found active while deciding, and the evaluation error if one forced a denial.
 *
 * <p>When no rule matched, {@link #rule()} is {@link #NO_MATCHING_RULE} and the effect is
 * {@link Effect#DENY}. When no policy applied, {@link #policy()} is empty.
 *
 * <pre>{@code
 * Decision d = evaluator.decide(principal, resource, List.of("read")).get(0);
 * if (!d.isAllowed()) { log.info("denied by {} / {}", d.policy().orElse("-"), d.rule()); }
 * }</pre>
 *
 * <p>Thread safety: immutable.
 */
public final class Decision {
    /** The {@link #rule()} of a decision no rule matched (a default denial). */
    public static final String NO_MATCHING_RULE = "no matching rule";

    private final String action;
    private final Effect effect;
    private final String policy;
    private final String rule;
    private final Set<String> activeDerivedRoles;
    private final String error;

    /**
     * @param action the action decided
     * @param effect the effect
     * @param policy the name of the deciding policy, or null when none applied
     * @param rule the deciding rule's name, or {@link #NO_MATCHING_RULE}
     * @param activeDerivedRoles derived roles found active (copied)
     * @param error the evaluation error that forced a denial, or null
     */
    public Decision(String action, Effect effect, String policy, String rule,
                    Set<String> activeDerivedRoles, String error) {
        this.action = Objects.requireNonNull(action, "action");
        this.effect = Objects.requireNonNull(effect, "effect");
        this.policy = policy;
        this.rule = rule == null ? NO_MATCHING_RULE : rule;
        this.activeDerivedRoles = activeDerivedRoles == null || activeDerivedRoles.isEmpty()
                ? Set.of() : Set.copyOf(activeDerivedRoles);
        this.error = error;
        if (error != null && effect == Effect.ALLOW) {
            throw new IllegalArgumentException("a decision with an evaluation error must deny");
        }
    }

    /** A default denial: no policy, no matching rule. */
    public static Decision defaultDeny(String action) {
        return new Decision(action, Effect.DENY, null, NO_MATCHING_RULE, Set.of(), null);
    }

    /** A denial caused by an evaluation error (fail closed). */
    public static Decision error(String action, String policy, String rule, String error) {
        return new Decision(action, Effect.DENY, policy, rule, Set.of(),
                Objects.requireNonNull(error, "error"));
    }

    public String action() {
        return action;
    }

    public Effect effect() {
        return effect;
    }

    /** True when the effect is {@link Effect#ALLOW}. */
    public boolean isAllowed() {
        return effect == Effect.ALLOW;
    }

    /** The deciding policy, e.g. {@code resource.document.vdefault}; empty when none applied. */
    public Optional<String> policy() {
        return Optional.ofNullable(policy);
    }

    /** The deciding rule's name (its {@code name}, else {@code rule-NNN}), or {@link #NO_MATCHING_RULE}. */
    public String rule() {
        return rule;
    }

    /** Derived roles found active for the principal while deciding this action. */
    public Set<String> activeDerivedRoles() {
        return activeDerivedRoles;
    }

    /** The evaluation error that forced this denial, if any. */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Decision)) {
            return false;
        }
        Decision d = (Decision) o;
        return action.equals(d.action) && effect == d.effect && Objects.equals(policy, d.policy)
                && rule.equals(d.rule) && activeDerivedRoles.equals(d.activeDerivedRoles)
                && Objects.equals(error, d.error);
    }

    @Override
    public int hashCode() {
        return Objects.hash(action, effect, policy, rule, activeDerivedRoles, error);
    }

    @Override
    public String toString() {
        return "Decision{" + action + "=" + effect + ", policy=" + policy + ", rule=" + rule
                + (activeDerivedRoles.isEmpty() ? "" : ", derivedRoles=" + activeDerivedRoles)
                + (error == null ? "" : ", error=" + error) + '}';
    }
}
