package dev.portcullis.policy;

import dev.portcullis.policy.internal.CelValues;
import dev.portcullis.policy.internal.LazyAttributes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What is asked about: the resource kind, the instance id, its attributes and the policy version
 * to apply. Policies see it as {@code request.resource} (alias {@code R}) with fields
 * {@code kind}, {@code id}, {@code attr}, {@code policyVersion} and {@code scope}, as Cerbos gives
 * them: as the request set them, {@code ""} when not set (lookup still uses the default version).
 *
 * <pre>{@code
 * ResourceContext r = ResourceContext.of("document", "42", resolver.resolve("document", "42"));
 * }</pre>
 *
 * <p>Thread safety: immutable (a {@link #lazy} context loads its attributes once, under a lock).
 */
public final class ResourceContext {
    private final String kind;
    private final String id;
    private final Map<String, Object> attr;
    private final String policyVersion;
    private final String scope;
    /** {@link #celView()}, made on first use: a role rule that decides never builds it. */
    private Map<String, Object> celView;

    private final String givenVersion;

    private ResourceContext(String kind, String id, Map<String, Object> attr, String policyVersion) {
        this(kind, id, attr, policyVersion, "", "");
    }

    private ResourceContext(String kind, String id, Map<String, Object> attr, String policyVersion,
                            String givenVersion, String scope) {
        this.givenVersion = givenVersion;
        this.kind = kind;
        this.id = id;
        this.attr = attr;
        this.policyVersion = policyVersion;
        this.scope = scope;
    }

    /**
     * A resource with the default policy version.
     *
     * @param kind the resource kind, not null
     * @param id the instance id; null means none (seen by policies as the empty string)
     * @param attr its attributes, null for none
     */
    public static ResourceContext of(String kind, String id, Map<String, ?> attr) {
        Objects.requireNonNull(kind, "resource kind");
        return new ResourceContext(kind, id == null ? "" : id, CelValues.attributes(attr),
                PrincipalContext.DEFAULT_VERSION);
    }

    /**
     * A resource with the default policy version whose attributes are loaded when a policy first
     * reads them ({@code R.attr}): {@code attributes} is called at most once, and not at all when
     * the decision does not need them (for example, a role rule matches before any condition is
     * tried). A failure of {@code attributes} is thrown to the reader; policies see it as an
     * expression error, so a caller should refuse the decision when the supplier failed.
     *
     * @param kind the resource kind, not null
     * @param id the instance id; null means none (seen by policies as the empty string)
     * @param attributes gives the attributes (null for none) when first read, not null
     */
    public static ResourceContext lazy(String kind, String id, Supplier<? extends Map<String, ?>> attributes) {
        Objects.requireNonNull(kind, "resource kind");
        Objects.requireNonNull(attributes, "attributes");
        return new ResourceContext(kind, id == null ? "" : id, new LazyAttributes(attributes),
                PrincipalContext.DEFAULT_VERSION);
    }

    /** A resource with no attributes. */
    public static ResourceContext of(String kind, String id) {
        return of(kind, id, null);
    }

    /** A copy that selects resource policies of {@code version}. */
    public ResourceContext withPolicyVersion(String version) {
        Objects.requireNonNull(version, "policyVersion");
        return new ResourceContext(kind, id, attr,
                version.isEmpty() ? PrincipalContext.DEFAULT_VERSION : version, version, scope);
    }

    /**
     * A copy whose resource policies are searched from {@code scope} (a dot-separated chain such
     * as {@code acme.hr.uk}) up to the root ({@code ""}). Policies see it as {@code R.scope}.
     *
     * @throws IllegalArgumentException when the scope is not valid (see
     *         {@link PrincipalContext#checkScope(String)})
     */
    public ResourceContext withScope(String scope) {
        return new ResourceContext(kind, id, attr, policyVersion, givenVersion, PrincipalContext.checkScope(scope));
    }

    /** The resource's scope, {@code ""} (root) when none was set. */
    public String scope() {
        return scope;
    }

    /** A copy with {@code more} attributes added over the present ones. */
    public ResourceContext withAttributes(Map<String, ?> more) {
        if (more == null || more.isEmpty()) {
            return this;
        }
        Map<String, Object> merged = new LinkedHashMap<>(attr);
        merged.putAll(CelValues.attributes(more));
        return new ResourceContext(kind, id, java.util.Collections.unmodifiableMap(merged),
                policyVersion, givenVersion, scope);
    }

    public String kind() {
        return kind;
    }

    public String id() {
        return id;
    }

    public Map<String, Object> attr() {
        return attr;
    }

    public String policyVersion() {
        return policyVersion;
    }

    /** The map policies see as {@code R} (read by the built-in evaluator). */
    public Map<String, Object> celView() {
        // racy single check: threads that race build equal immutable maps (final fields, safely published)
        Map<String, Object> view = celView;
        if (view == null) {
            view = Map.of("kind", kind, "id", id, "attr", attr, "policyVersion", givenVersion, "scope", scope);
            celView = view;
        }
        return view;
    }

    @Override
    public String toString() {
        boolean unread = attr instanceof LazyAttributes && !((LazyAttributes) attr).isLoaded();
        return "ResourceContext{kind=" + kind + ", id=" + id + ", attr=" + (unread ? "(not read)" : attr.keySet())
                + ", policyVersion=" + policyVersion + (scope.isEmpty() ? "" : ", scope=" + scope) + '}';
    }
}
