package dev.portcullis.policy.plan;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A {@link Plan} as a parameterized SQL {@code WHERE} fragment: values are bound as {@code ?}
 * parameters, in order ({@link #parameters()}, {@link #bind}), never written into the SQL text;
 * identifiers come only from the application's mapping of attribute names to columns, checked to
 * be plain (optionally qualified, optionally double-quoted) identifiers.
 *
 * <p>Translation: {@code ALWAYS_ALLOWED} is {@code 1=1}, {@code ALWAYS_DENIED} {@code 1=0};
 * {@code And}/{@code Or}/{@code Not} are {@code AND}/{@code OR}/{@code NOT}; {@code Present} is
 * {@code col IS NOT NULL} and {@code Null} (an attribute present with a null value) {@code 1=0}: a
 * {@code NULL} column stands for a missing attribute, so the fragment is exact for rows whose
 * {@code decide}-time attributes leave out what the row holds as NULL (the usual row mapping; a
 * resource with null-valued attributes is answered exactly by {@link Plan#admits} in memory);
 * {@code Compare} and {@code In} are guarded with {@code col IS NOT NULL}
 * so that the fragment is two-valued like the plan (a {@code NULL} column is a missing
 * attribute, and {@code NOT} of a comparison on it is true, as in the plan). A list-valued
 * attribute ({@code Contains}) needs a membership mapping: an SQL predicate with exactly one
 * {@code ?} for the value, e.g. {@code EXISTS (SELECT 1 FROM doc_tag t WHERE t.doc_id = d.id AND
 * t.tag = ?)}; such an attribute always exists (an empty list has no members).
 *
 * <p>Refused with a {@link PlanException} naming the construct: an attribute with no mapping,
 * {@code Contains} without a membership mapping, and ordering ({@code <}, {@code <=}, {@code >},
 * {@code >=}) against a string value (SQL orders strings by the column's collation, CEL by code
 * point, so the answers could differ). The fragment is exact when each column holds the attribute
 * with the type the policy compares it with.
 *
 * <pre>{@code
 * SqlWhere where = SqlWhere.of(plan, Map.of("owner", "d.owner"));
 * try (PreparedStatement ps = c.prepareStatement("SELECT d.id FROM document d WHERE " + where.sql())) {
 *     where.bind(ps, 1);
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread safety: immutable.
 */
public final class SqlWhere {
    private static final Pattern IDENTIFIER = Pattern.compile(
            "(?:[A-Za-z_][A-Za-z0-9_]*|\"[^\"\\x00-\\x1f]+\")(?:\\.(?:[A-Za-z_][A-Za-z0-9_]*|\"[^\"\\x00-\\x1f]+\"))?");

    private final String sql;
    private final List<Object> parameters;

    private SqlWhere(String sql, List<Object> parameters) {
        this.sql = sql;
        this.parameters = Collections.unmodifiableList(parameters);
    }

    /**
     * The fragment for {@code plan} with scalar attributes mapped to {@code columns}.
     *
     * @throws PlanException naming what cannot be translated
     * @throws IllegalArgumentException when a mapped column is not a plain identifier
     */
    public static SqlWhere of(Plan plan, Map<String, String> columns) {
        return of(plan.filter(), columns, Map.of());
    }

    /**
     * The fragment for {@code condition}: scalar attributes mapped to {@code columns}, list-valued
     * attributes to membership predicates with one {@code ?} each.
     *
     * @throws PlanException naming what cannot be translated
     * @throws IllegalArgumentException when a mapped column is not a plain identifier or a
     *         membership predicate does not have exactly one {@code ?}
     */
    public static SqlWhere of(PlanCondition condition, Map<String, String> columns,
                              Map<String, String> memberships) {
        Objects.requireNonNull(condition, "condition");
        for (Map.Entry<String, String> e : columns.entrySet()) {
            if (e.getValue() == null || !IDENTIFIER.matcher(e.getValue()).matches()) {
                throw new IllegalArgumentException("column for attribute '" + e.getKey()
                        + "' must be a plain identifier (letters, digits, _; optionally table.column or"
                        + " double-quoted), was '" + e.getValue() + "'");
            }
        }
        for (Map.Entry<String, String> e : memberships.entrySet()) {
            String p = e.getValue();
            if (p == null || p.indexOf('?') < 0 || p.indexOf('?') != p.lastIndexOf('?') || p.contains(";")
                    || p.contains("--") || p.contains("/*")) {
                throw new IllegalArgumentException("membership predicate for attribute '" + e.getKey()
                        + "' must contain exactly one ? and no ';' or comments, was '" + p + "'");
            }
        }
        StringBuilder sql = new StringBuilder();
        List<Object> params = new ArrayList<>();
        new Writer(columns, memberships, sql, params).write(condition);
        return new SqlWhere(sql.toString(), params);
    }

    /** The fragment, with {@code ?} for each parameter. */
    public String sql() {
        return sql;
    }

    /** The values to bind, in the order of the fragment's {@code ?}s. */
    public List<Object> parameters() {
        return parameters;
    }

    /**
     * Binds the parameters to {@code statement} from index {@code first} on.
     *
     * @return the next free parameter index
     */
    public int bind(PreparedStatement statement, int first) throws SQLException {
        int i = first;
        for (Object p : parameters) {
            statement.setObject(i++, p);
        }
        return i;
    }

    @Override
    public String toString() {
        return sql + " " + parameters;
    }

    private static final class Writer {
        private final Map<String, String> columns;
        private final Map<String, String> memberships;
        private final StringBuilder sql;
        private final List<Object> params;

        Writer(Map<String, String> columns, Map<String, String> memberships, StringBuilder sql,
               List<Object> params) {
            this.columns = columns;
            this.memberships = memberships;
            this.sql = sql;
            this.params = params;
        }

        void write(PlanCondition c) {
            if (c instanceof PlanCondition.Literal) {
                sql.append(((PlanCondition.Literal) c).value() ? "1=1" : "1=0");
            } else if (c instanceof PlanCondition.And) {
                join(((PlanCondition.And) c).of(), " AND ");
            } else if (c instanceof PlanCondition.Or) {
                join(((PlanCondition.Or) c).of(), " OR ");
            } else if (c instanceof PlanCondition.Not) {
                sql.append("NOT (");
                write(((PlanCondition.Not) c).of());
                sql.append(')');
            } else if (c instanceof PlanCondition.Present) {
                String a = ((PlanCondition.Present) c).attribute();
                if (memberships.containsKey(a) && !columns.containsKey(a)) {
                    sql.append("1=1");
                } else {
                    sql.append(column(a, "has(R.attr." + a + ")")).append(" IS NOT NULL");
                }
            } else if (c instanceof PlanCondition.Null) {
                // a NULL column is a missing attribute, never a present null (see the class comment)
                sql.append("1=0");
            } else if (c instanceof PlanCondition.Compare) {
                PlanCondition.Compare cmp = (PlanCondition.Compare) c;
                if (cmp.value() instanceof String && cmp.op() != PlanCondition.Operator.EQ
                        && cmp.op() != PlanCondition.Operator.NE) {
                    throw new PlanException("ordering on a string (R.attr." + cmp.attribute() + " "
                            + cmp.op() + " \"" + cmp.value() + "\") is not translated: SQL orders strings by"
                            + " collation, CEL by code point");
                }
                String col = column(cmp.attribute(), "R.attr." + cmp.attribute() + " " + cmp.op());
                sql.append('(').append(col).append(" IS NOT NULL AND ").append(col).append(' ')
                        .append(cmp.op().sql()).append(" ?)");
                params.add(cmp.value());
            } else if (c instanceof PlanCondition.In) {
                PlanCondition.In in = (PlanCondition.In) c;
                String col = column(in.attribute(), "R.attr." + in.attribute() + " in [...]");
                if (in.values().isEmpty()) {
                    sql.append("1=0");
                    return;
                }
                sql.append('(').append(col).append(" IS NOT NULL AND ").append(col).append(" IN (");
                for (int i = 0; i < in.values().size(); i++) {
                    sql.append(i == 0 ? "?" : ", ?");
                    params.add(in.values().get(i));
                }
                sql.append("))");
            } else if (c instanceof PlanCondition.Contains) {
                PlanCondition.Contains m = (PlanCondition.Contains) c;
                String predicate = memberships.get(m.attribute());
                if (predicate == null) {
                    throw new PlanException("membership of a value in the list attribute R.attr." + m.attribute()
                            + " is not translated: map the attribute to a membership predicate");
                }
                sql.append('(').append(predicate).append(')');
                params.add(m.value());
            } else {
                throw new PlanException("plan condition " + c.getClass().getSimpleName() + " is not translated");
            }
        }

        private void join(List<PlanCondition> parts, String op) {
            sql.append('(');
            for (int i = 0; i < parts.size(); i++) {
                if (i > 0) {
                    sql.append(op);
                }
                write(parts.get(i));
            }
            sql.append(')');
        }

        private String column(String attribute, String construct) {
            String col = columns.get(attribute);
            if (col == null) {
                throw new PlanException(construct + ": attribute '" + attribute + "' has no column in the mapping"
                        + (memberships.containsKey(attribute) ? " (it is mapped as a list membership)" : ""));
            }
            return col;
        }
    }
}
