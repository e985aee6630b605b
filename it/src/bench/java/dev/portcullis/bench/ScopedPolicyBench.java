package dev.portcullis.bench;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import dev.portcullis.policy.internal.CerbosPolicyEvaluator;
import dev.portcullis.policy.plan.Plan;

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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A scoped decision against the unscoped one, in the same run and on the same policy set: a
 * three-level scope chain ({@code acme}, {@code acme.hr}, {@code acme.hr.uk}) over a root policy;
 * the scoped request walks every level (no rule matches below the root) and is allowed by the
 * root's role rule, the unscoped request goes straight to the root. Both with a plain role rule
 * and with a CEL condition ({@code R.attr.owner == P.id}). The query plan for the CEL request,
 * unscoped and in the three-level scope (the planner walks the same chain), in the same run.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ScopedPolicyBench {
    private static final String HEADER = "apiVersion: api.cerbos.dev/v1\nresourcePolicy:\n  resource: document\n"
            + "  version: default\n";
    private static final String ROOT_RULES = "  rules:\n"
            + "    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [viewer]\n"
            + "    - actions: [update]\n      effect: EFFECT_ALLOW\n      roles: [user]\n"
            + "      condition:\n        match:\n          expr: R.attr.owner == P.id\n";
    private static final String LEVEL_RULES = "  rules:\n"
            + "    - actions: [read, update]\n      effect: EFFECT_ALLOW\n      roles: [auditor]\n";

    CerbosPolicyEvaluator policies;
    PrincipalContext viewer;
    PrincipalContext owner;
    ResourceContext unscoped;
    ResourceContext scoped;

    @Setup(Level.Trial)
    public void setUp() {
        try {
            Path dir = Files.createTempDirectory("scoped-bench");
            Files.writeString(dir.resolve("root.yaml"), HEADER + ROOT_RULES);
            for (String scope : new String[] {"acme", "acme.hr", "acme.hr.uk"}) {
                Files.writeString(dir.resolve(scope + ".yaml"), HEADER + "  scope: " + scope + "\n" + LEVEL_RULES);
            }
            policies = CerbosPolicyEvaluator.load(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        viewer = PrincipalContext.of("bob", Set.of("viewer"), Map.of("department", "sales"));
        owner = PrincipalContext.of("carol", Set.of("user"), Map.of("department", "sales"));
        unscoped = ResourceContext.of("document", "43", Map.of("owner", "carol"));
        scoped = unscoped.withScope("acme.hr.uk");
        for (Decision d : new Decision[] {unscopedRole(), scopedRole(), unscopedCel(), scopedCel()}) {
            if (!d.isAllowed() || !d.policy().orElse("").equals("resource.document.vdefault")) {
                throw new IllegalStateException("the benchmarked requests must be allowed by the root: " + d);
            }
        }
        if (unscopedPlan().kind() != Plan.Kind.CONDITIONAL || !scopedPlan().equals(unscopedPlan())) {
            throw new IllegalStateException("the scoped plan must equal the unscoped one: " + scopedPlan());
        }
    }

    @Benchmark
    public Object baseline() {
        return viewer;
    }

    @Benchmark
    public Decision unscopedRole() {
        return policies.decide(viewer, unscoped, "read");
    }

    @Benchmark
    public Decision scopedRole() {
        return policies.decide(viewer, scoped, "read");
    }

    @Benchmark
    public Decision unscopedCel() {
        return policies.decide(owner, unscoped, "update");
    }

    @Benchmark
    public Decision scopedCel() {
        return policies.decide(owner, scoped, "update");
    }

    @Benchmark
    public Plan unscopedPlan() {
        return policies.plan(owner, "document", "update");
    }

    @Benchmark
    public Plan scopedPlan() {
        return policies.plan(owner, "document", "update", "acme.hr.uk");
    }
}
