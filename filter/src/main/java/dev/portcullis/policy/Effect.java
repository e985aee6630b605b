package dev.portcullis.policy;

/**
 * The effect of a policy decision. Names follow the Cerbos policy language ({@code EFFECT_ALLOW},
 * {@code EFFECT_DENY}); {@link #cerbosName()} gives that spelling.
 *
 * <p>Thread safety: immutable.
 */
public enum Effect {
    /** The action is permitted. */
    ALLOW,
    /** The action is refused; also the answer when nothing matched or evaluation failed. */
    DENY;

    /** The spelling used in policy and test files: {@code EFFECT_ALLOW} or {@code EFFECT_DENY}. */
    public String cerbosName() {
        return "EFFECT_" + name();
    }

    /**
     * Parses {@code EFFECT_ALLOW} / {@code EFFECT_DENY} (the policy file spelling).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Effect fromCerbosName(String name) {
        if ("EFFECT_ALLOW".equals(name)) {
            return ALLOW;
        }
        if ("EFFECT_DENY".equals(name)) {
            return DENY;
        }
        throw new IllegalArgumentException("effect must be EFFECT_ALLOW or EFFECT_DENY, was '" + name + "'");
    }
}
