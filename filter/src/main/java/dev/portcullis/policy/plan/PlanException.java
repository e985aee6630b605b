package dev.portcullis.policy.plan;

/**
 * A policy construct cannot be planned, or a plan condition cannot be translated: the message
 * names the construct (and the policy and rule when known). A plan is never approximated, so the
 * application gets this exception rather than a filter that could admit a resource that
 * {@code decide} would deny.
 *
 * <pre>{@code
 * try {
 *     Plan plan = engine.plan(admitted, "document", "read");
 * } catch (PlanException e) {
 *     // fall back to deciding per row, or fix the policy
 * }
 * }</pre>
 *
 * <p>Thread safety: immutable.
 */
public final class PlanException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what cannot be planned or translated, and where */
    public PlanException(String message) {
        super(message);
    }
}
