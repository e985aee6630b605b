package dev.portcullis.attributes;

/**
 * The state of a principal in the attribute store.
 *
 * <p>Only {@link #ACTIVE} principals may be authorized; {@link #DISABLED} maps to
 * {@link dev.portcullis.Reason#PRINCIPAL_DISABLED} and {@link #UNKNOWN} (the store has no row for
 * the subject) to {@link dev.portcullis.Reason#PRINCIPAL_UNKNOWN}, both 403.
 *
 * <p>Thread safety: immutable.
 */
public enum PrincipalStatus {
    /** The principal exists and may be authorized. */
    ACTIVE,
    /** The principal exists but is disabled; every request is refused. */
    DISABLED,
    /** The store does not know the principal; every request is refused. */
    UNKNOWN
}
