package dev.portcullis.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The demo's database, at the URL the filter and the seeding listener also use. */
final class DocumentStore {
    private final String url;

    DocumentStore(String url) {
        this.url = url;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }
}
