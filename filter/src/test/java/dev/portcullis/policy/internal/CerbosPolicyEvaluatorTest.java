package dev.portcullis.policy.internal;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.Effect;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.portcullis.policy.internal.PolicyFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

class CerbosPolicyEvaluatorTest {
    private static final String HEADER = "apiVersion: api.cerbos.dev/v1\n";

    @TempDir
    Path dir;

    private CerbosPolicyEvaluator load() {
        return CerbosPolicyEvaluator.load(dir);
    }

    private static PrincipalContext user(String id, String... roles) {
        return PrincipalContext.of(id, Set.of(roles));
    }

    private static ResourceContext doc(Map<String, ?> attr) {
        return ResourceContext.of("doc", "d1", attr);
    }

    private void docPolicy(String rules) {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n  rules:\n" + rules);
    }

    @Test
    void decideWhenRoleMatchesThenAllowNamingPolicyAndRule() {
        docPolicy("    - name: read-viewers\n      actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [viewer]\n");
        Decision d = load().decide(user("u", "viewer"), doc(null), "read");
        assertThat(d.effect()).isEqualTo(Effect.ALLOW);
        assertThat(d.policy()).contains("resource.doc.vdefault");
        assertThat(d.rule()).isEqualTo("read-viewers");
        assertThat(d.error()).isEmpty();
    }

    @Test
    void decideWhenRoleDoesNotMatchThenDefaultDeny() {
        docPolicy("    - name: read-viewers\n      actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [viewer]\n");
        Decision d = load().decide(user("u", "guest"), doc(null), "read");
        assertThat(d.effect()).isEqualTo(Effect.DENY);
        assertThat(d.rule()).isEqualTo(Decision.NO_MATCHING_RULE);
        assertThat(d.error()).isEmpty();
    }

    @Test
    void decideWhenUnnamedRuleMatchesThenGeneratedRuleName() {
        docPolicy("    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [viewer]\n"
                + "    - actions: [write]\n      effect: EFFECT_ALLOW\n      roles: [viewer]\n");
        assertThat(load().decide(user("u", "viewer"), doc(null), "write").rule()).isEqualTo("rule-002");
    }

    @Test
    void decideWhenNoPolicyForKindThenDenyWithoutPolicy() {
        docPolicy("    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [viewer]\n");
        Decision d = load().decide(user("u", "viewer"), ResourceContext.of("invoice", "1"), "read");
        assertThat(d.effect()).isEqualTo(Effect.DENY);
        assertThat(d.policy()).isEmpty();
        Decision twin = load().decide(user("u", "viewer"), doc(null), "read");
        assertThat(twin.effect()).isEqualTo(Effect.ALLOW);
    }

    @Test
    void decideWhenWildcardRoleThenAnyRoleAllowed() {
        docPolicy("    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: ['*']\n");
        assertThat(load().decide(user("u", "anything"), doc(null), "read").isAllowed()).isTrue();
        assertThat(load().decide(user("u", "anything"), doc(null), "write").isAllowed()).isFalse();
    }

    @Test
    void decideWhenWildcardActionThenEveryActionAllowed() {
        docPolicy("    - actions: ['*']\n      effect: EFFECT_ALLOW\n      roles: [admin]\n");
        CerbosPolicyEvaluator e = load();
        assertThat(e.decide(user("u", "admin"), doc(null), "anything").isAllowed()).isTrue();
        assertThat(e.decide(user("u", "viewer"), doc(null), "anything").isAllowed()).isFalse();
    }

    @Test
    void decideWhenActionPatternThenMatchesWithinSegment() {
        docPolicy("    - actions: ['view:*']\n      effect: EFFECT_ALLOW\n      roles: [user]\n");
        CerbosPolicyEvaluator e = load();
        assertThat(e.decide(user("u", "user"), doc(null), "view:public").isAllowed()).isTrue();
        assertThat(e.decide(user("u", "user"), doc(null), "edit:public").isAllowed()).isFalse();
        assertThat(e.decide(user("u", "user"), doc(null), "view:a:b").isAllowed()).isFalse();
    }

