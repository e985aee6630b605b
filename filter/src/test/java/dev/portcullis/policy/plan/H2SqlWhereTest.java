package dev.portcullis.policy.plan;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The {@link SqlWhere} contract on H2 (in memory). */
class H2SqlWhereTest extends SqlWhereContract {
    @Override
    Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:h2:mem:sql-where;DB_CLOSE_DELAY=-1");
    }
}
