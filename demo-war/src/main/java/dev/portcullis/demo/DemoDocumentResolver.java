package dev.portcullis.demo;

import dev.portcullis.config.Settings;
import dev.portcullis.policy.ResourceResolver;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * Resource attributes for the demo's policies: a document's {@code owner}, so that the policy's
 * owner condition ({@code R.attr.owner == P.id}) can decide updates. Registered with the filter
 * init-param {@code portcullis.resource-resolver}.
 */
public final class DemoDocumentResolver implements ResourceResolver {
    private final String url;

    public DemoDocumentResolver(Settings settings) {
        this.url = settings.require(DemoDatabase.URL);
    }

    @Override
    public Map<String, Object> resolve(String kind, String id) {
        if (!"document".equals(kind)) {
            return Map.of();
        }
        try (Connection c = DriverManager.getConnection(url);
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
