package dev.portcullis.attributes.internal;

import static dev.portcullis.attributes.internal.JdbcAttributeSource.JNDI;
import static dev.portcullis.attributes.internal.JdbcAttributeSource.URL;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.portcullis.config.ConfigurationException;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Where a {@link JdbcAttributeSource} gets its connections: a JNDI name, looked up once (the
 * container owns the DataSource), or a JDBC URL, for which a HikariCP pool is created that the
 * source owns and closes. A database that is down at startup does not stop deployment: the pool
 * starts anyway and loads fail until the database is back.
 *
 * <p>Thread safety: stateless.
 */
final class JdbcDataSources {
    /** A data source, the pool to close with the source (null if not owned), and a description for messages. */
    record Opened(DataSource dataSource, HikariDataSource ownedPool, String description) {
    }

    private JdbcDataSources() {
    }

    /**
     * Looks up {@code jndiName}.
     *
     * @throws ConfigurationException naming {@value JdbcAttributeSource#JNDI} if the lookup fails
     *     or finds no DataSource
     */
    static Opened lookup(String jndiName) {
        Object found;
        try {
            found = new InitialContext().lookup(jndiName);
        } catch (NamingException e) {
            throw new ConfigurationException(JNDI, "JNDI lookup of '" + jndiName + "' failed: "
                    + e.getMessage(), e);
        }
        if (!(found instanceof DataSource)) {
            throw new ConfigurationException(JNDI, "'" + jndiName + "' is not a DataSource but "
                    + (found == null ? "null" : found.getClass().getName()));
        }
        return new Opened((DataSource) found, null, "JNDI " + jndiName);
    }

    /**
     * A read-only HikariCP pool for {@code jdbcUrl}, owned by the caller.
     *
     * @throws ConfigurationException naming {@value JdbcAttributeSource#URL} if the pool cannot be created
     */
    static Opened pool(String jdbcUrl, String username, String password, int poolSize, Duration queryTimeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("portcullis-attributes");
        config.setJdbcUrl(jdbcUrl);
        String driver = bundledDriverFor(jdbcUrl);
        if (driver != null) {
            config.setDriverClassName(driver);
        }
        config.setUsername(username);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(1, poolSize));
        config.setReadOnly(true);
        config.setConnectionTimeout(Math.max(250, queryTimeout.toMillis()));
        config.setInitializationFailTimeout(-1); // a database down at startup must not stop deployment
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new ConfigurationException(URL, "cannot create a connection pool for '" + jdbcUrl
                    + "': " + e.getMessage(), e);
        }
        return new Opened(pool, pool, "pool " + jdbcUrl);
    }

    /**
     * The class of a JDBC driver that the application's class loader bundles (for example in
     * {@code WEB-INF/lib}) and that accepts the URL. {@code DriverManager} only knows drivers
     * registered through the class loader that first used it, which in a servlet container is
     * often the container's: Tomcat then answers "No suitable driver" for a driver in the WAR.
     * Naming the class lets the pool load it from the application's class loader.
     */
    private static String bundledDriverFor(String url) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = JdbcAttributeSource.class.getClassLoader();
        }
        try {
            for (Driver d : ServiceLoader.load(Driver.class, loader)) {
                try {
                    if (d.acceptsURL(url)) {
                        return d.getClass().getName();
                    }
                } catch (SQLException e) {
                    // this driver cannot judge the URL: try the next
                }
            }
        } catch (ServiceConfigurationError e) {
            return null; // a broken driver jar: let the pool use DriverManager as usual
        }
        return null;
    }
}
