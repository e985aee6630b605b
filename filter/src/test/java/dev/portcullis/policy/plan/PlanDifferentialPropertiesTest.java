package dev.portcullis.policy.plan;

import dev.portcullis.policy.EvaluationMode;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import dev.portcullis.policy.internal.CerbosPolicyEvaluator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The promise of {@link Plan}: for random principals (ids, roles, attributes) and random
 * resources over the demo's policies and the plan test policies ({@code policies/plan}: derived
 * roles, deny rules, principal policies, variables, constants, all/any/none, in, has, numbers),
 * a plan admits a resource exactly when {@code decide} allows it, evaluated in memory and as the
 * {@link SqlWhere} fragment in a real H2 database. Missing attributes are generated too (decide
 * fails on them: allow rules do not match, deny rules deny under strict evaluation and do not
 * under lenient). Both evaluation modes; scoped trees: {@link ScopedPlanDifferentialPropertiesTest}.
 */
class PlanDifferentialPropertiesTest {
    static final CerbosPolicyEvaluator DEMO = CerbosPolicyEvaluator.loadClasspath("policies/demo");
    static final CerbosPolicyEvaluator RECORDS = CerbosPolicyEvaluator.loadClasspath("policies/plan");
    static final CerbosPolicyEvaluator DEMO_LENIENT = CerbosPolicyEvaluator.builder().classpath("policies/demo")
            .evaluationMode(EvaluationMode.LENIENT).build();
    static final CerbosPolicyEvaluator RECORDS_LENIENT = CerbosPolicyEvaluator.builder().classpath("policies/plan")
            .evaluationMode(EvaluationMode.LENIENT).build();
    static final Map<String, String> COLUMNS = Map.of("owner", "r.owner", "department", "r.department",
            "level", "r.level", "visibility", "r.visibility", "draft", "r.draft", "status", "r.status",
            "locked", "r.locked");
    static final Map<String, String> MEMBERSHIPS = Map.of(
            "teams", "EXISTS (SELECT 1 FROM record_team t WHERE t.rid = r.id AND t.v = ?)",
            "tags", "EXISTS (SELECT 1 FROM record_tag t WHERE t.rid = r.id AND t.v = ?)");
    static final List<String> IDS = List.of("alice", "bob", "carol", "dave", "boss", "frank");

    private static Connection db;