    @Test
    void decideWhenAllowAndDenyBothMatchThenDenyWins() {
        docPolicy("    - name: allow-all\n      actions: ['*']\n      effect: EFFECT_ALLOW\n      roles: [user]\n"
                + "    - name: no-delete-locked\n      actions: [delete]\n      effect: EFFECT_DENY\n      roles: ['*']\n"
                + "      condition:\n        match:\n          expr: R.attr.locked == true\n");
        CerbosPolicyEvaluator e = load();
        Decision denied = e.decide(user("u", "user"), doc(Map.of("locked", true)), "delete");
        assertThat(denied.effect()).isEqualTo(Effect.DENY);
        assertThat(denied.rule()).isEqualTo("no-delete-locked");
        Decision allowed = e.decide(user("u", "user"), doc(Map.of("locked", false)), "delete");
        assertThat(allowed.effect()).isEqualTo(Effect.ALLOW);
        assertThat(allowed.rule()).isEqualTo("allow-all");
    }

    @Test
    void decideWhenSeveralActionsThenOneDecisionEachInOrder() {
        docPolicy("    - actions: [read, list]\n      effect: EFFECT_ALLOW\n      roles: [user]\n");
        List<Decision> ds = load().decide(user("u", "user"), doc(null), List.of("list", "delete", "read"));
        assertThat(ds).extracting(Decision::action).containsExactly("list", "delete", "read");
        assertThat(ds).extracting(Decision::effect).containsExactly(Effect.ALLOW, Effect.DENY, Effect.ALLOW);
    }

