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
        String owner = "document".equals(kind) && id != null ? OWNERS.get(id) : null;
        return owner == null ? Map.of() : Map.of("owner", owner);
    }
}