    @BeforeContainer
    static void createDatabase() throws SQLException {
        db = DriverManager.getConnection("jdbc:h2:mem:plan-differential;DB_CLOSE_DELAY=-1");
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE record_row (id VARCHAR(8) PRIMARY KEY, owner VARCHAR(32), department VARCHAR(32),"
                    + " level DOUBLE PRECISION, visibility VARCHAR(16), draft BOOLEAN, status VARCHAR(16), locked BOOLEAN)");
            s.execute("CREATE TABLE record_team (rid VARCHAR(8), v VARCHAR(16))");
            s.execute("CREATE TABLE record_tag (rid VARCHAR(8), v VARCHAR(16))");
        }
    }

    @AfterContainer
    static void closeDatabase() throws SQLException {
        db.close();
    }

    @Property(tries = 600)
    void planAdmitsExactlyWhatDecideAllowsForRecords(@ForAll("principals") PrincipalContext principal,
                                                     @ForAll("records") Map<String, Object> record,
                                                     @ForAll("recordActions") String action,
                                                     @ForAll EvaluationMode mode) throws SQLException {
        CerbosPolicyEvaluator engine = mode == EvaluationMode.STRICT ? RECORDS : RECORDS_LENIENT;
        Plan plan = engine.plan(principal, "record", action);
        boolean allowed = engine.decide(principal, ResourceContext.of("record", "r1", record), action).isAllowed();
        assertThat(plan.admits(record)).as("%s on %s: %s", principal, record, plan).isEqualTo(allowed);
        if (record.containsKey("teams") && record.containsKey("tags")) {
            assertThat(sqlAdmits(plan, record)).as("SQL %s on %s: %s", principal, record, plan).isEqualTo(allowed);
        }
    }

    @Property(tries = 300)
    void planAdmitsExactlyWhatDecideAllowsForDemoDocuments(@ForAll("principals") PrincipalContext principal,
                                                           @ForAll("owners") Map<String, Object> document,
                                                           @ForAll("demoActions") String action,
                                                           @ForAll EvaluationMode mode) throws SQLException {
        CerbosPolicyEvaluator engine = mode == EvaluationMode.STRICT ? DEMO : DEMO_LENIENT;
        Plan plan = engine.plan(principal, "document", action);
        boolean allowed = engine.decide(principal, ResourceContext.of("document", "1", document), action).isAllowed();
        assertThat(plan.admits(document)).as("%s on %s: %s", principal, document, plan).isEqualTo(allowed);
        Map<String, Object> row = new LinkedHashMap<>(document);
        row.put("teams", List.of());
        row.put("tags", List.of());
        assertThat(sqlAdmits(plan, row)).as("SQL %s on %s: %s", principal, document, plan).isEqualTo(allowed);
    }

    /** Whether the plan's SQL fragment selects the one row holding {@code attrs}. */
    static boolean sqlAdmits(Plan plan, Map<String, Object> attrs) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("DELETE FROM record_row");
            s.execute("DELETE FROM record_team");
            s.execute("DELETE FROM record_tag");
        }
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO record_row VALUES ('r1', ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, attrs.get("owner"), Types.VARCHAR);
            ps.setObject(2, attrs.get("department"), Types.VARCHAR);
            ps.setObject(3, attrs.get("level") == null ? null : ((Number) attrs.get("level")).doubleValue(), Types.DOUBLE);
            ps.setObject(4, attrs.get("visibility"), Types.VARCHAR);
            ps.setObject(5, attrs.get("draft"), Types.BOOLEAN);
            ps.setObject(6, attrs.get("status"), Types.VARCHAR);
            ps.setObject(7, attrs.get("locked"), Types.BOOLEAN);
            ps.executeUpdate();
        }
        for (String list : List.of("teams", "tags")) {
            Object values = attrs.get(list);
            if (values instanceof List) {
                try (PreparedStatement ps = db.prepareStatement("INSERT INTO record_" + list.substring(0, list.length() - 1)
                        + " VALUES ('r1', ?)")) {
                    for (Object v : (List<?>) values) {
                        ps.setString(1, (String) v);
                        ps.executeUpdate();
                    }
                }
            }
        }
        SqlWhere where = SqlWhere.of(plan.filter(), COLUMNS, MEMBERSHIPS);
        try (PreparedStatement ps = db.prepareStatement("SELECT COUNT(*) FROM record_row r WHERE " + where.sql())) {
            where.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }

    @Provide
    Arbitrary<PrincipalContext> principals() {
        Arbitrary<String> id = Arbitraries.of(IDS);
        Arbitrary<Set<String>> roles = Arbitraries.of("admin", "employee", "contractor", "editor", "viewer", "user")
                .set().ofMaxSize(3);
        Arbitrary<Object> department = Arbitraries.of("eng", "sales", "hr", "qa").map(o -> (Object) o).injectNull(0.25);
        Arbitrary<Object> clearance = Arbitraries.oneOf(Arbitraries.longs().between(0, 5).map(o -> (Object) o),
                Arbitraries.of(1.5, 3.0, 4.0).map(o -> (Object) o)).injectNull(0.3);
        Arbitrary<Object> teams = Arbitraries.of("red", "blue", "green").list().uniqueElements().ofMaxSize(2)
                .map(o -> (Object) o).injectNull(0.3);
        return Combinators.combine(id, roles, department, clearance, teams).as((i, r, d, c, t) -> {
            Map<String, Object> attr = new LinkedHashMap<>();
            put(attr, "department", d);
            put(attr, "clearance", c);
            put(attr, "teams", t);
            return PrincipalContext.of(i, r, attr);
        });
    }

    @Provide
    Arbitrary<Map<String, Object>> records() {
        Arbitrary<Object> owner = Arbitraries.of(IDS).map(o -> (Object) o).injectNull(0.2);
        Arbitrary<Object> department = Arbitraries.of("eng", "sales", "hr", "qa", "ops").map(o -> (Object) o).injectNull(0.2);
        Arbitrary<Object> level = Arbitraries.oneOf(Arbitraries.longs().between(0, 5).map(o -> (Object) o),
                Arbitraries.of(2.5, 4.0).map(o -> (Object) o)).injectNull(0.2);
        Arbitrary<Object> visibility = Arbitraries.of("public", "private").map(o -> (Object) o).injectNull(0.2);
        Arbitrary<Object> draft = Arbitraries.of(true, false).map(o -> (Object) o).injectNull(0.3);
        Arbitrary<Object> status = Arbitraries.of("active", "archived", "deleted").map(o -> (Object) o).injectNull(0.15);
        Arbitrary<Object> locked = Arbitraries.of(true, false).map(o -> (Object) o).injectNull(0.3);
        Arbitrary<Object> teams = Arbitraries.of("red", "blue", "green").list().uniqueElements().ofMaxSize(2)
                .map(o -> (Object) o).injectNull(0.15);
        Arbitrary<Object> tags = Arbitraries.of("secret", "draft", "x").list().uniqueElements().ofMaxSize(2)
                .map(o -> (Object) o).injectNull(0.15);
        return Combinators.combine(List.of(owner, department, level, visibility, draft, status, locked, teams, tags))
                .as(values -> {
                    List<String> names = List.of("owner", "department", "level", "visibility", "draft", "status",
                            "locked", "teams", "tags");
                    Map<String, Object> attrs = new LinkedHashMap<>();
                    for (int i = 0; i < names.size(); i++) {
                        put(attrs, names.get(i), values.get(i));
                    }
                    return attrs;
                });
    }

    @Provide
    Arbitrary<Map<String, Object>> owners() {
        return Arbitraries.of(IDS).map(o -> (Object) o).injectNull(0.2).map(o -> {
            Map<String, Object> attrs = new LinkedHashMap<>();
            put(attrs, "owner", o);
            return attrs;
        });
    }

    @Provide
    Arbitrary<String> recordActions() {
        return Arbitraries.of("read", "edit", "review", "archive");
    }

    @Provide
    Arbitrary<String> demoActions() {
        return Arbitraries.of("read", "update", "delete", "archive");
    }

    private static void put(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
