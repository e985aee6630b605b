package dev.portcullis.policy.plan;

import dev.portcullis.policy.EvaluationMode;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import dev.portcullis.policy.internal.CerbosPolicyEvaluator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
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
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The promise of {@link Plan} over scoped policies: for the multi-tenant policy tree
 * ({@code policies/multitenant}: a root policy, {@code acme}, {@code acme.hr} and a
 * parental-consent {@code acme.hr.uk}, a role policy, globals, {@code auxData.jwt}) and a tree with
 * scoped principal policies and role-policy conditions ({@code policies/plan-scoped}), random
 * principals (roles, attributes, {@code P.scope}), random requested scopes (the trees' scopes, the
 * root, and scopes without a policy), both evaluation modes, lenient scope search on and off and
 * random globals: a plan admits a resource exactly when {@code decide} allows it in that scope,
 * in memory and as {@link SqlWhere} in H2 (plan-scoped with its principal schema enforced). Null-valued attributes are generated for the in-memory
 * side (SQL cannot tell a null from a missing attribute: see the README).
 */
class ScopedPlanDifferentialPropertiesTest {
    static final List<String> SCOPES = List.of("", "acme", "acme.hr", "acme.hr.uk", "acme.hr.uk.london", "globex",
            "acme.sales");
    static final Map<String, String> COLUMNS = Map.of("owner", "d.owner", "public", "d.public",
            "archived", "d.archived", "level", "d.level");
    private static final Map<String, CerbosPolicyEvaluator> ENGINES = new ConcurrentHashMap<>();
    private static Connection db;

