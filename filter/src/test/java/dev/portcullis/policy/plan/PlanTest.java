package dev.portcullis.policy.plan;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.PolicyEvaluator;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import dev.portcullis.policy.internal.CerbosPolicyEvaluator;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Query plans from the demo's and the plan test policies: kinds, conditions and refusals. */
class PlanTest {
    static final CerbosPolicyEvaluator DEMO = CerbosPolicyEvaluator.loadClasspath("policies/demo");
    static final CerbosPolicyEvaluator RECORDS = CerbosPolicyEvaluator.loadClasspath("policies/plan");

    private static PlanCondition eq(String attr, Object value) {
        return new PlanCondition.Compare(attr, PlanCondition.Operator.EQ, value);
    }

    @Test
    void planWhenRoleAllowsEveryDocumentThenAlwaysAllowed() {
        Plan plan = DEMO.plan(PrincipalContext.of("alice", Set.of("admin")), "document", "read");
        assertThat(plan.kind()).isEqualTo(Plan.Kind.ALWAYS_ALLOWED);
        assertThat(plan.condition()).isEmpty();
        assertThat(plan.admits(Map.of())).isTrue();
    }

    @Test
    void planWhenPrincipalHasNoRoleThenOnlyOwnedDocuments() {
        Plan plan = DEMO.plan(PrincipalContext.of("erin", Set.of()), "document", "read");
        assertThat(plan.kind()).isEqualTo(Plan.Kind.CONDITIONAL);
        assertThat(plan.condition()).contains(eq("owner", "erin"));
        assertThat(SqlWhere.of(plan, Map.of("owner", "owner")).sql()).isEqualTo("(owner IS NOT NULL AND owner = ?)");
    }

    @Test
    void planWhenNoRuleCanMatchThenAlwaysDenied() {
        Plan plan = DEMO.plan(PrincipalContext.of("carol", Set.of("viewer")), "document", "delete");
        assertThat(plan.kind()).isEqualTo(Plan.Kind.ALWAYS_DENIED);
        assertThat(plan.admits(Map.of("owner", "carol"))).isFalse();
        assertThat(DEMO.plan(PrincipalContext.of("carol", Set.of("viewer")), "nothing", "read").kind())
                .isEqualTo(Plan.Kind.ALWAYS_DENIED);
    }

    @Test
    void planWhenDerivedRoleReadsResourceThenConditionWithPrincipalSubstituted() {
        Plan plan = DEMO.plan(PrincipalContext.of("carol", Set.of("viewer")), "document", "update");
        assertThat(plan.kind()).isEqualTo(Plan.Kind.CONDITIONAL);
        assertThat(plan.condition()).contains(eq("owner", "carol"));
        assertThat(plan.admits(Map.of("owner", "carol"))).isTrue();
        assertThat(plan.admits(Map.of("owner", "dave"))).isFalse();
        // positive twin: an editor may update every document
        assertThat(DEMO.plan(PrincipalContext.of("dave", Set.of("editor")), "document", "update").kind())
                .isEqualTo(Plan.Kind.ALWAYS_ALLOWED);
    }

    @Test
    void planWhenDenyRuleThenNegatedWithMissingAttributeDenying() {
        Plan plan = RECORDS.plan(PrincipalContext.of("a", Set.of("admin")), "record", "read");
        // admin reads everything except closed records; a record without status is denied, as
        // decide's failing deny condition denies
        PlanCondition expected = PlanCondition.and(
                PlanCondition.not(new PlanCondition.In("status", List.of("archived", "deleted"))),
                new PlanCondition.Present("status"));
        assertThat(plan.condition()).contains(expected);
        assertThat(plan.admits(Map.of("status", "active"))).isTrue();
        assertThat(plan.admits(Map.of("status", "archived"))).isFalse();
        assertThat(plan.admits(Map.of())).isFalse();
        assertThat(decide(RECORDS, PrincipalContext.of("a", Set.of("admin")), Map.of(), "read").isAllowed()).isFalse();
    }

