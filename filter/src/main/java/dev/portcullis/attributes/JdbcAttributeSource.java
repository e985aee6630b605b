package dev.portcullis.attributes;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger(JdbcAttributeSource.class);

    private final DataSource dataSource;
    private final HikariDataSource ownedPool;
    private final NamedQuery principalQuery;
    private final NamedQuery rolesQuery;
    private final NamedQuery attributesQuery;
    private final int queryTimeoutSeconds;
    private final Clock clock;
    private final String description;

    private JdbcAttributeSource(Builder b, DataSource dataSource, HikariDataSource ownedPool,
                                String description) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.principalQuery = b.principalQuery;
        this.rolesQuery = b.rolesQuery;
        this.attributesQuery = b.attributesQuery;
        long millis = b.queryTimeout.toMillis();
        this.queryTimeoutSeconds = (int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000);
        this.clock = b.clock;
        this.description = description;
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
        int issuers = (s.get(SettingNames.ISSUER).isPresent() ? 1 : 0) + s.getList(SettingNames.ISSUERS).size();
        if (issuers > 1 && !s.getBoolean(ALLOW_INSECURE_SUBJECT_ONLY_QUERIES, false)) {
            requireIssuer(PRINCIPAL_QUERY, b.principalQuery);
            requireIssuer(ROLES_QUERY, b.rolesQuery);
            requireIssuer(ATTRIBUTES_QUERY, b.attributesQuery);
        }
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

    private static void requireIssuer(String setting, NamedQuery query) {
        if (!query.parameters.contains("issuer")) {
            throw new ConfigurationException(setting, "does not use :issuer, but several issuers are configured ("
                    + SettingNames.ISSUER + ", " + SettingNames.ISSUERS + "): the same subject at two issuers"
                    + " would be one principal; match the issuer, or set " + ALLOW_INSECURE_SUBJECT_ONLY_QUERIES
                    + "=true if subjects are unique across issuers");
        }
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
                return load(c, key);
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

    private PrincipalAttributes load(Connection c, PrincipalKey key) throws SQLException,
            AttributeSourceException {
        PrincipalAttributes.Builder b = PrincipalAttributes.builder(key);
        try (PreparedStatement ps = principalQuery.prepare(c, key, queryTimeoutSeconds);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return PrincipalAttributes.unknown(key.issuer(), key.subject(), clock.instant());
            }
            b.status(status(rs.getString(1), key));
            if (rs.getMetaData().getColumnCount() >= 2) {
                Object version = rs.getObject(2);
                b.version(version == null ? null : version.toString());
            }
            if (rs.next()) {
                throw new AttributeSourceException("the principal query returned more than one row for "
                        + key);
            }
        }
        try (PreparedStatement ps = rolesQuery.prepare(c, key, queryTimeoutSeconds);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String role = rs.getString(1);
                if (role != null && !role.isBlank()) {
                    b.role(role);
                }
            }
        }
        Map<String, List<Object>> values = new LinkedHashMap<>();
        Map<String, Boolean> lists = new LinkedHashMap<>();
        try (PreparedStatement ps = attributesQuery.prepare(c, key, queryTimeoutSeconds);
             ResultSet rs = ps.executeQuery()) {
            boolean typed = rs.getMetaData().getColumnCount() >= 3;
            while (rs.next()) {
                String name = rs.getString(1);
                String value = rs.getString(2);
                String type = typed ? rs.getString(3) : null;
                if (name == null || name.isEmpty() || value == null) {
                    throw new AttributeSourceException("an attribute row of " + key
                            + " has no name or no value");
                }
                String t = type == null ? "string" : type.trim().toLowerCase(Locale.ROOT);
                boolean list = t.endsWith("[]");
                if (list) {
                    t = t.substring(0, t.length() - 2);
                }
                values.computeIfAbsent(name, n -> new ArrayList<>()).add(parse(name, value, t, key));
                lists.merge(name, list, Boolean::logicalOr);
            }
        }
        for (Map.Entry<String, List<Object>> e : values.entrySet()) {
            List<Object> v = e.getValue();
            boolean list = v.size() > 1 || lists.get(e.getKey());
            b.attribute(e.getKey(), list ? v : v.get(0));
        }
        return b.loadedAt(clock.instant()).build();
    }

    private static PrincipalStatus status(String value, PrincipalKey key) {
        String s = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        if (s.equals("ACTIVE")) {
            return PrincipalStatus.ACTIVE;
        }
        if (!s.equals("DISABLED")) {
            LOG.warn("Principal {} has unrecognised status '{}'; treating it as DISABLED", key, value);
        }
        return PrincipalStatus.DISABLED;
    }

    private static Object parse(String name, String value, String type, PrincipalKey key)
            throws AttributeSourceException {
        try {
            switch (type) {
                case "string":
                case "":
                    return value;
                case "integer":
                case "int":
                case "long":
                    return Long.parseLong(value.trim());
                case "number":
                case "double":
                case "decimal":
                    double d = Double.parseDouble(value.trim());
                    if (Double.isNaN(d) || Double.isInfinite(d)) {
                        throw new NumberFormatException("not finite");
                    }
                    return d;
                case "boolean":
                case "bool":
                    String b = value.trim().toLowerCase(Locale.ROOT);
                    if (b.equals("true")) {
                        return Boolean.TRUE;
                    }
                    if (b.equals("false")) {
                        return Boolean.FALSE;
                    }
                    throw new NumberFormatException("not true or false");
                default:
                    throw new AttributeSourceException("attribute '" + name + "' of " + key
                            + " has unknown type '" + type + "'");
            }
        } catch (NumberFormatException e) {
            throw new AttributeSourceException("attribute '" + name + "' of " + key
                    + " is not a valid " + type, e);
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

    /** A query with {@code :issuer}/{@code :subject} parameters turned into JDBC placeholders. */
    static final class NamedQuery {
        final String sql;
        final List<String> parameters;

        private NamedQuery(String sql, List<String> parameters) {
            this.sql = sql;
            this.parameters = List.copyOf(parameters);
        }

        static NamedQuery parse(String setting, String query) {
            Objects.requireNonNull(query, setting);
            if (query.isBlank()) {
                throw new IllegalArgumentException(setting + " must not be blank");
            }
            StringBuilder out = new StringBuilder();
            List<String> params = new ArrayList<>();
            int n = query.length();
            int i = 0;
            while (i < n) {
                char ch = query.charAt(i);
                if (ch == '\'' || ch == '"') {
                    int end = query.indexOf(ch, i + 1);
                    while (end >= 0 && end + 1 < n && query.charAt(end + 1) == ch) {
                        end = query.indexOf(ch, end + 2);
                    }
                    if (end < 0) {
                        throw new IllegalArgumentException(setting + " has an unterminated quote");
                    }
                    out.append(query, i, end + 1);
                    i = end + 1;
                } else if (ch == '-' && i + 1 < n && query.charAt(i + 1) == '-') {
                    int end = query.indexOf('\n', i);
                    end = end < 0 ? n : end;
                    out.append(query, i, end);
                    i = end;
                } else if (ch == '?') {
                    throw new IllegalArgumentException(setting
                            + " must name its parameters :issuer and :subject instead of using ?");
                } else if (ch == ':' && (i == 0 || query.charAt(i - 1) != ':')
                        && i + 1 < n && query.charAt(i + 1) != ':') {
                    int end = i + 1;
                    while (end < n && (Character.isLetterOrDigit(query.charAt(end)) || query.charAt(end) == '_')) {
                        end++;
                    }
                    String name = query.substring(i + 1, end).toLowerCase(Locale.ROOT);
                    if (!name.equals("issuer") && !name.equals("subject")) {
                        throw new IllegalArgumentException(setting + " has unknown parameter ':" + name
                                + "' (only :issuer and :subject)");
                    }
                    params.add(name);
                    out.append('?');
                    i = end;
                } else {
                    out.append(ch);
                    i++;
                }
            }
            return new NamedQuery(out.toString(), params);
        }

        PreparedStatement prepare(Connection c, PrincipalKey key, int timeoutSeconds) throws SQLException {
            PreparedStatement ps = c.prepareStatement(sql);
            try {
                if (timeoutSeconds > 0) {
                    ps.setQueryTimeout(timeoutSeconds);
                }
                for (int i = 0; i < parameters.size(); i++) {
                    ps.setString(i + 1, parameters.get(i).equals("issuer") ? key.issuer() : key.subject());
                }
                return ps;
            } catch (SQLException | RuntimeException e) {
                ps.close();
                throw e;
            }
        }
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
                throw new IllegalArgumentException(JNDI + " must not be blank");
            }
            this.jndiName = jndiName.trim();
            return this;
        }

        /** {@value JdbcAttributeSource#URL}: a {@code jdbc:} URL for a pool owned by this source. */
        public Builder jdbcUrl(String jdbcUrl) {
            Objects.requireNonNull(jdbcUrl, URL);
            if (!jdbcUrl.startsWith("jdbc:")) {
                throw new IllegalArgumentException(URL + " must start with jdbc:, was '" + jdbcUrl + "'");
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
                throw new IllegalArgumentException(POOL_SIZE + " must be between 1 and 100, was " + poolSize);
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
                throw new IllegalArgumentException(QUERY_TIMEOUT + " must be positive, was " + timeout);
            }
            if (timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException(QUERY_TIMEOUT + " must be at most 1 hour, was " + timeout);
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
                return new JdbcAttributeSource(this, dataSource, null, "a DataSource");
            }
            if (jndiName != null) {
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
                return new JdbcAttributeSource(this, (DataSource) found, null, "JNDI " + jndiName);
            }
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
            return new JdbcAttributeSource(this, pool, pool, "pool " + jdbcUrl);
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
                for (java.sql.Driver d : java.util.ServiceLoader.load(java.sql.Driver.class, loader)) {
                    try {
                        if (d.acceptsURL(url)) {
                            return d.getClass().getName();
                        }
                    } catch (java.sql.SQLException e) {
                        // this driver cannot judge the URL: try the next
                    }
                }
            } catch (java.util.ServiceConfigurationError e) {
                return null; // a broken driver jar: let the pool use DriverManager as usual
            }
            return null;
        }
    }
}
