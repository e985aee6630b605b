package dev.portcullis.policy;

import java.util.Locale;

/**
 * What a condition that fails at run time (a missing attribute, {@code %} on a number that came
 * as a double, a malformed IP address...) does to a decision. Cerbos offers both modes (its engine
 * setting {@code strictEvaluation}); Portcullis's filter defaults to {@link #STRICT}.
 *
 * <pre>{@code
 * PolicyEvaluator policies = CerbosPolicyEvaluator.builder().directory(dir)
 *         .evaluationMode(EvaluationMode.LENIENT).build();
 * }</pre>
 *
 * <p>Thread safety: immutable.
 */
public enum EvaluationMode {
    /**
     * Fail closed, as Portcullis always did: a deny rule whose condition fails denies (whatever
     * other rules say); an allow rule whose condition fails does not allow, and when no other rule
     * allows, the denial carries the error. A failing variable or derived role fails the conditions
     * and rules that use it. Close to Cerbos with {@code engine.strictEvaluation: true}, whose
     * documentation goes further (any failing rule denies the actions it applies to; a failing
     * imported derived role denies every action of the importing policy).
     */
    STRICT,
    /**
     * Cerbos's default: the erroring expression is not satisfied and evaluation carries on, so a
     * deny rule whose condition fails does not deny, {@code all.of} is false, {@code any.of} and
     * {@code none.of} go on to their other members.
     */
    LENIENT;

    /** The setting value: {@code strict} or {@code lenient}. */
    public String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a setting value, {@code strict} or {@code lenient} (any case, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static EvaluationMode fromSettingValue(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (EvaluationMode m : values()) {
            if (m.settingValue().equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("must be 'strict' or 'lenient', was '" + value + "'");
    }
}
