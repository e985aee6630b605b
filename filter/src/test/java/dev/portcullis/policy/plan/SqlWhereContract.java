package dev.portcullis.policy.plan;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SqlWhere} on a real database: every plan construct selects the rows the plan admits in
 * memory, values are bound (a hostile value is data, not SQL), and what cannot be translated is
 * refused naming the construct. Subclasses give the database (H2, PostgreSQL).
 */
abstract class SqlWhereContract {
    static final Map<String, String> COLUMNS = Map.of("owner", "d.owner", "level", "d.level", "public", "d.is_public");
    static final Map<String, String> TAGS = Map.of("tags",
            "EXISTS (SELECT 1 FROM plan_doc_tag t WHERE t.doc_id = d.id AND t.tag = ?)");
    static final List<Map<String, Object>> ROWS = List.of(
            Map.of("id", "1", "owner", "alice", "level", 1L, "public", true, "tags", List.of("a")),
            Map.of("id", "2", "owner", "bob", "level", 3L, "public", false, "tags", List.of("a", "b")),
            Map.of("id", "3", "owner", "o'hara", "level", 2.5, "tags", List.of()),
            Map.of("id", "4", "public", true, "tags", List.of("b")));

    abstract Connection connect() throws SQLException;

    @BeforeEach
    void createTables() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS plan_doc_tag");
            s.execute("DROP TABLE IF EXISTS plan_doc");
            s.execute("CREATE TABLE plan_doc (id VARCHAR(8) PRIMARY KEY, owner VARCHAR(32), level DOUBLE PRECISION,"
                    + " is_public BOOLEAN)");
            s.execute("CREATE TABLE plan_doc_tag (doc_id VARCHAR(8), tag VARCHAR(8))");
            for (Map<String, Object> row : ROWS) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO plan_doc VALUES (?, ?, ?, ?)")) {
                    ps.setString(1, (String) row.get("id"));
                    ps.setObject(2, row.get("owner"), java.sql.Types.VARCHAR);
                    ps.setObject(3, row.get("level") == null ? null : ((Number) row.get("level")).doubleValue(),
                            java.sql.Types.DOUBLE);
                    ps.setObject(4, row.get("public"), java.sql.Types.BOOLEAN);
                    ps.executeUpdate();
                }
                for (Object tag : (List<?>) row.get("tags")) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO plan_doc_tag VALUES (?, ?)")) {
                        ps.setString(1, (String) row.get("id"));
                        ps.setString(2, (String) tag);
                        ps.executeUpdate();
                    }
                }
            }
        }
    }

    private List<String> select(PlanCondition condition) throws SQLException {
        SqlWhere where = SqlWhere.of(condition, COLUMNS, TAGS);
        List<String> ids = new ArrayList<>();
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement("SELECT d.id FROM plan_doc d WHERE " + where.sql() + " ORDER BY d.id")) {
            assertThat(where.bind(ps, 1)).isEqualTo(1 + where.parameters().size());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private static List<String> inMemory(PlanCondition condition) {
        List<String> ids = new ArrayList<>();
        for (Map<String, Object> row : ROWS) {
            if (condition.test(row)) {
                ids.add((String) row.get("id"));
            }
        }
        return ids;
    }

    private void assertSelects(PlanCondition condition, String... ids) throws SQLException {
        assertThat(inMemory(condition)).as("in memory: %s", condition).containsExactly(ids);
        assertThat(select(condition)).as("SQL: %s", condition).containsExactly(ids);
    }

    static PlanCondition cmp(String attr, PlanCondition.Operator op, Object v) {
        return new PlanCondition.Compare(attr, op, v);
    }

    @Test
    void translateWhenComparisonsThenSameRowsAsInMemory() throws SQLException {
        assertSelects(cmp("owner", PlanCondition.Operator.EQ, "alice"), "1");
        assertSelects(cmp("owner", PlanCondition.Operator.NE, "alice"), "2", "3");
        assertSelects(cmp("level", PlanCondition.Operator.LT, 2L), "1");
        assertSelects(cmp("level", PlanCondition.Operator.LE, 2.5), "1", "3");
        assertSelects(cmp("level", PlanCondition.Operator.GT, 2L), "2", "3");
        assertSelects(cmp("level", PlanCondition.Operator.GE, 3.0), "2");
        assertSelects(cmp("public", PlanCondition.Operator.EQ, true), "1", "4");
    }

    @Test
    void translateWhenLogicOverMissingColumnsThenTwoValuedLikeThePlan() throws SQLException {
        // NOT of a comparison on a NULL column is true, as a missing attribute is in the plan
        assertSelects(PlanCondition.not(cmp("owner", PlanCondition.Operator.EQ, "alice")), "2", "3", "4");
        assertSelects(PlanCondition.not(new PlanCondition.Present("owner")), "4");
        assertSelects(PlanCondition.or(cmp("owner", PlanCondition.Operator.EQ, "bob"),
                PlanCondition.and(new PlanCondition.Present("public"), PlanCondition.not(new PlanCondition.Present("owner")))),
                "2", "4");
        assertSelects(new PlanCondition.In("owner", List.of("alice", "o'hara")), "1", "3");
        assertSelects(PlanCondition.not(new PlanCondition.In("owner", List.of("alice"))), "2", "3", "4");
        assertSelects(new PlanCondition.In("owner", List.of()), new String[0]);
        assertSelects(PlanCondition.Literal.TRUE, "1", "2", "3", "4");
        assertSelects(PlanCondition.Literal.FALSE, new String[0]);
    }

    @Test
    void translateWhenListMembershipMappedThenExistsPredicate() throws SQLException {
        assertSelects(new PlanCondition.Contains("tags", "b"), "2", "4");
        assertSelects(PlanCondition.not(new PlanCondition.Contains("tags", "a")), "3", "4");
    }

    @Test
    void translateWhenHostileValueThenBoundAsData() throws SQLException {
        PlanCondition hostile = cmp("owner", PlanCondition.Operator.EQ, "x' OR '1'='1");
        SqlWhere where = SqlWhere.of(hostile, COLUMNS, TAGS);
        assertThat(where.sql()).doesNotContain("x'").contains("?");
        assertThat(where.parameters()).containsExactly("x' OR '1'='1");
        assertSelects(hostile, new String[0]);
        // positive twin: the quote-bearing owner is found by its exact value
        assertSelects(cmp("owner", PlanCondition.Operator.EQ, "o'hara"), "3");
    }

    @Test
    void translateWhenConstructNotTranslatableThenRefusedNamingIt() {
        assertThatThrownBy(() -> SqlWhere.of(cmp("title", PlanCondition.Operator.EQ, "x"), COLUMNS, TAGS))
                .isInstanceOf(PlanException.class).hasMessageContaining("attribute 'title' has no column");
        assertThatThrownBy(() -> SqlWhere.of(new PlanCondition.Contains("teams", "red"), COLUMNS, TAGS))
                .isInstanceOf(PlanException.class).hasMessageContaining("list attribute R.attr.teams");
        assertThatThrownBy(() -> SqlWhere.of(cmp("owner", PlanCondition.Operator.LT, "m"), COLUMNS, TAGS))
                .isInstanceOf(PlanException.class).hasMessageContaining("ordering on a string");
        assertThatThrownBy(() -> SqlWhere.of(PlanCondition.Literal.TRUE, Map.of("owner", "owner; DROP TABLE x"), TAGS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain identifier");
        assertThatThrownBy(() -> SqlWhere.of(PlanCondition.Literal.TRUE, COLUMNS, Map.of("tags", "t.tag = ? OR ?")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one ?");
    }
}
