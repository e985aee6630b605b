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
 * {@code attr}, {@code policyVersion} and {@code scope}, as Cerbos gives them: the version and the
 * scope as the request set them, {@code ""} when not set (policies are still looked up under the
 * {@linkplain #DEFAULT_VERSION default} version and the root scope).
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
    private final String scope;
    private final Map<String, Object> auxDataJwt;
    private final Map<String, Object> celView;

    private final String givenVersion;

    private PrincipalContext(String id, Set<String> roles, Map<String, Object> attr,
                             String policyVersion) {
        this(id, roles, attr, policyVersion, "", "", Map.of());
    }

    private PrincipalContext(String id, Set<String> roles, Map<String, Object> attr, String policyVersion,
                             String givenVersion, String scope, Map<String, Object> auxDataJwt) {
        this.givenVersion = givenVersion;
        this.id = id;
        this.roles = roles;
        this.attr = attr;
        this.policyVersion = policyVersion;
        this.scope = scope;
        this.auxDataJwt = auxDataJwt;
        this.celView = Map.of("id", id, "roles", Collections.unmodifiableList(new ArrayList<>(roles)),
                "attr", attr, "policyVersion", givenVersion, "scope", scope);
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
        return new PrincipalContext(id, roles, attr, version.isEmpty() ? DEFAULT_VERSION : version, version, scope,
                auxDataJwt);
    }

    /**
     * A copy whose principal policies are searched from {@code scope} up to the root (Cerbos scoped
     * policies: a dot-separated chain such as {@code acme.hr.uk}); the empty string is the root.
     * Policies see it as {@code P.scope}.
     *
     * @throws IllegalArgumentException when the scope is not a valid dot-separated name
     */
    public PrincipalContext withScope(String scope) {
        return new PrincipalContext(id, roles, attr, policyVersion, givenVersion, checkScope(scope), auxDataJwt);
    }

    /**
     * A copy carrying the verified token's claims that policies see as {@code request.auxData.jwt}
     * (only the claims hygiene let through should be passed).
     */
    public PrincipalContext withAuxDataJwt(Map<String, ?> claims) {
        return new PrincipalContext(id, roles, attr, policyVersion, givenVersion, scope, CelValues.attributes(claims));
    }

    /** The principal's scope, {@code ""} (root) when none was set. */
    public String scope() {
        return scope;
    }

    /** The claims policies see as {@code request.auxData.jwt}; empty when none were set. */
    public Map<String, Object> auxDataJwt() {
        return auxDataJwt;
    }

    /**
     * Checks a Cerbos scope: empty (root), or dot-separated segments of letters, digits, {@code _}
     * and {@code -}; a lone {@code "."} also means the root, as in Cerbos requests.
     *
     * @return the scope, {@code "."} mapped to {@code ""}
     * @throws IllegalArgumentException naming the bad scope
     */
    public static String checkScope(String scope) {
        Objects.requireNonNull(scope, "scope");
        if (scope.isEmpty() || scope.equals(".")) {
            return "";
        }
        if (!SCOPE.matcher(scope).matches()) {
            throw new IllegalArgumentException("not a valid scope (dot-separated names of letters, digits, "
                    + "'_' or '-'): '" + scope + "'");
        }
        return scope;
    }

    private static final java.util.regex.Pattern SCOPE =
            java.util.regex.Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    public String id() {
        return id;
    }

    public Set<String> roles() {
        return roles;
    }

    public Map<String, Object> attr() {
        return attr;
    }

    /** The version policies are looked up under: the one set, else {@link #DEFAULT_VERSION}. */
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
                + ", policyVersion=" + policyVersion + (scope.isEmpty() ? "" : ", scope=" + scope) + '}';
    }
}
