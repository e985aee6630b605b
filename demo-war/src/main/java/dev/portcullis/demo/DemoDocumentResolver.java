package dev.portcullis.demo;

import dev.portcullis.config.Settings;
import dev.portcullis.policy.ResourceResolver;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * Resource attributes for the demo's policies: a document's {@code owner}, so that the policy's
 * owner condition ({@code R.attr.owner == P.id}) can decide reads and updates. Registered with the filter
 * init-param {@code portcullis.resource-resolver}. Connections come from the pool the resources use
 * ({@link DocumentStore}); the engine asks only when a policy reads {@code R.attr}.
 */
public final class DemoDocumentResolver implements ResourceResolver {
    private final DocumentStore store;

    public DemoDocumentResolver(Settings settings) {
        this.store = new DocumentStore(settings.require(DemoDatabase.URL));
    }

    @Override
    public Map<String, Object> resolve(String kind, String id) {
        if (!"document".equals(kind)) {
            return Map.of();
        }
        try (Connection c = store.connect();
             PreparedStatement ps = c.prepareStatement("SELECT owner FROM demo_document WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Map.of("owner", rs.getString(1)) : Map.of();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("document store failed: " + e.getMessage(), e);
        }
    }
}