    @Test
    void planWhenPrincipalPolicyThenItTakesPrecedence() {
        PrincipalContext boss = PrincipalContext.of("boss", Set.of("nobody"));
        Plan review = RECORDS.plan(boss, "record", "review");
        assertThat(review.kind()).isEqualTo(Plan.Kind.ALWAYS_ALLOWED);
        Plan read = RECORDS.plan(boss, "record", "read");
        assertThat(read.admits(Map.of("status", "active", "visibility", "public", "department", "hr"))).isFalse();
        assertThat(read.admits(Map.of("status", "active", "visibility", "public", "department", "eng"))).isTrue();
    }

    @Test
    void planWhenPrincipalAttributeMissingThenFoldedAsEvaluationError() {
        // V.senior fails without P.attr.clearance: the editor rule's condition fails for every
        // record, so only the owner rule is left
        PrincipalContext editor = PrincipalContext.of("e", Set.of("editor"));
        Plan plan = RECORDS.plan(editor, "record", "edit");
        assertThat(plan.admits(Map.of("status", "active", "owner", "e", "locked", false))).isTrue();
        assertThat(plan.admits(Map.of("status", "active", "owner", "x", "level", 0))).isFalse();
        assertThat(decide(RECORDS, editor, Map.of("status", "active", "owner", "x", "level", 0), "edit")
                .error()).isPresent();
        PrincipalContext cleared = PrincipalContext.of("e", Set.of("editor"), Map.of("clearance", 3));
        Plan twin = RECORDS.plan(cleared, "record", "edit");
        assertThat(twin.admits(Map.of("status", "active", "level", 4))).isTrue();
        assertThat(twin.admits(Map.of("status", "active", "level", 5))).isFalse();
    }

    @Test
    void planWhenFunctionOverResourceUnsupportedThenPlanExceptionNamingIt() {
        assertThatThrownBy(() -> RECORDS.plan(PrincipalContext.of("a", Set.of("user")), "record", "count"))
                .isInstanceOf(PlanException.class)
                .hasMessageContaining("cannot plan function 'size' over the resource")
                .hasMessageContaining("size(R.attr.tags) > 2").hasMessageContaining("record.yaml:");
    }

    @Test
    void planWhenScopeGivenThenAnswersAsDecideInThatScope() {
        PrincipalContext alice = PrincipalContext.of("alice", Set.of("admin"));
        Plan plan = DEMO.plan(alice, "document", "read", "acme");
        for (Map<String, Object> doc : List.<Map<String, Object>>of(Map.of("owner", "alice"), Map.of("owner", "bob"), Map.of())) {
            assertThat(plan.admits(doc)).as("%s", doc).isEqualTo(DEMO.decide(alice,
                    ResourceContext.of("document", "1", doc).withScope("acme"), "read").isAllowed());
        }
        assertThatThrownBy(() -> DEMO.plan(alice, "document", "read", "not a scope!"))
                .isInstanceOf(PlanException.class).hasMessageContaining("scope 'not a scope!'");
    }

    @Test
    void planWhenThirdPartyEvaluatorThenRefusedByDefault() {
        PolicyEvaluator custom = new PolicyEvaluator() {
            @Override
            public List<Decision> decide(PrincipalContext p, ResourceContext r, Collection<String> actions) {
                return List.of();
            }

            @Override
            public boolean covers(String kind, String action) {
                return true;
            }
        };
        assertThatThrownBy(() -> custom.plan(PrincipalContext.of("x", Set.of()), "document", "read"))
                .isInstanceOf(PlanException.class).hasMessageContaining("does not make query plans");
    }

    static Decision decide(PolicyEvaluator ev, PrincipalContext p, Map<String, ?> attrs, String action) {
        return ev.decide(p, ResourceContext.of("record", "r1", attrs), action);
    }
}
