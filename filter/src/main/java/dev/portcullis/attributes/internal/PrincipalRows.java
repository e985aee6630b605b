package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalKey;
import dev.portcullis.attributes.AttributeSourceException;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one principal of a {@link JdbcAttributeSource} with its three queries on one connection,
 * columns by position:
 * <ul>
 *   <li>principal query: 1 = status ({@code ACTIVE}/{@code DISABLED}, case-insensitive; anything
 *       else, or NULL, is read as DISABLED and logged), optional 2 = version. No row: UNKNOWN;
 *       two or more rows: a failure (ambiguous).</li>
 *   <li>roles query: 1 = role name (NULL or blank skipped).</li>
 *   <li>attributes query: 1 = name, 2 = value (text), optional 3 = type: {@code string}
 *       (default, also for NULL), {@code integer}, {@code number}, {@code boolean}; a type
 *       ending in {@code []} makes a list. Several rows with one name make a list in row order.
 *       A value that does not parse as its type fails the load (fail closed).</li>
 * </ul>
 *
 * <p>Thread safety: immutable; each call uses the caller's connection.
 */
final class PrincipalRows {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcAttributeSource.class);

    private final NamedQuery principalQuery;
    private final NamedQuery rolesQuery;
    private final NamedQuery attributesQuery;
    private final int queryTimeoutSeconds;
    private final Clock clock;

    PrincipalRows(NamedQuery principalQuery, NamedQuery rolesQuery, NamedQuery attributesQuery,
            int queryTimeoutSeconds, Clock clock) {
        this.principalQuery = principalQuery;
        this.rolesQuery = rolesQuery;
        this.attributesQuery = attributesQuery;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
        this.clock = clock;
    }

    /** The principal's attributes, stamped with the clock; UNKNOWN when the principal query finds no row. */
    PrincipalAttributes read(Connection c, PrincipalKey key) throws SQLException, AttributeSourceException {
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
}
