package dev.portcullis.policy;

import dev.portcullis.policy.internal.CelValues;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who asks: the principal's id, roles, attributes and the policy version to apply. Policies see it
 * as {@code request.principal} (alias {@code P}) with fields {@code id}, {@code roles},
 * {@code attr} and {@code policyVersion}.
 *
 * <p>Attribute values are copied and converted once into the value model Cerbos gives conditions
 * (every number a {@code Double}, as JSON numbers are; collections to lists; {@code null} kept as
 * CEL's {@code null}), so a context built once per principal and cached can be reused for many
 * decisions.
 *
 * <pre>{@code
 * PrincipalContext p = PrincipalContext.of("alice", Set.of("admin"), Map.of("department", "sales"));
 * }</pre>
 *
 * <p>Thread safety: immutable.
 */
public final class PrincipalContext {
    /** The policy version used when none is given. */
    public static final String DEFAULT_VERSION = "default";

    private final String id;
    private final Set<String> roles;
    private final Map<String, Object> attr;
    private final String policyVersion;
    private final Map<String, Object> celView;

    private PrincipalContext(String id, Set<String> roles, Map<String, Object> attr,
                             String policyVersion) {
        this.id = id;
        this.roles = roles;
        this.attr = attr;
        this.policyVersion = policyVersion;
        this.celView = Map.of("id", id, "roles", Collections.unmodifiableList(new ArrayList<>(roles)),
                "attr", attr, "policyVersion", policyVersion);
    }

    /**
     * A principal with the {@linkplain #DEFAULT_VERSION default} policy version.
     *
     * @param id the principal id (subject), not null
     * @param roles its roles, not null (may be empty)
     * @param attr its attributes, null for none
     */
    public static PrincipalContext of(String id, Collection<String> roles, Map<String, ?> attr) {
        Objects.requireNonNull(id, "principal id");
        Objects.requireNonNull(roles, "principal roles");
        Set<String> r = new LinkedHashSet<>();
        for (String role : roles) {
            r.add(Objects.requireNonNull(role, "principal role"));
        }
        return new PrincipalContext(id, Collections.unmodifiableSet(r), CelValues.attributes(attr),
                DEFAULT_VERSION);
    }

    /** A principal with roles and no attributes. */
    public static PrincipalContext of(String id, Collection<String> roles) {
        return of(id, roles, null);
    }

    /** A copy that selects principal policies of {@code version}. */
    public PrincipalContext withPolicyVersion(String version) {
        Objects.requireNonNull(version, "policyVersion");
        return new PrincipalContext(id, roles, attr, version.isEmpty() ? DEFAULT_VERSION : version);
    }

    public String id() {
        return id;
    }

    public Set<String> roles() {
        return roles;
    }

    public Map<String, Object> attr() {
        return attr;
    }

    public String policyVersion() {
        return policyVersion;
    }

    /** The map policies see as {@code P} (read by the built-in evaluator). */
    public Map<String, Object> celView() {
        return celView;
    }

    @Override
    public String toString() {
        return "PrincipalContext{id=" + id + ", roles=" + roles + ", attr=" + attr.keySet()
                + ", policyVersion=" + policyVersion + '}';
    }
}
