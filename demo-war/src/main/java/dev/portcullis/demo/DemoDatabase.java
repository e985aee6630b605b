package dev.portcullis.demo;

import dev.portcullis.config.SettingNames;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.ServiceLoader;

/**
 * Creates and seeds the demo database before the Portcullis filter starts: Portcullis' shipped
 * attribute schema, four users (alice and bob admins, carol viewer, dave editor) and a few
 * documents. The database is the one named by {@code portcullis.attributes.jdbc.url} — the same
 * setting the filter reads, so an external database can be used with
 * {@code PORTCULLIS_ATTRIBUTES_JDBC_URL}. An already seeded database is left as it is.
 */
public final class DemoDatabase implements ServletContextListener {
    /** The setting both this listener and the filter read. */
    static final String URL = SettingNames.ATTRIBUTES_JDBC_URL;

    /** Keeps an in-memory database alive for as long as the application runs. */
    private Connection keepAlive;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        String url = DemoSettings.get(event.getServletContext(), URL, null);
        if (url == null) {
            throw new IllegalStateException(URL + " is not set");
        }
        registerBundledDrivers();
        try {
            keepAlive = DriverManager.getConnection(url);
            if (!seeded(keepAlive)) {
                run(keepAlive, resource("/dev/portcullis/attributes/schema.sql"));
                run(keepAlive, resource("/demo/seed.sql"));
                event.getServletContext().log("demo database seeded at " + url.replaceAll(";.*", ""));
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot prepare the demo database at " + url + ": " + e.getMessage(), e);
        }
    }

    /**
     * Registers the JDBC drivers packaged in this application (WEB-INF/lib) with DriverManager.
     * They register themselves only if DriverManager is first used with this application's class
     * loader; a standalone Tomcat uses it at startup (and any other application in the same JVM
     * may), after which "No suitable driver" is all the application gets. The filter's pool and
     * the document store find the drivers registered here.
     */
    private static void registerBundledDrivers() {
        ClassLoader own = DemoDatabase.class.getClassLoader();
        for (Driver driver : ServiceLoader.load(Driver.class, own)) {
            if (driver.getClass().getClassLoader() == own) {
                try {
                    DriverManager.registerDriver(driver);
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot register JDBC driver " + driver.getClass().getName(), e);
                }
            }
        }
    }

    /** Deregisters the drivers this application registered, so that it can be unloaded. */
    private static void deregisterBundledDrivers(ServletContextEvent event) {
        ClassLoader own = DemoDatabase.class.getClassLoader();
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (driver.getClass().getClassLoader() == own) {
                try {
                    DriverManager.deregisterDriver(driver);
                } catch (SQLException e) {
                    event.getServletContext().log("cannot deregister " + driver.getClass().getName() + ": " + e);
                }
            }
        }
    }

    private static boolean seeded(Connection c) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(null, null, "DEMO_DOCUMENT", null)) {
            if (rs.next()) {
                return true;
            }
        }
        try (ResultSet rs = c.getMetaData().getTables(null, null, "demo_document", null)) {
            return rs.next();
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DemoDatabase.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " not found");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void run(Connection c, String script) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String statement : script.split(";\\s*(\\n|$)")) {
                String sql = statement.replaceAll("(?m)^\\s*--.*$", "").trim();
                if (!sql.isEmpty()) {
                    s.execute(sql);
                }
            }
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (keepAlive != null) {
            try {
                keepAlive.close();
            } catch (SQLException e) {
                event.getServletContext().log("closing the demo database failed: " + e.getMessage());
            }
        }
        DocumentStore.closeAll();
        deregisterBundledDrivers(event);
    }
}
