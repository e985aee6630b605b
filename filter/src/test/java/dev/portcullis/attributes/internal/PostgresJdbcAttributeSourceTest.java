package dev.portcullis.attributes.internal;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/** The JDBC contract on a real PostgreSQL server (see {@link PostgresServer}). */
class PostgresJdbcAttributeSourceTest extends JdbcAttributeSourceContract {
    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();

    @Override
    Connection connect() throws SQLException {
        return POSTGRES.connect();
    }

    @Override
    DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(POSTGRES.jdbcUrl());
        ds.setUser(POSTGRES.user());
        ds.setPassword(POSTGRES.password());
        return ds;
    }

    @Override
    String jdbcUrl() {
        return POSTGRES.jdbcUrl();
    }

    @Override
    String user() {
        return POSTGRES.user();
    }

    @Override
    String password() {
        return POSTGRES.password();
    }

    @Override
    String slowPrincipalQuery() {
        return "SELECT 'ACTIVE' FROM (SELECT pg_sleep(5)) s WHERE CAST(:subject AS text) IS NOT NULL";
    }

    @Override
    String unreachableUrl() {
        return "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1";
    }
}
