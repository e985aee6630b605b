package dev.portcullis.it;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * The demo WAR's attribute store as a file-based H2 database under {@code it/target}, opened with
 * {@code AUTO_SERVER=TRUE} so that the server (which creates and seeds it at startup) and the test
 * share it: the test changes rows behind the application's back.
 *
 * <pre>{@code
 * DemoDatabase db = DemoDatabase.fresh("jetty");      // before the server starts
 * settings.attributesJdbcUrl(db.url());
 * ... start the server ...
 * db.addPrincipal(issuer, "erin", "admin");
 * db.setStatus(issuer, "erin", "DISABLED");
 * }</pre>
 *
 * <p>Thread safety: each call opens its own connection.
 */
public final class DemoDatabase {
    private static final Driver DRIVER = new org.h2.Driver();

    private final String url;

    private DemoDatabase(String url) {
        this.url = url;
    }

    /** A new, empty database location {@code it/target/<name>-db/demo} (any old files are deleted). */
    public static DemoDatabase fresh(String name) {
        Path dir = ItPaths.freshDirectory(name + "-db");
        return new DemoDatabase("jdbc:h2:file:" + dir.resolve("demo") + ";AUTO_SERVER=TRUE");
    }

    /** Whether the database file exists: the application created it (it does so at startup when it uses the store). */
    public boolean exists() {
        String file = url.substring("jdbc:h2:file:".length(), url.indexOf(';'));
        return java.nio.file.Files.exists(Path.of(file + ".mv.db"));
    }

    /** The JDBC URL for both the application and the test. */
    public String url() {
        return url;
    }

    public Connection connect() throws SQLException {
        // No user, as the demo WAR connects: H2's first connection defines the database's user.
        // The driver directly, not DriverManager: with embedded Tomcat, DriverManager may have
        // been initialised with the web application's copy of H2, which this class cannot use.
        Connection c = DRIVER.connect(url, new Properties());
        if (c == null) {
            throw new SQLException("H2 does not accept " + url);
        }
        return c;
    }

    /** Inserts an ACTIVE principal with roles. */
    public void addPrincipal(String issuer, String subject, String... roles) {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO portcullis_principal (issuer, subject, status, version) VALUES (?, ?, 'ACTIVE', 1)")) {
                p.setString(1, issuer);
                p.setString(2, subject);
                p.executeUpdate();
            }
            for (String role : roles) {
                try (PreparedStatement p = c.prepareStatement(
                        "INSERT INTO portcullis_principal_role (issuer, subject, role_name) VALUES (?, ?, ?)")) {
                    p.setString(1, issuer);
                    p.setString(2, subject);
                    p.setString(3, role);
                    p.executeUpdate();
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot add " + subject + " @ " + issuer + " to " + url + ": " + e, e);
        }
    }

    /** Sets a principal's status ({@code ACTIVE} or {@code DISABLED}) directly in the store. */
    public void setStatus(String issuer, String subject, String status) {
        update("UPDATE portcullis_principal SET status = ?, version = version + 1 WHERE issuer = ? AND subject = ?",
                List.of(status, issuer, subject));
    }

    /** Inserts a document of the demo's {@code demo_document} table. */
    public void addDocument(String id, String owner, String title) {
        update("INSERT INTO demo_document (id, owner, title, body) VALUES (?, ?, ?, ?)",
                List.of(id, owner, title, "Written by the integration test."));
    }

    /** Runs one statement; returns the update count. */
    public int update(String sql, List<Object> parameters) {
        try (Connection c = connect(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                p.setObject(i + 1, parameters.get(i));
            }
            return p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + " on " + url + ": " + e, e);
        }
    }

    /** The principal's status, or null when it has no row. */
    public String status(String issuer, String subject) {
        try (Connection c = connect(); PreparedStatement p = c.prepareStatement(
                "SELECT status FROM portcullis_principal WHERE issuer = ? AND subject = ?")) {
            p.setString(1, issuer);
            p.setString(2, subject);
            try (var rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + subject + " from " + url + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return url;
    }
}
