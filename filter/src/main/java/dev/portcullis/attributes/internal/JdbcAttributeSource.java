package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalKey;
import dev.portcullis.attributes.AttributeSource;
import dev.portcullis.attributes.AttributeSourceException;
import dev.portcullis.attributes.PrincipalAttributes;
import com.zaxxer.hikari.HikariDataSource;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads principals from a relational database with three queries: the principal row, its roles
 * and its attributes. The defaults read the schema shipped as the class-path resource
 * {@code dev/portcullis/attributes/schema.sql} (H2 and PostgreSQL).
 *
 * <h2>Queries</h2>
 * Queries name their parameters {@code :issuer} and {@code :subject} (each may appear any number
 * of times, or not at all); plain {@code ?} placeholders are refused. Columns are read by
 * position:
 * <ul>
 *   <li>principal query: 1 = status ({@code ACTIVE}/{@code DISABLED}, case-insensitive; anything
 *       else, or NULL, is read as DISABLED and logged), optional 2 = version. No row: UNKNOWN;
 *       two or more rows: a failure (ambiguous).</li>
 *   <li>roles query: 1 = role name.</li>
 *   <li>attributes query: 1 = name, 2 = value (text), optional 3 = type: {@code string}
 *       (default, also for NULL), {@code integer}, {@code number}, {@code boolean}; a type
 *       ending in {@code []} makes a list. Several rows with one name make a list in row order.
 *       A value that does not parse as its type fails the load (fail closed).</li>
 * </ul>
 * The issuer is matched exactly by the default queries. A query that ignores {@code :issuer}
 * gives the same-named subjects of every issuer the same row, so with several issuers configured
 * ({@code portcullis.issuer} and {@code portcullis.issuers}) {@link #fromSettings} refuses it,
 * naming the query's setting, unless {@value #ALLOW_INSECURE_SUBJECT_ONLY_QUERIES} is
 * {@code true} (only when subjects are unique across all issuers, e.g. one directory behind them).
 *
 * <h2>Data source</h2>
 * Exactly one of: a JNDI name ({@code java:comp/env/jdbc/portcullis}, looked up once at build,
 * owned by the container), a JDBC URL (a HikariCP pool owned by this source and closed by
 * {@link #close()}; a database that is down at startup does not stop deployment, loads fail
 * until it is back), or a {@link DataSource} given directly (owned by the caller).
 *
 * <h2>Settings</h2>
 * <table>
 *   <caption>Settings read by {@link #fromSettings(Settings)}</caption>
 *   <tr><th>name</th><th>default</th></tr>
 *   <tr><td>{@value #JNDI}</td><td>unset; a JNDI name such as java:comp/env/jdbc/portcullis</td></tr>
 *   <tr><td>{@value #URL}</td><td>unset; a JDBC URL (exactly one of jndi and url)</td></tr>
 *   <tr><td>{@value #USERNAME}, {@value #PASSWORD}</td><td>unset</td></tr>
 *   <tr><td>{@value #POOL_SIZE}</td><td>4</td></tr>
 *   <tr><td>{@value #PRINCIPAL_QUERY}</td><td>{@link #DEFAULT_PRINCIPAL_QUERY}</td></tr>
 *   <tr><td>{@value #ROLES_QUERY}</td><td>{@link #DEFAULT_ROLES_QUERY}</td></tr>
 *   <tr><td>{@value #ATTRIBUTES_QUERY}</td><td>{@link #DEFAULT_ATTRIBUTES_QUERY}</td></tr>
 *   <tr><td>{@value #QUERY_TIMEOUT}</td><td>2s (JDBC rounds up to whole seconds)</td></tr>
 *   <tr><td>{@value #ALLOW_INSECURE_SUBJECT_ONLY_QUERIES}</td><td>false</td></tr>
 * </table>
 *
 * <pre>{@code
 * AttributeSource source = JdbcAttributeSource.builder()
 *         .jndiName("java:comp/env/jdbc/portcullis")
 *         .queryTimeout(Duration.ofSeconds(2))
 *         .build();
 * }</pre>
 *
 * <p>Thread safety: safe for concurrent use; each load borrows its own connection.
 */
public final class JdbcAttributeSource implements AttributeSource {
    /** JNDI name of the DataSource. */
    public static final String JNDI = SettingNames.ATTRIBUTES_JDBC_JNDI;
    /** JDBC URL for a pool owned by Portcullis. */
    public static final String URL = SettingNames.ATTRIBUTES_JDBC_URL;
    /** Database user for {@link #URL}. */
    public static final String USERNAME = SettingNames.ATTRIBUTES_JDBC_USERNAME;
    /** Database password for {@link #URL}; never logged. */
    public static final String PASSWORD = SettingNames.ATTRIBUTES_JDBC_PASSWORD;
    /** Maximum pool size for {@link #URL}; default 4. */
    public static final String POOL_SIZE = SettingNames.ATTRIBUTES_JDBC_POOL_SIZE;
    /** SQL for the principal row. */
    public static final String PRINCIPAL_QUERY = SettingNames.ATTRIBUTES_JDBC_PRINCIPAL_QUERY;
    /** SQL for the roles. */
    public static final String ROLES_QUERY = SettingNames.ATTRIBUTES_JDBC_ROLES_QUERY;
    /** SQL for the attributes. */
    public static final String ATTRIBUTES_QUERY = SettingNames.ATTRIBUTES_JDBC_ATTRIBUTES_QUERY;
    /**
     * {@code true} lets a query ignore {@code :issuer} although several issuers are configured;
     * default {@code false}. Risk: a subject of one issuer then gets the status, roles and
     * attributes of the same-named subject of another.
     */
    public static final String ALLOW_INSECURE_SUBJECT_ONLY_QUERIES = SettingNames.ATTRIBUTES_JDBC_ALLOW_INSECURE_SUBJECT_ONLY_QUERIES;
    /** Per-statement timeout; default 2s. */
    public static final String QUERY_TIMEOUT = SettingNames.ATTRIBUTES_JDBC_QUERY_TIMEOUT;

    public static final String DEFAULT_PRINCIPAL_QUERY = "SELECT status, version FROM portcullis_principal"
            + " WHERE issuer = :issuer AND subject = :subject";
    public static final String DEFAULT_ROLES_QUERY = "SELECT role_name FROM portcullis_principal_role"
            + " WHERE issuer = :issuer AND subject = :subject ORDER BY role_name";
    public static final String DEFAULT_ATTRIBUTES_QUERY = "SELECT attr_name, attr_value, attr_type"
            + " FROM portcullis_principal_attribute WHERE issuer = :issuer AND subject = :subject"
            + " ORDER BY attr_name, ordinal";

    /*
     * The parts, each readable alone: JdbcDataSources (JNDI lookup, HikariCP pool, the bundled
     * driver), PrincipalRows (the three queries and the row mapping), NamedQuery (:issuer and
     * :subject parameters), SubjectOnlyQueries (the several-issuers check on the queries).
     */

    private final DataSource dataSource;
    private final HikariDataSource ownedPool;
    private final PrincipalRows rows;
    private final String description;

    private JdbcAttributeSource(Builder b, JdbcDataSources.Opened opened) {
        this.dataSource = opened.dataSource();
        this.ownedPool = opened.ownedPool();
        this.description = opened.description();
        long millis = b.queryTimeout.toMillis();
        int queryTimeoutSeconds = (int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000);
        this.rows = new PrincipalRows(b.principalQuery, b.rolesQuery, b.attributesQuery, queryTimeoutSeconds, b.clock);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A source configured by the {@code portcullis.attributes.jdbc.*} settings.
     *
     * @throws ConfigurationException naming the first bad setting
     */
    public static JdbcAttributeSource fromSettings(Settings s) {
        return fromSettings(s, Clock.systemUTC());
    }

    /** As {@link #fromSettings(Settings)}, stamping load times with {@code clock}. */
    public static JdbcAttributeSource fromSettings(Settings s, Clock clock) {
        Builder b = builder().clock(clock);
        Optional<String> jndi = s.get(JNDI);
        Optional<String> url = s.get(URL);
        if (jndi.isPresent() == url.isPresent()) {
            throw new ConfigurationException(jndi.isPresent() ? URL : JNDI,
                    "set exactly one of " + JNDI + " and " + URL);
        }
        apply(PRINCIPAL_QUERY, () -> b.principalQuery(s.get(PRINCIPAL_QUERY, DEFAULT_PRINCIPAL_QUERY)));
        apply(ROLES_QUERY, () -> b.rolesQuery(s.get(ROLES_QUERY, DEFAULT_ROLES_QUERY)));
        apply(ATTRIBUTES_QUERY, () -> b.attributesQuery(s.get(ATTRIBUTES_QUERY, DEFAULT_ATTRIBUTES_QUERY)));
        apply(QUERY_TIMEOUT, () -> b.queryTimeout(s.getDuration(QUERY_TIMEOUT, b.queryTimeout)));
        SubjectOnlyQueries.check(s, PRINCIPAL_QUERY, b.principalQuery, ROLES_QUERY, b.rolesQuery,
                ATTRIBUTES_QUERY, b.attributesQuery);
        if (jndi.isPresent()) {
            apply(JNDI, () -> b.jndiName(jndi.get()));
        } else {
            apply(URL, () -> b.jdbcUrl(url.get()));
            s.get(USERNAME).ifPresent(b::username);
            s.get(PASSWORD).ifPresent(b::password);
            apply(POOL_SIZE, () -> b.poolSize(s.getInt(POOL_SIZE, b.poolSize)));
        }
        return b.build();
    }

    private static void apply(String setting, Runnable r) {
        try {
            r.run();
        } catch (ConfigurationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(setting, e.getMessage(), e);
        }
    }

    @Override
    public PrincipalAttributes load(String issuer, String subject) throws AttributeSourceException {
        PrincipalKey key = PrincipalKey.of(issuer, subject);
        try (Connection c = dataSource.getConnection()) {
            try {
                return rows.read(c, key);
            } finally {
                if (!c.getAutoCommit()) {
                    c.rollback(); // read only: end the transaction the queries opened
                }
            }
        } catch (SQLException e) {
            throw new AttributeSourceException("reading principal from " + description + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** Closes the HikariCP pool if this source created it; a container's DataSource is left alone. */
    @Override
    public void close() {
        if (ownedPool != null) {
            ownedPool.close();
        }
    }

    @Override
    public String toString() {
        return "JdbcAttributeSource[" + description + "]";
    }

    /**
     * Builds a {@link JdbcAttributeSource}; each setter checks its argument at once.
     *
     * <p>Thread safety: not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private DataSource dataSource;
        private String jndiName;
        private String jdbcUrl;
        private String username;
        private String password;
        private int poolSize = 4;
        private NamedQuery principalQuery = NamedQuery.parse(PRINCIPAL_QUERY, DEFAULT_PRINCIPAL_QUERY);
        private NamedQuery rolesQuery = NamedQuery.parse(ROLES_QUERY, DEFAULT_ROLES_QUERY);
        private NamedQuery attributesQuery = NamedQuery.parse(ATTRIBUTES_QUERY, DEFAULT_ATTRIBUTES_QUERY);
        private Duration queryTimeout = Duration.ofSeconds(2);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** A DataSource owned by the caller (not closed by this source). */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /** {@value JdbcAttributeSource#JNDI}: looked up once, when built. */
        public Builder jndiName(String jndiName) {
            Objects.requireNonNull(jndiName, JNDI);
            if (jndiName.isBlank()) {
                throw new ConfigurationException(JNDI, "must not be blank");
            }
            this.jndiName = jndiName.trim();
            return this;
        }

        /** {@value JdbcAttributeSource#URL}: a {@code jdbc:} URL for a pool owned by this source. */
        public Builder jdbcUrl(String jdbcUrl) {
            Objects.requireNonNull(jdbcUrl, URL);
            if (!jdbcUrl.startsWith("jdbc:")) {
                throw new ConfigurationException(URL, "must start with jdbc:, was '" + jdbcUrl + "'");
            }
            this.jdbcUrl = jdbcUrl;
            return this;
        }

        /** {@value JdbcAttributeSource#USERNAME}. */
        public Builder username(String username) {
            this.username = username;
            return this;
        }

        /** {@value JdbcAttributeSource#PASSWORD}. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** {@value JdbcAttributeSource#POOL_SIZE}: 1 to 100; default 4. */
        public Builder poolSize(int poolSize) {
            if (poolSize < 1 || poolSize > 100) {
                throw new ConfigurationException(POOL_SIZE, "must be between 1 and 100, was " + poolSize);
            }
            this.poolSize = poolSize;
            return this;
        }

        /** {@value JdbcAttributeSource#PRINCIPAL_QUERY}. */
        public Builder principalQuery(String sql) {
            this.principalQuery = NamedQuery.parse(PRINCIPAL_QUERY, sql);
            return this;
        }

        /** {@value JdbcAttributeSource#ROLES_QUERY}. */
        public Builder rolesQuery(String sql) {
            this.rolesQuery = NamedQuery.parse(ROLES_QUERY, sql);
            return this;
        }

        /** {@value JdbcAttributeSource#ATTRIBUTES_QUERY}. */
        public Builder attributesQuery(String sql) {
            this.attributesQuery = NamedQuery.parse(ATTRIBUTES_QUERY, sql);
            return this;
        }

        /** {@value JdbcAttributeSource#QUERY_TIMEOUT}: positive; default 2s, rounded up to seconds. */
        public Builder queryTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, QUERY_TIMEOUT);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new ConfigurationException(QUERY_TIMEOUT, "must be positive, was " + timeout);
            }
            if (timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new ConfigurationException(QUERY_TIMEOUT, "must be at most 1 hour, was " + timeout);
            }
            this.queryTimeout = timeout;
            return this;
        }

        /** The clock that stamps {@link PrincipalAttributes#loadedAt()}; default system UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @throws IllegalStateException unless exactly one of data source, JNDI name and URL is set
         * @throws ConfigurationException naming {@value JdbcAttributeSource#JNDI} if the lookup
         *     fails, or {@value JdbcAttributeSource#URL} if the pool cannot be created
         */
        public JdbcAttributeSource build() {
            int sources = (dataSource != null ? 1 : 0) + (jndiName != null ? 1 : 0) + (jdbcUrl != null ? 1 : 0);
            if (sources != 1) {
                throw new IllegalStateException("set exactly one of a DataSource, " + JNDI + " and " + URL);
            }
            if (dataSource != null) {
                return new JdbcAttributeSource(this, new JdbcDataSources.Opened(dataSource, null, "a DataSource"));
            }
            if (jndiName != null) {
                return new JdbcAttributeSource(this, JdbcDataSources.lookup(jndiName));
            }
            return new JdbcAttributeSource(this, JdbcDataSources.pool(jdbcUrl, username, password, poolSize,
                    queryTimeout));
        }
    }
}
