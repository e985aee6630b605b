package dev.portcullis.jaxrs;

import dev.portcullis.policy.ResourceResolver;

import java.util.Map;

/**
 * Test resource resolver: document 1 belongs to alice, document 2 to bob; document "broken"
 * stands for a resource store that is down.
 */
public final class DocumentOwners implements ResourceResolver {
    private static final Map<String, String> OWNERS = Map.of("1", "alice", "2", "bob");

    @Override
    public Map<String, Object> resolve(String kind, String id) {
        if ("broken".equals(id)) {
            throw new IllegalStateException("document store unavailable");
        }
        if ("tenant_doc".equals(kind) && TENANTS.containsKey(id)) {
            return Map.of("tenant", TENANTS.get(id));
        }
        String owner = "document".equals(kind) && id != null ? OWNERS.get(id) : null;
        return owner == null ? Map.of() : Map.of("owner", owner);
    }

    /** Tenant documents a1 (tenant t1) and b2 (tenant t2) are in scope {@code acme.<tenant>}; others unknown. */
    private static final Map<String, String> TENANTS = Map.of("a1", "t1", "b2", "t2");

    @Override
    public String scope(String kind, String id, Map<String, Object> attributes) {
        Object tenant = attributes.get("tenant");
        return tenant == null ? null : "acme." + tenant;
    }
}
