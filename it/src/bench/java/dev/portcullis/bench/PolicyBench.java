package dev.portcullis.bench;

import dev.portcullis.policy.internal.CerbosPolicyEvaluator;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import dev.portcullis.policy.plan.Plan;

import org.casbin.jcasbin.main.Enforcer;
import org.casbin.jcasbin.model.Model;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One policy decision with the demo policies: a plain role rule, and a derived role whose CEL
 * condition compares a resource attribute with the principal id; jCasbin {@code enforce} on the
 * equivalent RBAC model as a reference; the query plans for the same two requests (issue 17); and
 * a no-op baseline.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PolicyBench {
    static final String CASBIN_MODEL = String.join("\n",
            "[request_definition]", "r = sub, obj, act",
            "[policy_definition]", "p = sub, obj, act",
            "[role_definition]", "g = _, _",
            "[policy_effect]", "e = some(where (p.eft == allow))",
            "[matchers]", "m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act");

    CerbosPolicyEvaluator policies;
    PrincipalContext viewer;
    PrincipalContext owner;
    ResourceContext document;
    ResourceContext ownedDocument;
    Enforcer casbin;

    @Setup(Level.Trial)
    public void setUp() {
        policies = CerbosPolicyEvaluator.load(Fixture.demoPolicies());
        viewer = PrincipalContext.of("bob", Set.of("viewer"), Map.of("department", "sales"));
        owner = PrincipalContext.of("carol", Set.of("user"), Map.of("department", "sales"));
        document = ResourceContext.of("document", "42", Map.of("owner", "erin"));
        ownedDocument = ResourceContext.of("document", "43", Map.of("owner", "carol"));
        if (!roleRule().isAllowed() || !celCondition().isAllowed()) {
            throw new IllegalStateException("demo policies do not allow the benchmarked requests");
        }
        if (planRoleRule().kind() != Plan.Kind.ALWAYS_ALLOWED || planCelCondition().kind() != Plan.Kind.CONDITIONAL) {
            throw new IllegalStateException("demo policies do not plan as benchmarked: " + planCelCondition());
        }
        Model model = new Model();
        model.loadModelFromText(CASBIN_MODEL);
        casbin = new Enforcer(model);
        casbin.addPolicy("viewer", "document", "read");
        casbin.addPolicy("editor", "document", "read");
        casbin.addPolicy("admin", "document", "read");
        casbin.addPolicy("editor", "document", "update");
        casbin.addPolicy("admin", "document", "delete");
        casbin.addPolicy("admin", "user", "disable");
        casbin.addGroupingPolicy("bob", "viewer");
        if (!casbinEnforce()) {
            throw new IllegalStateException("casbin model does not allow bob to read");
        }
    }

    @Benchmark
    public Object baseline() {
        return viewer;
    }

    /** document:read allowed by roles [viewer, editor, admin]. */
    @Benchmark
    public Decision roleRule() {
        return policies.decide(viewer, document, "read");
    }

    /** document:update allowed by the derived role owner: CEL {@code R.attr.owner == P.id}. */
    @Benchmark
    public Decision celCondition() {
        return policies.decide(owner, ownedDocument, "update");
    }

    /**
     * The query plan for document:read of the viewer: the role rule folds it to
     * {@code ALWAYS_ALLOWED} (compare with {@link #roleRule}).
     */
    @Benchmark
    public Plan planRoleRule() {
        return policies.plan(viewer, "document", "read");
    }

    /**
     * The query plan for document:update of a principal without the editor role: the owner
     * derived role's condition is partially evaluated to {@code owner == "carol"} (compare with
     * {@link #celCondition}).
     */
    @Benchmark
    public Plan planCelCondition() {
        return policies.plan(owner, "document", "update");
    }

    @Benchmark
    public boolean casbinEnforce() {
        return casbin.enforce("bob", "document", "read");
    }
}
