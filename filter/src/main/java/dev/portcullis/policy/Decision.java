package dev.portcullis.policy;

import java.util.List;
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
    private final List<Output> outputs;

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
        this.outputs = List.of();
        if (error != null && effect == Effect.ALLOW) {
            throw new IllegalArgumentException("a decision with an evaluation error must deny");
        }
    }

    private Decision(Decision d, List<Output> outputs) {
        this.action = d.action;
        this.effect = d.effect;
        this.policy = d.policy;
        this.rule = d.rule;
        this.activeDerivedRoles = d.activeDerivedRoles;
        this.error = d.error;
        this.outputs = outputs;
    }

    /** A copy carrying {@code outputs} (rule outputs, in evaluation order) instead of this one's. */
    public Decision withOutputs(List<Output> outputs) {
        List<Output> copy = outputs == null || outputs.isEmpty() ? List.of() : List.copyOf(outputs);
        return copy.equals(this.outputs) ? this : new Decision(this, copy);
    }

    /**
     * The values of the rule {@code output} expressions evaluated while deciding this action
     * ({@code output.when.ruleActivated} of a rule that matched, {@code conditionNotMet} of one whose
     * roles and action matched but whose condition did not), in evaluation order; empty when no
     * rule has outputs.
     */
    public List<Output> outputs() {
        return outputs;
    }

    /**
     * One rule output, as Cerbos reports it: {@code src} names the policy and rule
     * ({@code resource.document.vdefault#rule-001}), {@code val} is the value of the CEL
     * expression (String, Long, Double, Boolean, List, Map or null).
     *
     * <p>Thread safety: immutable when the value is.
     */
    public static final class Output {
        private final String source;
        private final Object value;

        /**
         * @param source policy and rule, {@code policy#rule}
         * @param value the expression's value
         */
        public Output(String source, Object value) {
            this.source = Objects.requireNonNull(source, "source");
            this.value = value;
        }

        /** The policy and rule that produced the output, {@code policy#rule}. */
        public String source() {
            return source;
        }

        /** The output value. */
        public Object value() {
            return value;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Output && source.equals(((Output) o).source)
                    && Objects.equals(value, ((Output) o).value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(source, value);
        }

        @Override
        public String toString() {
            return source + "=" + value;
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
                && Objects.equals(error, d.error) && outputs.equals(d.outputs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(action, effect, policy, rule, activeDerivedRoles, error);
    }

    @Override
    public String toString() {
        return "Decision{" + action + "=" + effect + ", policy=" + policy + ", rule=" + rule
                + (activeDerivedRoles.isEmpty() ? "" : ", derivedRoles=" + activeDerivedRoles)
                + (error == null ? "" : ", error=" + error)
                + (outputs.isEmpty() ? "" : ", outputs=" + outputs) + '}';
    }
}
