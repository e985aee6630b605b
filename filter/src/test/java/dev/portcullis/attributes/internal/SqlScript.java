package dev.portcullis.attributes.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Runs a plain SQL script (one statement per ';', {@code --} comments) from the class path. */
final class SqlScript {
    static final String SCHEMA = "dev/portcullis/attributes/schema.sql";

    private SqlScript() {
    }

    static void run(Connection c, String resource) throws SQLException, IOException {
        String text;
        try (InputStream in = SqlScript.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no resource " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder sql = new StringBuilder();
        for (String line : text.split("\n")) {
            int comment = line.indexOf("--");
            sql.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        try (Statement st = c.createStatement()) {
            for (String statement : sql.toString().split(";")) {
                if (!statement.isBlank()) {
                    st.execute(statement.trim());
                }
            }
        }
    }

    static void dropSchemaTables(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS portcullis_principal_attribute");
            st.execute("DROP TABLE IF EXISTS portcullis_principal_role");
            st.execute("DROP TABLE IF EXISTS portcullis_principal");
        }
    }
}
