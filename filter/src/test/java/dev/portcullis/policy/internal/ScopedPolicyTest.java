package dev.portcullis.policy.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.PolicyEvaluator;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Scope search, scope permissions, role policies, schemas and globals, decided on the multi-tenant tree. */
class ScopedPolicyTest {
    private static final String HEADER = "apiVersion: api.cerbos.dev/v1\n";
    @TempDir
    Path dir;

    private static CerbosPolicyEvaluator.Builder tree() throws Exception {
        return CerbosPolicyEvaluator.builder().directory(MultiTenantPolicyTreeTest.tree());
    }

    private static PrincipalContext alice(String country) {
        return PrincipalContext.of("alice", Set.of("user"), Map.of("country", country));
    }

    private static ResourceContext doc(String owner, String scope) {
        return ResourceContext.of("document", "d", Map.of("owner", owner)).withScope(scope);
    }

    @Test
    void decideWhenLeafRequiresParentalConsentThenAllowNeedsAParentAllow() throws Exception {
        CerbosPolicyEvaluator e = tree().build();
        Decision owner = e.decide(alice("GB"), doc("alice", "acme.hr.uk"), "edit");
        assertThat(owner.isAllowed()).isTrue();
        assertThat(owner.policy()).hasValue("resource.document.vdefault");
        Decision notOwner = e.decide(alice("GB"), doc("zoe", "acme.hr.uk"), "edit");
        assertThat(notOwner.isAllowed()).isFalse();
        assertThat(notOwner.policy()).hasValue("resource.document.vdefault/acme.hr.uk");
        assertThat(notOwner.error()).hasValueSatisfying(m -> assertThat(m).contains("no parent scope allows it"));
        Decision conditionNotMet = e.decide(alice("FR"), doc("alice", "acme.hr.uk"), "edit");
        assertThat(conditionNotMet.isAllowed()).isFalse();
        assertThat(conditionNotMet.policy()).hasValue("resource.document.vdefault/acme.hr.uk");
        // the same owner and country at the department scope: the base policy alone decides
        assertThat(e.decide(alice("FR"), doc("alice", "acme.hr"), "edit").isAllowed()).isTrue();
    }

    @Test
    void decideWhenScopeHasNoPolicyThenDeniedUnlessLenient() throws Exception {
        Decision strict = tree().build().decide(alice("GB"), doc("alice", "acme.hr.de"), "view");
        assertThat(strict.isAllowed()).isFalse();
        assertThat(strict.error()).hasValueSatisfying(m ->
                assertThat(m).contains("no resource policy for 'document'").contains("'acme.hr.de'"));
        Decision lenient = tree().lenientScopeSearch(true).build().decide(alice("GB"), doc("alice", "acme.hr.de"), "view");
        assertThat(lenient.isAllowed()).isTrue();
        assertThat(lenient.policy()).hasValue("resource.document.vdefault");
    }

    @Test
    void decideWhenScopeUnsetThenScopeFieldsAreEmptyStrings() throws Exception {
        write(dir, "doc.yaml", PolicyFixtures.conditionPolicy(
                "R.scope == '' && P.scope == '' && R.policyVersion == '' && P.policyVersion == ''"));
        CerbosPolicyEvaluator e = CerbosPolicyEvaluator.load(dir);
        PrincipalContext p = PrincipalContext.of("u", Set.of("user"));
        assertThat(e.decide(p, ResourceContext.of("doc", "1"), "act").isAllowed()).isTrue();
        // set explicitly, the version is seen as given (and still selects the default policies)
        assertThat(e.decide(p, ResourceContext.of("doc", "1").withPolicyVersion("default"), "act").isAllowed()).isFalse();
        write(dir, "doc.yaml", PolicyFixtures.conditionPolicy("R.policyVersion == 'default' && P.policyVersion == 'default'"));
        e = CerbosPolicyEvaluator.load(dir);
        assertThat(e.decide(p.withPolicyVersion("default"), ResourceContext.of("doc", "1").withPolicyVersion("default"),
                "act").isAllowed()).isTrue();
        write(dir, "doc.yaml", PolicyFixtures.conditionPolicy("R.scope == 'a' && P.scope == 'b'"));
        write(dir, "doc_a.yaml", PolicyFixtures.conditionPolicy("R.scope == 'a' && P.scope == 'b'")
                .replace("  version: default\n", "  version: default\n  scope: a\n"));
        e = CerbosPolicyEvaluator.load(dir);
        assertThat(e.decide(p.withScope("b"), ResourceContext.of("doc", "1").withScope("a"), "act").isAllowed()).isTrue();
        assertThat(e.decide(p, ResourceContext.of("doc", "1").withScope("a"), "act").isAllowed()).isFalse();
    }