    @Test
    void decideWhenDerivedRoleConditionHoldsThenAllowAndReportRole() {
        write(dir, "roles.yaml", HEADER + "derivedRoles:\n  name: common\n  definitions:\n"
                + "    - name: owner\n      parentRoles: [user]\n      condition:\n        match:\n"
                + "          expr: R.attr.owner == P.id\n");
        docPolicy("    - actions: [edit]\n      effect: EFFECT_ALLOW\n      derivedRoles: [owner]\n");
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n"
                + "  importDerivedRoles: [common]\n  rules:\n"
                + "    - actions: [edit]\n      effect: EFFECT_ALLOW\n      derivedRoles: [owner]\n");
        CerbosPolicyEvaluator e = load();
        Decision d = e.decide(user("ann", "user"), doc(Map.of("owner", "ann")), "edit");
        assertThat(d.isAllowed()).isTrue();
        assertThat(d.activeDerivedRoles()).containsExactly("owner");
        Decision other = e.decide(user("bob", "user"), doc(Map.of("owner", "ann")), "edit");
        assertThat(other.isAllowed()).isFalse();
        assertThat(other.activeDerivedRoles()).isEmpty();
    }

    @Test
    void decideWhenParentRoleMissingThenDerivedRoleInactive() {
        write(dir, "roles.yaml", HEADER + "derivedRoles:\n  name: common\n  definitions:\n"
                + "    - name: boss\n      parentRoles: [manager]\n"
                + "    - name: anyone\n      parentRoles: ['*']\n");
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n"
                + "  importDerivedRoles: [common]\n  rules:\n"
                + "    - actions: [approve]\n      effect: EFFECT_ALLOW\n      derivedRoles: [boss]\n"
                + "    - actions: [view]\n      effect: EFFECT_ALLOW\n      derivedRoles: [anyone]\n");
        CerbosPolicyEvaluator e = load();
        assertThat(e.decide(user("u", "manager"), doc(null), "approve").isAllowed()).isTrue();
        assertThat(e.decide(user("u", "clerk"), doc(null), "approve").isAllowed()).isFalse();
        assertThat(e.decide(user("u", "clerk"), doc(null), "view").isAllowed()).isTrue();
    }

    @Test
    void decideWhenPrincipalPolicyAllowsThenOverridesResourceDefaultDeny() {
        docPolicy("    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [viewer]\n");
        write(dir, "zed.yaml", HEADER + "principalPolicy:\n  principal: zed\n  version: default\n  rules:\n"
                + "    - resource: doc\n      actions:\n        - action: '*'\n          effect: EFFECT_ALLOW\n"
                + "          name: zed-all\n");
        CerbosPolicyEvaluator e = load();
        Decision d = e.decide(user("zed", "nobody"), doc(null), "delete");
        assertThat(d.isAllowed()).isTrue();
        assertThat(d.policy()).contains("principal.zed.vdefault");
        assertThat(d.rule()).isEqualTo("zed-all");
        assertThat(e.decide(user("amy", "nobody"), doc(null), "delete").isAllowed()).isFalse();
    }

    @Test
    void decideWhenPrincipalPolicyDeniesThenOverridesResourceAllow() {
        docPolicy("    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [viewer]\n");
        write(dir, "zed.yaml", HEADER + "principalPolicy:\n  principal: zed\n  version: default\n  rules:\n"
                + "    - resource: doc\n      actions:\n        - action: read\n          effect: EFFECT_DENY\n"
                + "          condition:\n            match:\n              expr: R.attr.secret == true\n");
        CerbosPolicyEvaluator e = load();
        Decision denied = e.decide(user("zed", "viewer"), doc(Map.of("secret", true)), "read");
        assertThat(denied.effect()).isEqualTo(Effect.DENY);
        assertThat(denied.policy()).contains("principal.zed.vdefault");
        Decision fallsThrough = e.decide(user("zed", "viewer"), doc(Map.of("secret", false)), "read");
        assertThat(fallsThrough.isAllowed()).isTrue();
        assertThat(fallsThrough.policy()).contains("resource.doc.vdefault");
    }

    @Test
    void decideWhenPolicyVersionGivenThenThatVersionApplies() {
        docPolicy("    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [viewer]\n");
        write(dir, "doc-v2.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: v2\n  rules:\n"
                + "    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [auditor]\n");
        CerbosPolicyEvaluator e = load();
        ResourceContext v2 = doc(null).withPolicyVersion("v2");
        assertThat(e.decide(user("u", "auditor"), v2, "read").isAllowed()).isTrue();
        assertThat(e.decide(user("u", "viewer"), v2, "read").isAllowed()).isFalse();
        assertThat(e.decide(user("u", "viewer"), doc(null), "read").isAllowed()).isTrue();
    }

    @Test
    void decideWhenConditionFailsAtRuntimeThenDenyWithError() {
        docPolicy("    - name: owner-edit\n      actions: [edit]\n      effect: EFFECT_ALLOW\n      roles: [user]\n"
                + "      condition:\n        match:\n          expr: R.attr.owner == P.id\n");
        CerbosPolicyEvaluator e = load();
        Decision d = e.decide(user("u", "user"), doc(Map.of()), "edit");
        assertThat(d.effect()).isEqualTo(Effect.DENY);
        assertThat(d.rule()).isEqualTo("owner-edit");
        assertThat(d.error()).hasValueSatisfying(m -> assertThat(m).contains("doc.yaml").contains("owner"));
        Decision twin = e.decide(user("u", "user"), doc(Map.of("owner", "u")), "edit");
        assertThat(twin.isAllowed()).isTrue();
        assertThat(twin.error()).isEmpty();
    }

    @Test
    void decideWhenDenyConditionFailsThenDenyEvenIfAnotherRuleAllows() {
        docPolicy("    - actions: [edit]\n      effect: EFFECT_ALLOW\n      roles: [user]\n"
                + "    - name: frozen\n      actions: [edit]\n      effect: EFFECT_DENY\n      roles: [user]\n"
                + "      condition:\n        match:\n          expr: R.attr.frozen\n");
        CerbosPolicyEvaluator e = load();
        Decision d = e.decide(user("u", "user"), doc(Map.of("frozen", "not a boolean")), "edit");
        assertThat(d.effect()).isEqualTo(Effect.DENY);
        assertThat(d.rule()).isEqualTo("frozen");
        assertThat(d.error()).isPresent();
        assertThat(e.decide(user("u", "user"), doc(Map.of("frozen", false)), "edit").isAllowed()).isTrue();
    }

    @Test
    void decideWhenOneAllowFailsButAnotherMatchesThenAllow() {
        docPolicy("    - actions: [edit]\n      effect: EFFECT_ALLOW\n      roles: [user]\n"
                + "      condition:\n        match:\n          expr: R.attr.missing == 1\n"
                + "    - actions: [edit]\n      effect: EFFECT_ALLOW\n      roles: [admin]\n");
        CerbosPolicyEvaluator e = load();
        assertThat(e.decide(user("u", "user", "admin"), doc(Map.of()), "edit").isAllowed()).isTrue();
        assertThat(e.decide(user("u", "user"), doc(Map.of()), "edit").error()).isPresent();
    }

    @Test
    void decideWhenNullArgumentsThenDenyNotThrow() {
        docPolicy("    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [user]\n");
        CerbosPolicyEvaluator e = load();
        assertThat(e.decide(null, doc(null), List.of("read")).get(0).error()).isPresent();
        assertThat(e.decide(user("u", "user"), doc(null), List.of("read")).get(0).isAllowed()).isTrue();
    }

    @Test
    void coversWhenRuleNamesActionThenTrue() {
        docPolicy("    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [user]\n");
        write(dir, "zed.yaml", HEADER + "principalPolicy:\n  principal: zed\n  version: default\n  rules:\n"
                + "    - resource: invoice\n      actions:\n        - action: pay\n          effect: EFFECT_ALLOW\n");
        CerbosPolicyEvaluator e = load();
        assertThat(e.covers("doc", "read")).isTrue();
        assertThat(e.covers("invoice", "pay")).isTrue();
        assertThat(e.covers("doc", "write")).isFalse();
        assertThat(e.covers("user", "read")).isFalse();
    }

    @Test
    void loadWhenTestSuitesAndTestdataPresentThenTheyAreNotPolicies() {
        docPolicy("    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [user]\n");
        write(dir, "doc_test.yaml", "name: not a policy\n");
        write(dir, "testdata/principals.yaml", "principals: {}\n");
        write(dir, ".hidden/x.yaml", "garbage: [\n");
        write(dir, "README.md", "not yaml at all: [\n");
        assertThat(load().files()).hasSize(1);
    }

    @Test
    void loadWhenDisabledPolicyThenIgnored() {
        write(dir, "doc.yaml", HEADER + "disabled: true\nresourcePolicy:\n  resource: doc\n  version: default\n"
                + "  rules:\n    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [user]\n");
        assertThat(load().covers("doc", "read")).isFalse();
    }

    @Test
    void loadClasspathWhenDemoThenDecidesLikeTheDemo() {
        CerbosPolicyEvaluator e = CerbosPolicyEvaluator.loadClasspath("policies/demo");
        assertThat(e.resourceKinds()).containsExactly("document", "portcullis", "user");
        PrincipalContext carol = PrincipalContext.of("carol", Set.of("viewer"));
        ResourceContext ownDoc = ResourceContext.of("document", "1", Map.of("owner", "carol"));
        ResourceContext otherDoc = ResourceContext.of("document", "2", Map.of("owner", "erin"));
        assertThat(e.decide(carol, ownDoc, "update").isAllowed()).isTrue();
        assertThat(e.decide(carol, otherDoc, "update").isAllowed()).isFalse();
        assertThat(e.decide(carol, otherDoc, "read").isAllowed()).isTrue();
    }
}
