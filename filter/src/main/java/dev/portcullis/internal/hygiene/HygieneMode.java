package dev.portcullis.internal.hygiene;

/**
 * What {@link ClaimHygiene} does with a claim of a forbidden category.
 *
 * <p>Thread safety: immutable.
 */
public enum HygieneMode {
    /** Refuse the token with {@link dev.portcullis.Reason#FORBIDDEN_CLAIMS}. */
    ENFORCE,
    /**
     * Let the request proceed, log one WARN line naming the category and claim names (never
     * values), count it, and withhold the claims from the application.
     */
    REPORT,
    /** Treat the category like any other claim. */
    OFF
}
