package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.AttributeSourceException;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import dev.portcullis.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every database must do with the shipped schema and default queries; run on H2 and on a
 * real PostgreSQL server by the subclasses.
 */
abstract class JdbcAttributeSourceContract {
    static final String ISSUER = "https://idp.example";
    static final String OTHER_ISSUER = "https://other-idp.example";

    final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T10:00:00Z"));
    JdbcAttributeSource source;

    /** A connection to an empty-or-reusable schema of the database under test. */
    abstract Connection connect() throws SQLException;

    /** A DataSource for that schema, owned by the test. */
    abstract DataSource dataSource();

    abstract String jdbcUrl();

    abstract String user();

    abstract String password();

    /** A principal query that takes several seconds (to exercise the query timeout). */
    abstract String slowPrincipalQuery();

    /** A URL where no database answers. */
    abstract String unreachableUrl();

    @BeforeEach
    void createSchema() throws Exception {
        try (Connection c = connect()) {
            SqlScript.dropSchemaTables(c);
            SqlScript.run(c, SqlScript.SCHEMA);
            principal(c, ISSUER, "alice", "ACTIVE", 7L);
            principal(c, ISSUER, "bob", "DISABLED", null);
            principal(c, OTHER_ISSUER, "carol", "ACTIVE", 1L);
            role(c, ISSUER, "alice", "admin");
            role(c, ISSUER, "alice", "user");
            attribute(c, ISSUER, "alice", "department", 0, "sales", "string");
            attribute(c, ISSUER, "alice", "level", 0, "3", "integer");
            attribute(c, ISSUER, "alice", "quota", 0, "2.5", "number");
            attribute(c, ISSUER, "alice", "mfa", 0, "TRUE", "boolean");
            attribute(c, ISSUER, "alice", "projects", 0, "apollo", "string");
            attribute(c, ISSUER, "alice", "projects", 1, "gemini", "string");
            attribute(c, ISSUER, "alice", "regions", 0, "eu", "string[]");
        }
        source = JdbcAttributeSource.builder().dataSource(dataSource()).clock(clock).build();
    }

    @AfterEach
    void closeSource() {
        if (source != null) {
            source.close();
        }
    }

