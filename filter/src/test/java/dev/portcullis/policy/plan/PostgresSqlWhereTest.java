package dev.portcullis.policy.plan;

import dev.portcullis.attributes.internal.PostgresServer;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;

/** The {@link SqlWhere} contract on a real PostgreSQL server (see {@link PostgresServer}). */
class PostgresSqlWhereTest extends SqlWhereContract {
    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();

    @Override
    Connection connect() throws SQLException {
        return POSTGRES.connect();
    }
}