    @BeforeContainer
    static void createDatabase() throws SQLException {
        db = DriverManager.getConnection("jdbc:h2:mem:scoped-plan-differential;DB_CLOSE_DELAY=-1");
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE doc (id VARCHAR(8) PRIMARY KEY, owner VARCHAR(32), public BOOLEAN,"
                    + " archived BOOLEAN, level DOUBLE PRECISION)");
        }
    }

    @AfterContainer
    static void closeDatabase() throws SQLException {
        db.close();
    }

    static CerbosPolicyEvaluator engine(String tree, EvaluationMode mode, boolean lenientScopes, Object readOnly) {
        return ENGINES.computeIfAbsent(tree + mode + lenientScopes + readOnly, k -> {
            CerbosPolicyEvaluator.Builder b = CerbosPolicyEvaluator.builder().classpath(tree).evaluationMode(mode)
                    .lenientScopeSearch(lenientScopes)
                    // multitenant has a resource schema: under reject its plans are refused (see below)
                    .schemaEnforcement(tree.endsWith("multitenant") ? "none" : "reject");
            if (readOnly != null) {
                b.globals(Map.of("readOnly", readOnly));
            }
            return b.build();
        });
    }

    @Property(tries = 1500)
    void planAdmitsExactlyWhatDecideAllowsInEveryScope(@ForAll("trees") String tree,
                                                        @ForAll("principals") PrincipalContext principal,
                                                        @ForAll("documents") Map<String, Object> doc,
                                                        @ForAll("scopes") String scope,
                                                        @ForAll("actions") String action,
                                                        @ForAll EvaluationMode mode,
                                                        @ForAll boolean lenientScopes,
                                                        @ForAll("readOnly") Object readOnly) throws SQLException {
        CerbosPolicyEvaluator engine = engine(tree, mode, lenientScopes, readOnly);
        Plan plan = engine.plan(principal, "document", action, scope);
        boolean allowed = engine.decide(principal, ResourceContext.of("document", "d1", doc).withScope(scope), action)
                .isAllowed();
        Statistics.collect(plan.kind(), allowed ? "allowed" : "denied");
        assertThat(plan.admits(doc)).as("%s %s in '%s' on %s (%s): %s", mode, principal, scope, doc, action, plan)
                .isEqualTo(allowed);
        if (!doc.containsValue(null)) {
            assertThat(sqlAdmits(plan, doc)).as("SQL %s %s in '%s' on %s (%s): %s", mode, principal, scope, doc,
                    action, plan).isEqualTo(allowed);
        }
    }

    @Example
    void aResourceSchemaUnderRejectIsRefusedNotPlannedWrong() {
        CerbosPolicyEvaluator reject = CerbosPolicyEvaluator.builder().classpath("policies/multitenant")
                .schemaEnforcement("reject").build();
        PrincipalContext alice = PrincipalContext.of("alice", Set.of("user"), Map.of());
        assertThatThrownBy(() -> reject.plan(alice, "document", "view", "acme"))
                .isInstanceOf(PlanException.class).hasMessageContaining("resourceSchema");
        // the schema ignores 'create': that plan is made (and decide allows any user to create)
        assertThat(reject.plan(alice, "document", "create", "acme").kind()).isEqualTo(Plan.Kind.ALWAYS_ALLOWED);
    }

    static boolean sqlAdmits(Plan plan, Map<String, Object> attrs) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("DELETE FROM doc");
        }
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO doc VALUES ('d1', ?, ?, ?, ?)")) {
            ps.setObject(1, attrs.get("owner"), Types.VARCHAR);
            ps.setObject(2, attrs.get("public"), Types.BOOLEAN);
            ps.setObject(3, attrs.get("archived"), Types.BOOLEAN);
            ps.setObject(4, attrs.get("level") == null ? null : ((Number) attrs.get("level")).doubleValue(), Types.DOUBLE);
            ps.executeUpdate();
        }
        SqlWhere where = SqlWhere.of(plan, COLUMNS);
        try (PreparedStatement ps = db.prepareStatement("SELECT COUNT(*) FROM doc d WHERE " + where.sql())) {
            where.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }

    @Provide
    Arbitrary<String> trees() {
        return Arbitraries.of("policies/multitenant", "policies/plan-scoped");
    }

    @Provide
    Arbitrary<String> scopes() {
        // the trees' scopes more often than the missing ones (which deny unless lenient search is on)
        return Arbitraries.frequency(Tuple.of(3, ""), Tuple.of(3, "acme"), Tuple.of(3, "acme.hr"),
                Tuple.of(3, "acme.hr.uk"), Tuple.of(1, "acme.hr.uk.london"), Tuple.of(1, "globex"),
                Tuple.of(1, "acme.sales"));
    }

    @Provide
    Arbitrary<String> actions() {
        return Arbitraries.of("view", "edit", "delete", "create", "audit", "share");
    }

    @Provide
    Arbitrary<Object> readOnly() {
        return Arbitraries.of(true, false, "yes").map(o -> (Object) o).injectNull(0.3);
    }

    @Provide
    Arbitrary<PrincipalContext> principals() {
        Arbitrary<String> id = Arbitraries.of("alice", "bob", "frank", "dave", "carol");
        Arbitrary<Set<String>> roles = Arbitraries.of("user", "hr_manager", "acme_contractor", "admin", "auditor")
                .set().ofMaxSize(3);
        Arbitrary<Object> country = Arbitraries.of("GB", "FR").map(o -> (Object) o).injectNull(0.3);
        // 42 fails plan-scoped's principal schema (reject): decide denies everything, the plan too
        Arbitrary<Object> department = Arbitraries.frequency(Tuple.of(4, "hr"), Tuple.of(4, "eng"), Tuple.of(1, 42L))
                .map(o -> (Object) o).injectNull(0.3);
        Arbitrary<String> pscope = scopes();
        Arbitrary<Object> tenant = Arbitraries.of("acme", "globex").map(o -> (Object) o).injectNull(0.4);
        return Combinators.combine(id, roles, country, department, pscope, tenant).as((i, r, c, d, s, t) -> {
            Map<String, Object> attr = new LinkedHashMap<>();
            put(attr, "country", c);
            put(attr, "department", d);
            PrincipalContext p = PrincipalContext.of(i, r, attr).withScope(s);
            return t == null ? p : p.withAuxDataJwt(Map.of("tenant", t));
        });
    }

    @Provide
    Arbitrary<Map<String, Object>> documents() {
        Arbitrary<Object> owner = Arbitraries.of("alice", "bob", "frank", "dave", "carol").map(o -> (Object) o)
                .injectNull(0.2);
        Arbitrary<Object> pub = Arbitraries.of(true, false).map(o -> (Object) o).injectNull(0.3);
        Arbitrary<Object> archived = Arbitraries.of(true, false).map(o -> (Object) o).injectNull(0.3);
        Arbitrary<Object> level = Arbitraries.oneOf(Arbitraries.longs().between(0, 4).map(o -> (Object) o),
                Arbitraries.of(1.5, 3.0).map(o -> (Object) o)).injectNull(0.3);
        Arbitrary<Integer> nulls = Arbitraries.integers().between(0, 9);
        return Combinators.combine(owner, pub, archived, level, nulls).as((o, p, a, l, n) -> {
            Map<String, Object> attrs = new LinkedHashMap<>();
            put(attrs, "owner", o);
            put(attrs, "public", p);
            put(attrs, "archived", a);
            put(attrs, "level", l);
            if (n == 0) {
                attrs.put("owner", null); // a kept null: has() is true, comparisons see null
            } else if (n == 1) {
                attrs.put("level", null);
            }
            return attrs;
        });
    }

    private static void put(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
