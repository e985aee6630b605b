package dev.portcullis;

import java.util.Objects;

/**
 * A refusal: the request is not allowed to proceed, for a stable {@link Reason}.
 *
 * <p>{@link #getMessage()} carries a detail meant for the server log only (it may name a claim or
 * a key id, never the token). Clients see {@link Reason#title()} and the reason code. No stack
 * trace is captured: refusals are ordinary outcomes, and an attacker must not be able to make
 * them expensive.
 *
 * <p>Thread safety: immutable.
 */
public class PortcullisException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Reason reason;
    private final long retryAfterSeconds;
    private final String clientDescription;
    private final String decisionId;

    public PortcullisException(Reason reason, String detail) {
        this(reason, detail, null, 0);
    }

    public PortcullisException(Reason reason, String detail, Throwable cause) {
        this(reason, detail, cause, 0);
    }

    public PortcullisException(Reason reason, String detail, Throwable cause, long retryAfterSeconds) {
        this(reason, detail, cause, retryAfterSeconds, null);
    }

    /**
     * @param clientDescription a description safe to show the client (it must not contain token
     *        contents, claim values or internals); null for the reason's generic title
     */
    public PortcullisException(Reason reason, String detail, Throwable cause, long retryAfterSeconds,
                               String clientDescription) {
        this(reason, detail, cause, retryAfterSeconds, clientDescription, null);
    }

    /**
     * @param decisionId the id of the decision-log record for a policy refusal, or null
     */
    public PortcullisException(Reason reason, String detail, Throwable cause, long retryAfterSeconds,
                               String clientDescription, String decisionId) {
        super(detail, cause, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.retryAfterSeconds = retryAfterSeconds;
        this.clientDescription = clientDescription;
        this.decisionId = decisionId;
    }

    /** The decision id of a policy refusal (also in the decision log), or null. */
    public String decisionId() {
        return decisionId;
    }

    /** The description the client may see: a specific safe text, or the reason's generic title. */
    public String clientDescription() {
        return clientDescription != null ? clientDescription : reason.title();
    }

    /** Why the request was refused. */
    public Reason reason() {
        return reason;
    }

    /** For 503 answers: how many seconds the client should wait; 0 when not applicable. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