    @Test
    void decideWhenScopedPrincipalPolicyThenItsChainComesFirst() {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n  rules:\n"
                + "    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [user]\n");
        write(dir, "alice.yaml", HEADER + "principalPolicy:\n  principal: alice\n  version: default\n  rules:\n"
                + "    - resource: doc\n      actions:\n        - action: write\n          effect: EFFECT_ALLOW\n");
        write(dir, "alice_acme.yaml", HEADER + "principalPolicy:\n  principal: alice\n  version: default\n  scope: acme\n"
                + "  rules:\n    - resource: doc\n      actions:\n        - action: read\n          effect: EFFECT_DENY\n");
        CerbosPolicyEvaluator e = CerbosPolicyEvaluator.load(dir);
        PrincipalContext alice = PrincipalContext.of("alice", Set.of("user"));
        ResourceContext d = ResourceContext.of("doc", "1");
        assertThat(e.decide(alice, d, "read").isAllowed()).isTrue();
        assertThat(e.decide(alice.withScope("acme"), d, "read").policy()).hasValue("principal.alice.vdefault/acme");
        assertThat(e.decide(alice.withScope("acme"), d, "read").isAllowed()).isFalse();
        assertThat(e.decide(alice.withScope("acme"), d, "write").isAllowed()).isTrue();
        assertThat(e.principalPolicies()).containsOnlyKeys("alice");
    }

    @Test
    void decideWhenPrincipalPolicyNeedsParentalConsentThenResourcePoliciesCanGiveIt() {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n  rules:\n"
                + "    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [user]\n");
        write(dir, "alice.yaml", HEADER + "principalPolicy:\n  principal: alice\n  version: default\n  rules:\n"
                + "    - resource: doc\n      actions:\n        - action: write\n          effect: EFFECT_ALLOW\n");
        write(dir, "alice_acme.yaml", HEADER + "principalPolicy:\n  principal: alice\n  version: default\n"
                + "  scope: acme\n  scopePermissions: SCOPE_PERMISSIONS_REQUIRE_PARENTAL_CONSENT_FOR_ALLOWS\n"
                + "  rules:\n    - resource: doc\n      actions:\n"
                + "        - action: read\n          effect: EFFECT_ALLOW\n"
                + "        - action: write\n          effect: EFFECT_ALLOW\n"
                + "        - action: delete\n          effect: EFFECT_ALLOW\n");
        CerbosPolicyEvaluator e = CerbosPolicyEvaluator.load(dir);
        PrincipalContext alice = PrincipalContext.of("alice", Set.of("user")).withScope("acme");
        ResourceContext d = ResourceContext.of("doc", "1");
        assertThat(e.decide(alice, d, "read").isAllowed()).as("the resource policy consents").isTrue();
        assertThat(e.decide(alice, d, "write").isAllowed()).as("the root principal policy consents").isTrue();
        Decision delete = e.decide(alice, d, "delete");
        assertThat(delete.isAllowed()).as("nobody above consents").isFalse();
        assertThat(delete.policy()).hasValue("principal.alice.vdefault/acme");
    }

    @Test
    void decideWhenRolePolicyThenOnlyListedActionsSurviveAndParentsApply() throws Exception {
        CerbosPolicyEvaluator e = tree().build();
        PrincipalContext dave = PrincipalContext.of("dave", Set.of("acme_contractor")).withScope("acme.hr");
        ResourceContext own = ResourceContext.of("document", "d", Map.of("owner", "dave", "public", true)).withScope("acme");
        assertThat(e.decide(dave, own, "view").isAllowed()).isTrue();
        Decision edit = e.decide(dave, own, "edit");
        assertThat(edit.isAllowed()).isFalse();
        assertThat(edit.policy()).hasValue("role.acme_contractor.vdefault/acme");
        // an IdP role next to the custom role keeps its own permissions
        PrincipalContext both = PrincipalContext.of("dave", Set.of("acme_contractor", "user")).withScope("acme");
        assertThat(e.decide(both, own, "edit").isAllowed()).isTrue();
    }

    @Test
    void decideWhenAttributesFailTheSchemaThenEnforcementDecides() throws Exception {
        ResourceContext bad = ResourceContext.of("document", "d", Map.of("owner", 42));
        PrincipalContext admin = PrincipalContext.of("root", Set.of("admin"));
        Decision rejected = tree().build().decide(admin, bad, "view");
        assertThat(rejected.isAllowed()).isFalse();
        assertThat(rejected.rule()).isEqualTo("schemas");
        assertThat(rejected.error()).hasValueSatisfying(m -> assertThat(m).contains("resource").contains("/owner"));
        assertThat(tree().build().decide(admin, bad, "create").isAllowed()).as("ignoreWhen.actions").isTrue();
        assertThat(tree().schemaEnforcement("warn").build().decide(admin, bad, "view").isAllowed()).isTrue();
        assertThat(tree().schemaEnforcement("none").build().decide(admin, bad, "view").isAllowed()).isTrue();
        assertThat(tree().build().decide(admin, ResourceContext.of("document", "d", Map.of("owner", "x")), "view")
                .isAllowed()).isTrue();
        assertThatThrownBy(() -> tree().schemaEnforcement("strict"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(SettingNames.POLICY_SCHEMA_ENFORCEMENT);
    }

    @Test
    void fromSettingsWhenGlobalsFileThenConditionsSeeThem() throws Exception {
        write(dir, "p/doc.yaml", PolicyFixtures.conditionPolicy("G.env == 'staging' && globals.n == 2"));
        Path globals = write(dir, "globals.yaml", "env: staging\nn: 2\n");
        PolicyEvaluator e = CerbosPolicyEvaluator.fromSettings(Settings.of(Map.of(SettingNames.POLICY_DIR,
                dir.resolve("p").toString(), SettingNames.POLICY_GLOBALS, globals.toString())));
        PrincipalContext p = PrincipalContext.of("u", Set.of("user"));
        assertThat(e.decide(p, ResourceContext.of("doc", "1"), "act").isAllowed()).isTrue();
        PolicyEvaluator none = CerbosPolicyEvaluator.fromSettings(Settings.of(Map.of(SettingNames.POLICY_DIR,
                dir.resolve("p").toString())));
        assertThat(none.decide(p, ResourceContext.of("doc", "1"), "act").isAllowed()).isFalse();
        write(dir, "bad.yaml", "- a\n- b\n");
        assertThatThrownBy(() -> CerbosPolicyEvaluator.fromSettings(Settings.of(Map.of(SettingNames.POLICY_DIR,
                dir.resolve("p").toString(), SettingNames.POLICY_GLOBALS, dir.resolve("bad.yaml").toString()))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(SettingNames.POLICY_GLOBALS);
    }

    @Test
    void decideWhenOutputsThenBothActivatedAndConditionNotMetAreReported() throws Exception {
        CerbosPolicyEvaluator e = tree().build();
        ResourceContext archived = ResourceContext.of("document", "d", Map.of("owner", "alice", "archived", true))
                .withScope("acme");
        assertThat(e.decide(alice("GB"), archived, "delete").outputs()).containsExactly(
                new Decision.Output("resource.document.vdefault/acme#no-delete-archived",
                        "archived documents cannot be deleted"));
        List<Decision.Output> live = e.decide(alice("GB"), doc("alice", "acme"), "delete").outputs();
        assertThat(live).containsExactly(
                new Decision.Output("resource.document.vdefault/acme#no-delete-archived", "not archived"),
                new Decision.Output("resource.document.vdefault#owner-all", "owner alice in acme via owner"));
    }

    @Test
    void withScopeWhenMalformedThenRefused() {
        assertThatThrownBy(() -> ResourceContext.of("doc", "1").withScope("a..b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a..b");
        assertThat(ResourceContext.of("doc", "1").withScope(".").scope()).isEmpty();
    }
}
