package dev.portcullis.policy.internal;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.PolicyEvaluator;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import dev.portcullis.policy.testing.internal.PolicyTestRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Resource attributes read lazily ({@link ResourceContext#lazy}) decide exactly as the same
 * attributes given up front: a differential run over every policy test suite in the test
 * resources (demo, semantics, multitenant with scopes and schemas), where each check is
 * decided twice, eagerly and lazily, and the decisions compared. Where the lazy run did not read
 * the attributes, the decision must also be the one made with no attributes at all — so skipping
 * the resolver can only happen where the attributes could not have mattered.
 */
class LazyResourceAttributesTest {
    /** Decides every call eagerly and lazily and records any difference. */
    static final class Differential implements PolicyEvaluator {
        final PolicyEvaluator delegate;
        final List<String> mismatches = new ArrayList<>();
        int compared;
        int read;
        int notRead;

        Differential(PolicyEvaluator delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<Decision> decide(PrincipalContext principal, ResourceContext resource, Collection<String> actions) {
            List<Decision> eager = delegate.decide(principal, resource, actions);
            for (String action : actions) {
                AtomicInteger loads = new AtomicInteger();
                ResourceContext lazy = ResourceContext.lazy(resource.kind(), resource.id(), () -> {
                    loads.incrementAndGet();
                    return resource.attr();
                }).withPolicyVersion((String) resource.celView().get("policyVersion")).withScope(resource.scope());
                Decision expected = delegate.decide(principal, resource, action);
                Decision got = delegate.decide(principal, lazy, action);
                compared++;
                if (!expected.equals(got)) {
                    mismatches.add(principal.id() + " " + action + " " + resource + ": eager " + expected
                            + ", lazy " + got);
                }
                assertThat(loads.get()).as("the source is called at most once").isLessThanOrEqualTo(1);
                if (loads.get() == 0) {
                    notRead++;
                    ResourceContext none = ResourceContext.of(resource.kind(), resource.id(), Map.of())
                            .withPolicyVersion((String) resource.celView().get("policyVersion"))
                            .withScope(resource.scope());
                    Decision withNone = delegate.decide(principal, none, action);
                    if (!expected.equals(withNone)) {
                        mismatches.add("attributes not read but they matter: " + principal.id() + " " + action
                                + " " + resource + ": " + expected + " vs without attributes " + withNone);
                    }
                } else {
                    read++;
                }
            }
            return eager;
        }

        @Override
        public boolean covers(String resourceKind, String action) {
            return delegate.covers(resourceKind, action);
        }

        @Override
        public boolean readsAuxData() {
            return delegate.readsAuxData();
        }
    }

    private static Path dir(String name) throws Exception {
        return Path.of(LazyResourceAttributesTest.class.getClassLoader().getResource("policies/" + name).toURI());
    }

    @Test
    void decideWhenAttributesAreLazyThenEverySuiteDecidesAsWithEagerAttributes() throws Exception {
        int compared = 0;
        int read = 0;
        int notRead = 0;
        for (String name : List.of("demo", "semantics", "multitenant")) {
            Path dir = dir(name);
            Differential d = new Differential(CerbosPolicyEvaluator.load(dir));
            PolicyTestRunner.builder().build().run(dir, d);
            assertThat(d.mismatches).as(name).isEmpty();
            assertThat(d.compared).as(name + ": checks compared").isPositive();
            compared += d.compared;
            read += d.read;
            notRead += d.notRead;
        }
        String counts = compared + " checks compared, " + read + " read the attributes, " + notRead + " did not";
        assertThat(compared).as(counts).isGreaterThan(50);
        assertThat(read).as("decisions that needed the attributes").isPositive();
        assertThat(notRead).as("decisions made without reading them").isPositive();
    }

    @Test
    void decideWhenRoleRuleMatchesFirstThenAttributesNotReadElseRead() {
        CerbosPolicyEvaluator demo = CerbosPolicyEvaluator.loadClasspath("policies/demo");
        AtomicInteger loads = new AtomicInteger();
        ResourceContext doc = ResourceContext.lazy("document", "1", () -> {
            loads.incrementAndGet();
            return Map.of("owner", "bob");
        });
        // read: a role rule for viewers comes before the owner rule
        assertThat(demo.decide(PrincipalContext.of("carol", java.util.Set.of("viewer"), Map.of()), doc, "read")
                .isAllowed()).isTrue();
        assertThat(loads).hasValue(0);
        // positive control: without the role, only the owner condition can allow, so it reads R.attr
        ResourceContext doc2 = ResourceContext.lazy("document", "1", () -> {
            loads.incrementAndGet();
            return Map.of("owner", "bob");
        });
        assertThat(demo.decide(PrincipalContext.of("bob", java.util.Set.of("user"), Map.of()), doc2, "read")
                .isAllowed()).isTrue();
        assertThat(loads).hasValue(1);
        assertThat(demo.decide(PrincipalContext.of("eve", java.util.Set.of("user"), Map.of()), doc2, "read")
                .isAllowed()).as("another's document").isFalse();
        assertThat(loads).as("loaded once per context").hasValue(1);
    }

    @Test
    void readWhenSourceFailsThenEveryReadThrowsAndTheFailureIsKept() {
        AtomicInteger calls = new AtomicInteger();
        LazyAttributes attrs = new LazyAttributes(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("database down");
        });
        assertThat(attrs.failure()).isNull();
        assertThatThrownBy(() -> attrs.get("owner")).hasMessage("database down");
        assertThatThrownBy(attrs::size).hasMessage("database down");
        assertThat(attrs.failure()).hasMessage("database down");
        assertThat(attrs.isLoaded()).isFalse();
        assertThat(calls).as("not asked again").hasValue(1);
    }

    @Test
    void readWhenSourceGivesValuesThenConvertedAsEagerAttributes() {
        LazyAttributes attrs = new LazyAttributes(() -> Map.of("n", 3, "owner", "bob"));
        assertThat(attrs.isLoaded()).isFalse();
        assertThat(attrs).isEqualTo(CelValues.attributes(Map.of("n", 3, "owner", "bob")));
        assertThat(attrs.get("n")).isEqualTo(3.0);
        assertThat(attrs.isLoaded()).isTrue();
    }
}