    static void principal(Connection c, String issuer, String subject, String status, Long version)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO portcullis_principal (issuer, subject, status, version) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, issuer);
            ps.setString(2, subject);
            ps.setString(3, status);
            if (version == null) {
                ps.setNull(4, java.sql.Types.BIGINT);
            } else {
                ps.setLong(4, version);
            }
            ps.executeUpdate();
        }
    }

    static void role(Connection c, String issuer, String subject, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO portcullis_principal_role (issuer, subject, role_name) VALUES (?, ?, ?)")) {
            ps.setString(1, issuer);
            ps.setString(2, subject);
            ps.setString(3, role);
            ps.executeUpdate();
        }
    }

    static void attribute(Connection c, String issuer, String subject, String name, int ordinal, String value,
                          String type) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO portcullis_principal_attribute"
                + " (issuer, subject, attr_name, ordinal, attr_value, attr_type) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, issuer);
            ps.setString(2, subject);
            ps.setString(3, name);
            ps.setInt(4, ordinal);
            ps.setString(5, value);
            ps.setString(6, type);
            ps.executeUpdate();
        }
    }

    void setStatus(String subject, String status) throws SQLException {
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE portcullis_principal SET status = ? WHERE issuer = ? AND subject = ?")) {
            ps.setString(1, status);
            ps.setString(2, ISSUER);
            ps.setString(3, subject);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    @Test
    void loadWhenActivePrincipalThenStatusRolesTypedAttributesAndVersion() throws Exception {
        PrincipalAttributes alice = source.load(ISSUER, "alice");
        assertThat(alice.status()).isEqualTo(PrincipalStatus.ACTIVE);
        assertThat(alice.roles()).containsExactly("admin", "user");
        assertThat(alice.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "department", "sales", "level", 3L, "quota", 2.5, "mfa", true,
                "projects", List.of("apollo", "gemini"), "regions", List.of("eu")));
        assertThat(alice.version()).contains("7");
        assertThat(alice.loadedAt()).isEqualTo(clock.instant());
    }

    @Test
    void loadWhenDisabledThenDisabledWithoutRoles() throws Exception {
        PrincipalAttributes bob = source.load(ISSUER, "bob");
        assertThat(bob.status()).isEqualTo(PrincipalStatus.DISABLED);
        assertThat(bob.roles()).isEmpty();
        assertThat(bob.version()).isEmpty();
    }

    @Test
    void loadWhenNoRowThenUnknown() throws Exception {
        PrincipalAttributes nobody = source.load(ISSUER, "nobody");
        assertThat(nobody.status()).isEqualTo(PrincipalStatus.UNKNOWN);
        assertThat(nobody.roles()).isEmpty();
    }

    @Test
    void loadWhenSubjectOfAnotherIssuerThenUnknown() throws Exception {
        assertThat(source.load(ISSUER, "carol").status()).isEqualTo(PrincipalStatus.UNKNOWN);
        assertThat(source.load(OTHER_ISSUER, "carol").status()).isEqualTo(PrincipalStatus.ACTIVE);
        assertThat(source.load(OTHER_ISSUER, "alice").status()).isEqualTo(PrincipalStatus.UNKNOWN);
    }

    @Test
    void loadWhenIssuerDiffersOnlyByTrailingSlashThenUnknown() throws Exception {
        assertThat(source.load(ISSUER + "/", "alice").status()).isEqualTo(PrincipalStatus.UNKNOWN);
    }

    @Test
    void loadWhenStatusChangedInStoreThenNextLoadSeesIt() throws Exception {
        assertThat(source.load(ISSUER, "alice").isActive()).isTrue();
        setStatus("alice", "DISABLED");
        assertThat(source.load(ISSUER, "alice").status()).isEqualTo(PrincipalStatus.DISABLED);
    }

    @Test
    void loadWhenAttributeValueDoesNotParseThenSourceException() throws Exception {
        try (Connection c = connect()) {
            attribute(c, ISSUER, "alice", "age", 0, "old", "integer");
        }
        assertThatThrownBy(() -> source.load(ISSUER, "alice"))
                .isInstanceOf(AttributeSourceException.class)
                .hasMessageContaining("age").hasMessageContaining("integer");
    }

    @Test
    void loadWhenAttributeTypeUnknownThenSourceException() throws Exception {
        try (Connection c = connect()) {
            attribute(c, ISSUER, "alice", "born", 0, "2000-01-01", "date");
        }
        assertThatThrownBy(() -> source.load(ISSUER, "alice"))
                .isInstanceOf(AttributeSourceException.class).hasMessageContaining("date");
    }

    @Test
    void loadWhenCustomQueriesIgnoreIssuerThenAnyIssuerMatches() throws Exception {
        try (JdbcAttributeSource anyIssuer = JdbcAttributeSource.builder().dataSource(dataSource()).clock(clock)
                .principalQuery("SELECT status FROM portcullis_principal WHERE subject = :subject")
                .rolesQuery("SELECT role_name FROM portcullis_principal_role WHERE subject = :subject"
                        + " ORDER BY role_name")
                .attributesQuery("SELECT attr_name, attr_value FROM portcullis_principal_attribute"
                        + " WHERE subject = :subject AND attr_name = 'department'")
                .build()) {
            PrincipalAttributes alice = anyIssuer.load(OTHER_ISSUER, "alice");
            assertThat(alice.issuer()).isEqualTo(OTHER_ISSUER);
            assertThat(alice.status()).isEqualTo(PrincipalStatus.ACTIVE);
            assertThat(alice.roles()).containsExactly("admin", "user");
            assertThat(alice.attributes()).containsExactly(Map.entry("department", "sales"));
            assertThat(alice.version()).isEmpty();
        }
    }

    @Test
    void loadWhenQueryReturnsTwoPrincipalRowsThenSourceException() throws Exception {
        try (Connection c = connect()) {
            principal(c, OTHER_ISSUER, "alice", "ACTIVE", null);
        }
        try (JdbcAttributeSource ambiguous = JdbcAttributeSource.builder().dataSource(dataSource())
                .principalQuery("SELECT status FROM portcullis_principal WHERE subject = :subject").build()) {
            assertThatThrownBy(() -> ambiguous.load(ISSUER, "alice"))
                    .isInstanceOf(AttributeSourceException.class).hasMessageContaining("more than one row");
        }
    }

    @Test
    void loadWhenQuerySlowerThanQueryTimeoutThenSourceException() {
        try (JdbcAttributeSource slow = JdbcAttributeSource.builder().dataSource(dataSource())
                .principalQuery(slowPrincipalQuery()).queryTimeout(Duration.ofSeconds(1)).build()) {
            assertThatThrownBy(() -> slow.load(ISSUER, "alice"))
                    .isInstanceOf(AttributeSourceException.class);
        }
    }

    @Test
    void fromSettingsWhenJdbcUrlThenOwnPoolLoadsAndCloses() throws Exception {
        JdbcAttributeSource pooled = JdbcAttributeSource.fromSettings(Settings.of(Map.of(
                JdbcAttributeSource.URL, jdbcUrl(), JdbcAttributeSource.USERNAME, user(),
                JdbcAttributeSource.PASSWORD, password() == null ? "" : password(),
                JdbcAttributeSource.QUERY_TIMEOUT, "3s", JdbcAttributeSource.POOL_SIZE, "2")));
        try {
            assertThat(pooled.load(ISSUER, "alice").roles()).containsExactly("admin", "user");
        } finally {
            pooled.close();
        }
        assertThatThrownBy(() -> pooled.load(ISSUER, "alice")).isInstanceOf(AttributeSourceException.class);
    }

    @Test
    void loadWhenDatabaseUnreachableThenSourceException() {
        try (JdbcAttributeSource down = JdbcAttributeSource.builder().jdbcUrl(unreachableUrl())
                .queryTimeout(Duration.ofMillis(500)).build()) {
            assertThatThrownBy(() -> down.load(ISSUER, "alice")).isInstanceOf(AttributeSourceException.class);
        }
    }

    @Test
    void cacheWhenStoreUpdatedAndRevokedThenNextGetSeesDisabled() throws Exception {
        try (AttributeCache cache = AttributeCache.builder().clock(clock).source(
                JdbcAttributeSource.builder().dataSource(dataSource()).clock(clock).build()).build()) {
            assertThat(cache.get(ISSUER, "alice").isActive()).isTrue();
            setStatus("alice", "DISABLED");
            assertThat(cache.get(ISSUER, "alice").isActive()).isTrue(); // still fresh in the cache
            cache.revoke(ISSUER, "alice");
            assertThat(cache.get(ISSUER, "alice").status()).isEqualTo(PrincipalStatus.DISABLED);
        }
    }

    @Test
    void builderWhenQueryUsesQuestionMarkThenRejectedNamingSetting() {
        assertThatThrownBy(() -> JdbcAttributeSource.builder()
                .principalQuery("SELECT status FROM portcullis_principal WHERE issuer = ? AND subject = ?"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(JdbcAttributeSource.PRINCIPAL_QUERY);
        assertThatThrownBy(() -> JdbcAttributeSource.builder()
                .rolesQuery("SELECT role_name FROM portcullis_principal_role WHERE subject = :user"))
                .hasMessageContaining(":user");
    }

    @Test
    void fromSettingsWhenBothJndiAndUrlThenConfigurationException() {
        assertThatThrownBy(() -> JdbcAttributeSource.fromSettings(Settings.of(Map.of(
                JdbcAttributeSource.URL, jdbcUrl(), JdbcAttributeSource.JNDI, "java:comp/env/jdbc/x"))))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> JdbcAttributeSource.fromSettings(Settings.of(Map.of(
                JdbcAttributeSource.URL, "postgres://nope"))))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(JdbcAttributeSource.URL));
        assertThatThrownBy(() -> JdbcAttributeSource.fromSettings(Settings.of(Map.of(
                JdbcAttributeSource.URL, jdbcUrl(), JdbcAttributeSource.QUERY_TIMEOUT, "0s"))))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(JdbcAttributeSource.QUERY_TIMEOUT));
    }
}
