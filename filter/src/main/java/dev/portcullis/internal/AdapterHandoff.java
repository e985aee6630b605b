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
    /**
     * Request attribute: the path the servlet filter decided this dispatch on (the dispatched path
     * within the web application: decoded, normalised, without parameters), set for every dispatch
     * it lets through, public or decided. The JAX-RS adapter records this path, so that one request
     * has one path in the decision log whichever adapter decided it; without a filter in front it
     * records the request URI's path, context path included (JAX-RS does not know the context path).
     */
    public static final String PATH_ATTRIBUTE = "dev.portcullis.internal.path";

    private AdapterHandoff() {
    }
}
