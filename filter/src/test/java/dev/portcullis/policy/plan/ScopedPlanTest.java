package dev.portcullis.policy.plan;

import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import dev.portcullis.policy.internal.CerbosPolicyEvaluator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the README's query-plan section promises for scopes and nulls beyond the property tests:
 * the refusals (never a wrong plan) and the {@code null} mapping in memory and in SQL.
 */
class ScopedPlanTest {
    private static final PrincipalContext USER = PrincipalContext.of("alice", Set.of("user"), Map.of());

    @TempDir
    Path dir;

    private CerbosPolicyEvaluator load(String... files) throws IOException {
        for (int i = 0; i < files.length; i += 2) {
            Files.writeString(dir.resolve(files[i]), files[i + 1]);
        }
        return CerbosPolicyEvaluator.load(dir);
    }

    private static String resourcePolicy(String scope, String condition) {
        return "apiVersion: api.cerbos.dev/v1\nresourcePolicy:\n  resource: doc\n  version: default\n"
                + (scope.isEmpty() ? "" : "  scope: " + scope + "\n")
                + "  rules:\n    - name: r\n      actions: [view]\n      effect: EFFECT_ALLOW\n      roles: [user]\n"
                + "      condition:\n        match:\n          expr: '" + condition + "'\n";
    }

    @Test
    void planWhenRolePolicyConditionReadsResourceThenRefused() throws IOException {
        CerbosPolicyEvaluator e = load("doc.yaml", resourcePolicy("", "R.attr.a == 1"),
                "doc_t.yaml", resourcePolicy("t", "R.attr.a == 2"),
                "role.yaml", "apiVersion: api.cerbos.dev/v1\nrolePolicy:\n  role: user\n  version: default\n"
                        + "  scope: t\n  scopePermissions: SCOPE_PERMISSIONS_OVERRIDE_PARENT\n  parentRoles: [member]\n"
                        + "  rules:\n    - resource: doc\n      allowActions: [view]\n      condition:\n        match:\n"
                        + "          expr: R.attr.open == true\n");
        PrincipalContext scoped = USER.withScope("t");
        assertThatThrownBy(() -> e.plan(scoped, "doc", "view", "t"))
                .isInstanceOf(PlanException.class).hasMessageContaining("role").hasMessageContaining("reads the resource");
        // positive control: without the role policy in play (root principal) the same tree plans
        Plan plan = e.plan(USER, "doc", "view", "t");
        assertThat(plan.admits(Map.of("a", 2.0))).isTrue();
        assertThat(plan.admits(Map.of("a", 1.0))).isTrue(); // scope t does not match: the root decides
        assertThat(plan.admits(Map.of("a", 3.0))).isFalse();
    }

    @Test
    void planWhenConditionReadsEffectiveDerivedRolesThenRefused() throws IOException {
        CerbosPolicyEvaluator e = load("doc.yaml", resourcePolicy("", "\"x\" in runtime.effectiveDerivedRoles"));
        assertThatThrownBy(() -> e.plan(USER, "doc", "view"))
                .isInstanceOf(PlanException.class).hasMessageContaining("runtime.effectiveDerivedRoles");
    }

    @Test
    void planWhenComparedWithNullThenRefused() throws IOException {
        CerbosPolicyEvaluator e = load("doc.yaml", resourcePolicy("", "R.attr.a == null"));
        assertThatThrownBy(() -> e.plan(USER, "doc", "view")).isInstanceOf(PlanException.class)
                .hasMessageContaining("R.attr.a == null");
    }

    @Test
    void planWhenAttributeIsNullThenAnswersAsDecideInMemoryAndSqlReadsNullAsMissing() throws IOException {
        CerbosPolicyEvaluator e = load("doc.yaml", resourcePolicy("", "has(R.attr.a) && R.attr.a != \"x\""));
        Plan plan = e.plan(USER, "doc", "view");
        Map<String, Object> nullA = new HashMap<>();
        nullA.put("a", null);
        boolean decided = e.decide(USER, ResourceContext.of("doc", "1", nullA), "view").isAllowed();
        assertThat(decided).isTrue(); // has() is true for a kept null and null != "x"
        assertThat(plan.admits(nullA)).isEqualTo(decided);
        assertThat(plan.admits(Map.of())).isFalse();
        assertThat(new PlanCondition.Null("a").test(nullA)).isTrue();
        assertThat(new PlanCondition.Null("a").test(Map.of())).isFalse();
        assertThat(new PlanCondition.Null("a").test(Map.of("a", "x"))).isFalse();
        SqlWhere where = SqlWhere.of(new PlanCondition.Null("a"), Map.of("a", "d.a"), Map.of());
        assertThat(where.sql()).isEqualTo("1=0");
        assertThat(where.parameters()).isEqualTo(List.of());
    }

    @Test
    void decideAndPlanWhenRolePolicyNarrowsRolesThenLenientModeIsKept() throws IOException {
        String doc = "apiVersion: api.cerbos.dev/v1\nresourcePolicy:\n  resource: doc\n  version: default\n%s"
                + "  rules:\n    - name: deny-flagged\n      actions: [view]\n      effect: EFFECT_DENY\n      roles: ['*']\n"
                + "      condition:\n        match:\n          expr: R.attr.flagged == true\n"
                + "    - name: users\n      actions: [view]\n      effect: EFFECT_ALLOW\n      roles: [user]\n";
        for (String[] f : new String[][] {{"doc.yaml", String.format(doc, "")},
                {"doc_t.yaml", String.format(doc, "  scope: t\n").replace("deny-flagged", "deny-flagged-t")},
                {"role.yaml", "apiVersion: api.cerbos.dev/v1\nrolePolicy:\n  role: custom\n  version: default\n"
                        + "  scope: t\n  scopePermissions: SCOPE_PERMISSIONS_OVERRIDE_PARENT\n  parentRoles: [user]\n"
                        + "  rules:\n    - resource: doc\n      allowActions: [view]\n"}}) {
            Files.writeString(dir.resolve(f[0]), f[1]);
        }
        PrincipalContext custom = PrincipalContext.of("carol", Set.of("custom"), Map.of()).withScope("t");
        ResourceContext unflagged = ResourceContext.of("doc", "1", Map.of()).withScope("t"); // R.attr.flagged fails
        CerbosPolicyEvaluator lenient = CerbosPolicyEvaluator.builder().directory(dir)
                .evaluationMode(dev.portcullis.policy.EvaluationMode.LENIENT).build();
        CerbosPolicyEvaluator strict = CerbosPolicyEvaluator.load(dir);
        // lenient: the erroring deny does not deny, the narrowed role 'user' is allowed; strict fails closed
        assertThat(lenient.decide(custom, unflagged, "view").isAllowed()).isTrue();
        assertThat(strict.decide(custom, unflagged, "view").isAllowed()).isFalse();
        assertThat(lenient.plan(custom, "doc", "view", "t").admits(Map.of())).isTrue();
        assertThat(strict.plan(custom, "doc", "view", "t").admits(Map.of())).isFalse();
        assertThat(lenient.plan(custom, "doc", "view", "t").admits(Map.of("flagged", true))).isFalse();
    }
}
