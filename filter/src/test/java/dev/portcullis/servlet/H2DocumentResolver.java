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
 * A resource resolver as an application would write one: document owners from the same database
 * as the attribute store. Configured by class name through {@code portcullis.resource-resolver}.
 */
public final class H2DocumentResolver implements ResourceResolver {
    private final String url;

    public H2DocumentResolver(Settings settings) {
        this.url = settings.require("portcullis.attributes.jdbc.url");
    }

    @Override
    public Map<String, Object> resolve(String kind, String id) {
        if (!"document".equals(kind)) {
            return Map.of();
        }
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT owner FROM doc WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Map.of("owner", rs.getString(1)) : Map.of();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("document store failed", e);
        }
    }
}
