package dev.portcullis.attributes.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.attributes.PrincipalKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One query of a {@link JdbcAttributeSource} with its {@code :issuer}/{@code :subject}
 * parameters turned into JDBC placeholders. Each parameter may appear any number of times, or not
 * at all; plain {@code ?} placeholders and any other {@code :name} are refused. Text in quotes
 * ({@code '...'}, {@code "..."}, doubled quotes inside) and {@code --} comments is copied as it is,
 * and {@code ::} (a PostgreSQL cast) is not a parameter.
 *
 * <p>Thread safety: immutable.
 */
final class NamedQuery {
    /** The SQL with {@code ?} placeholders. */
    final String sql;
    /** The parameter of each placeholder, in order: {@code issuer} or {@code subject}. */
    final List<String> parameters;

    private NamedQuery(String sql, List<String> parameters) {
        this.sql = sql;
        this.parameters = List.copyOf(parameters);
    }

    /**
     * Parses {@code query}.
     *
     * @throws ConfigurationException naming {@code setting} if the query is blank, has an
     *     unterminated quote, a {@code ?} or an unknown parameter
     */
    static NamedQuery parse(String setting, String query) {
        Objects.requireNonNull(query, setting);
        if (query.isBlank()) {
            throw new ConfigurationException(setting, "must not be blank");
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
                    throw new ConfigurationException(setting, "has an unterminated quote");
                }
                out.append(query, i, end + 1);
                i = end + 1;
            } else if (ch == '-' && i + 1 < n && query.charAt(i + 1) == '-') {
                int end = query.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.append(query, i, end);
                i = end;
            } else if (ch == '?') {
                throw new ConfigurationException(setting,
                        "must name its parameters :issuer and :subject instead of using ?");
            } else if (ch == ':' && (i == 0 || query.charAt(i - 1) != ':')
                    && i + 1 < n && query.charAt(i + 1) != ':') {
                int end = i + 1;
                while (end < n && (Character.isLetterOrDigit(query.charAt(end)) || query.charAt(end) == '_')) {
                    end++;
                }
                String name = query.substring(i + 1, end).toLowerCase(Locale.ROOT);
                if (!name.equals("issuer") && !name.equals("subject")) {
                    throw new ConfigurationException(setting, "has unknown parameter ':" + name
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

    /** Whether the query matches the issuer (uses {@code :issuer} at least once). */
    boolean usesIssuer() {
        return parameters.contains("issuer");
    }

    /** The statement with the key's issuer and subject bound; {@code timeoutSeconds} 0 for none. */
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
