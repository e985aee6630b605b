package dev.portcullis.jaxrs;

/**
 * What {@link PortcullisFeature} does with a resource method that carries none of
 * {@code @RequiresPermission}, {@code @RolesAllowed}, {@code @PermitAll}, {@code @DenyAll}
 * anywhere: not on the method nor the methods it overrides or implements, not on its class or
 * supertypes, not on the sub-resource locators on the way to it. Set with the constructor or the setting
 * {@value PortcullisFeature#UNANNOTATED}.
 *
 * <p>Thread safety: immutable.
 */
public enum Unannotated {
    /** Refuse every request with 403 {@code access_denied}: the fail-closed choice. */
    DENY,
    /**
     * Require a valid bearer token of a principal the attribute store knows as active (the
     * default); no role or policy check.
     */
    AUTHENTICATED,
    /** Let every request through, with or without a token, like {@code @PermitAll}. */
    PERMIT
}
