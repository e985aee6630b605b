package dev.portcullis.policy;

import java.util.Map;

/**
 * Looks up the attributes of a resource instance (its owner, department, status...) so policies
 * can decide on them (attribute-based access control).
 *
 * <p>The engine calls {@link #resolve(String, String)} at most once per resource per request, and
 * only when the decision reads the attributes: a policy condition, derived role, output or schema
 * that reads {@code R.attr}, or this resolver's own {@link #scope}. A rule that decides without them
 * (a role rule that matches before any condition is tried) costs no call. When the call throws
 * where the attributes were needed, the request is refused as unavailable (503), never decided
 * without them. Implementations should not rely on being called again within one request, and may
 * themselves cache across requests if the data allows.
 * Returned maps should hold JSON-like values: String, Boolean, Number, List, Map.
 *
 * <pre>{@code
 * ResourceResolver documents = (kind, id) -> Map.of("owner", repository.ownerOf(id));
 * }</pre>
 *
 * <p>Thread safety: implementations must be safe for concurrent use.
 */
@FunctionalInterface
public interface ResourceResolver {
    /** A resolver that knows no attributes: every resource has an empty attribute map. */
    ResourceResolver NONE = (kind, id) -> Map.of();

    /**
     * The attributes of resource {@code id} of kind {@code kind}; an empty map when it has none.
     * Throw to signal the store is unavailable; callers then fail closed.
     *
     * @param kind the resource kind, e.g. {@code document}
     * @param id the resource id, possibly null for collection-level actions
     */
    Map<String, Object> resolve(String kind, String id);

    /**
     * The Cerbos scope of the resource (for example its tenant, {@code acme.hr}), from the
     * attributes {@link #resolve} returned; null (the default) when the resolver does not know it.
     * A scope given here is authoritative: when the route or annotation also names a scope and the
     * two differ, the request is denied (a path cannot move a resource into another tenant's
     * policies). The value must be a valid scope ({@link PrincipalContext#checkScope(String)}).
     *
     * @param kind the resource kind
     * @param id the resource id, possibly null
     * @param attributes what {@link #resolve} returned for it
     */
    default String scope(String kind, String id, Map<String, Object> attributes) {
        return null;
    }
}
