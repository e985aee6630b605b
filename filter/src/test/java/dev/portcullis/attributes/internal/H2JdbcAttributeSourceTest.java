package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JDBC contract on embedded, in-memory H2 (PostgreSQL compatibility off: plain H2). */
class H2JdbcAttributeSourceTest extends JdbcAttributeSourceContract {
    private final String url = "jdbc:h2:mem:attributes-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=0";
    private final Connection keepAlive;
    private final JdbcDataSource dataSource = new JdbcDataSource();

    // one fresh in-memory database per test (JUnit makes one instance per test); the
    // superclass's @BeforeEach, which runs first, fills it
    H2JdbcAttributeSourceTest() throws SQLException {
        keepAlive = DriverManager.getConnection(url, "sa", "");
        dataSource.setURL(url);
        dataSource.setUser("sa");
        dataSource.setPassword("");
    }

    @AfterEach
    void closeDatabase() throws SQLException {
        keepAlive.close();
    }

    @Override
    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, "sa", "");
    }

    @Override
    DataSource dataSource() {
        return dataSource;
    }

    @Override
    String jdbcUrl() {
        return url;
    }

    @Override
    String user() {
        return "sa";
    }

    @Override
    String password() {
        return "";
    }

    @Override
    String slowPrincipalQuery() {
        return "SELECT 'ACTIVE' FROM SYSTEM_RANGE(1, 100000) a, SYSTEM_RANGE(1, 100000) b"
                + " WHERE a.X + b.X < 0 OR CAST(:subject AS VARCHAR) = 'never'";
    }

    @Override
    String unreachableUrl() {
        return "jdbc:h2:mem:does-not-exist-" + UUID.randomUUID() + ";IFEXISTS=TRUE";
    }

    @Test
    void fromSettingsWhenJndiNameUnboundThenConfigurationExceptionNamingJndi() {
        assertThatThrownBy(() -> JdbcAttributeSource.fromSettings(Settings.of(Map.of(
                JdbcAttributeSource.JNDI, "java:comp/env/jdbc/portcullis"))))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(JdbcAttributeSource.JNDI))
                .hasMessageContaining("java:comp/env/jdbc/portcullis");
    }

    @Test
    void fromSettingsWhenSeveralIssuersAndQueryIgnoresIssuerThenRefusedNamingTheQuery() throws Exception {
        Map<String, String> twoIssuers = new java.util.HashMap<>(Map.of(JdbcAttributeSource.URL, url,
                JdbcAttributeSource.USERNAME, "sa", "portcullis.issuer", ISSUER, "portcullis.issuers", "partner",
                JdbcAttributeSource.ROLES_QUERY, "SELECT role_name FROM portcullis_principal_role WHERE subject = :subject"));

        assertThatThrownBy(() -> JdbcAttributeSource.fromSettings(Settings.of(twoIssuers)))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(JdbcAttributeSource.ROLES_QUERY))
                .hasMessageContaining(":issuer").hasMessageContaining("several issuers");

        twoIssuers.put(JdbcAttributeSource.ALLOW_INSECURE_SUBJECT_ONLY_QUERIES, "true");
        JdbcAttributeSource.fromSettings(Settings.of(twoIssuers)).close();
        Map<String, String> oneIssuer = new java.util.HashMap<>(twoIssuers);
        oneIssuer.remove(JdbcAttributeSource.ALLOW_INSECURE_SUBJECT_ONLY_QUERIES);
        oneIssuer.remove("portcullis.issuers");
        JdbcAttributeSource.fromSettings(Settings.of(oneIssuer)).close();
        twoIssuers.remove(JdbcAttributeSource.ALLOW_INSECURE_SUBJECT_ONLY_QUERIES);
        twoIssuers.remove(JdbcAttributeSource.ROLES_QUERY);
        try (JdbcAttributeSource defaults = JdbcAttributeSource.fromSettings(Settings.of(twoIssuers))) {
            assertThat(defaults.load(ISSUER, "alice").roles()).as("positive control: the default queries")
                    .containsExactly("admin", "user");
            assertThat(defaults.load("https://partner.test", "alice").status()).isEqualTo(PrincipalStatus.UNKNOWN);
        }
    }
}
