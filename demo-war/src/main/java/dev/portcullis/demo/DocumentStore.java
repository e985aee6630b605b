package dev.portcullis.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo's database, at the URL the filter and the seeding listener also use, through one
 * HikariCP pool per URL: the resources and {@link DemoDocumentResolver} share it, so a request does
 * not open a database connection (the filter's JDBC attribute store has its own pool). The pools
 * are closed by {@link DemoDatabase} when the application stops.
 */
final class DocumentStore {
    private static final Map<String, HikariDataSource> POOLS = new ConcurrentHashMap<>();

    private final HikariDataSource pool;

    DocumentStore(String url) {
        this.pool = POOLS.computeIfAbsent(url, DocumentStore::open);
    }

    private static HikariDataSource open(String url) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("demo-documents");
        config.setJdbcUrl(url);
        if (url.startsWith("jdbc:h2:")) {
            config.setDriverClassName("org.h2.Driver"); // the bundled driver, whatever DriverManager saw first
        }
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(1);
        return new HikariDataSource(config);
    }

    Connection connect() throws SQLException {
        return pool.getConnection();
    }

    /** Closes every pool this application opened. */
    static void closeAll() {
        POOLS.values().forEach(HikariDataSource::close);
        POOLS.clear();
    }
}
