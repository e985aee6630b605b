package dev.portcullis.internal;

/**
 * What the servlet filter hands to the JAX-RS adapter of the same request, beside the public
 * {@code Portcullis.ENGINE_ATTRIBUTE} and {@code Portcullis.IDENTITY_ATTRIBUTE}.
 *
 * <p>Not part of the public API: it may change in any release.
 */
public final class AdapterHandoff {
    /**
     * Request attribute: the servlet filter's admitting {@code Outcome} for this dispatch, made by
     * the engine in {@code Portcullis.ENGINE_ATTRIBUTE}. The filter removes it when it sets that
     * attribute and sets it only when it admits, so the two always belong to the same filter and
     * dispatch. The JAX-RS adapter continues from it instead of deciding the authentication step
     * again: the same token, already verified, and the principal's attributes of a moment ago.
     */
    public static final String OUTCOME_ATTRIBUTE = "dev.portcullis.internal.outcome";

    private AdapterHandoff() {
    }
}
