package dev.portcullis.servlet;

import dev.portcullis.config.Settings;
import dev.portcullis.policy.ResourceResolver;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * A multi-tenant application's resolver: documents carry their tenant, and the resolver reports
 * it as the resource's Cerbos scope ({@code acme.<tenant>}). Notes have no tenant column, so their
 * scope comes from the route.
 */
public final class H2TenantDocumentResolver implements ResourceResolver {
    private final String url;

    public H2TenantDocumentResolver(Settings settings) {
        this.url = settings.require("portcullis.attributes.jdbc.url");
    }

    @Override
    public Map<String, Object> resolve(String kind, String id) {
        if (!"tdoc".equals(kind)) {
            return Map.of();
        }
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT owner, tenant FROM tdoc WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Map.of("owner", rs.getString(1), "tenant", rs.getString(2)) : Map.of();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("document store failed", e);
        }
    }

    @Override
    public String scope(String kind, String id, Map<String, Object> attributes) {
        Object tenant = attributes.get("tenant");
        return tenant == null ? null : "acme." + tenant;
    }
}
