package dev.portcullis.policy.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.policy.PolicyEvaluator;
import dev.portcullis.policy.PolicyLoadException;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static dev.portcullis.policy.internal.PolicyFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyLoadTest {
    private static final String HEADER = "apiVersion: api.cerbos.dev/v1\n";
    private static final String GOOD_RULES = "  rules:\n    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [user]\n";

    @TempDir
    Path dir;

    private PolicyLoadException loadFails() {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> CerbosPolicyEvaluator.load(dir));
        assertThat(t).isInstanceOf(PolicyLoadException.class);
        return (PolicyLoadException) t;
    }

    @Test
    void loadWhenValidPolicyThenLoads() {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n" + GOOD_RULES);
        assertThat(CerbosPolicyEvaluator.load(dir).covers("doc", "read")).isTrue();
    }

    @Test
    void loadWhenYamlMalformedThenFileAndLineNamed() {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: [default\n" + GOOD_RULES);
        PolicyLoadException e = loadFails();
        assertThat(e.file()).endsWith("doc.yaml");
        assertThat(e.line()).isGreaterThan(0);
        assertThat(e.getMessage()).contains("doc.yaml:").contains("invalid YAML");
    }

    @Test
    void loadWhenCelDoesNotCompileThenFileLineAndCelErrorNamed() {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n  rules:\n"
                + "    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [user]\n"
                + "      condition:\n        match:\n          expr: R.attr.owner == \n");
        PolicyLoadException e = loadFails();
        assertThat(e.line()).isEqualTo(11);
        assertThat(e.getMessage()).contains("doc.yaml:11: condition does not compile");
    }

    @Test
    void loadWhenCelCallsUnknownFunctionThenRefused() {
        write(dir, "doc.yaml", PolicyFixtures.conditionPolicy("noSuchFunction(R.attr.x)"));
        assertThat(loadFails().getMessage()).contains("doc.yaml:12").contains("noSuchFunction");
        write(dir, "doc.yaml", PolicyFixtures.conditionPolicy("hasIntersection(R.attr.x, P.attr.y)"));
        assertThat(CerbosPolicyEvaluator.load(dir).covers("doc", "act")).isTrue();
    }

    @Test
    void loadWhenConditionReadsAuxDataJwtThenItSeesThePrincipalsClaims() {
        write(dir, "doc.yaml", PolicyFixtures.conditionPolicy("request.auxData.jwt.iss == 'x'"));
        CerbosPolicyEvaluator e = CerbosPolicyEvaluator.load(dir);
        PrincipalContext p = PrincipalContext.of("u", Set.of("user"));
        ResourceContext r = ResourceContext.of("doc", "1");
        assertThat(e.decide(p.withAuxDataJwt(Map.of("iss", "x")), r, "act").isAllowed()).isTrue();
        assertThat(e.decide(p.withAuxDataJwt(Map.of("iss", "y")), r, "act").isAllowed()).isFalse();
        assertThat(e.decide(p, r, "act").error()).hasValueSatisfying(m -> assertThat(m).contains("iss"));
    }

    @Test
    void loadWhenConditionUsesUndeclaredIdentifierThenRefused() {
        write(dir, "doc.yaml", PolicyFixtures.conditionPolicy("nosuch.x == 1"));
        assertThat(loadFails().getMessage()).contains("doc.yaml:12: condition does not compile").contains("nosuch");
    }

    @Test
    void loadWhenConditionIsNotBooleanThenRefused() {
        write(dir, "doc.yaml", PolicyFixtures.conditionPolicy("R.id + 'x'"));
        assertThat(loadFails().getMessage()).contains("doc.yaml:12").contains("must be boolean");
    }

    @Test
    void loadWhenUnknownFieldThenFieldFileAndLineNamed() {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n  rules:\n"
                + "    - actions: [read]\n      effect: EFFECT_ALLOW\n      rolez: [user]\n");
        PolicyLoadException e = loadFails();
        assertThat(e.getMessage()).contains("doc.yaml:8: unknown field 'rolez' in rule");
    }

    @Test
    void loadWhenScopedPolicyHasNoParentThenTheGapIsNamed() {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n" + GOOD_RULES);
        write(dir, "doc_ab.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n  scope: a.b\n"
                + GOOD_RULES);
        assertThat(loadFails().getMessage()).contains("doc_ab.yaml:3").contains("scope 'a.b' has no parent policy of scope 'a'");
        write(dir, "doc_a.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n  scope: a\n" + GOOD_RULES);
        assertThat(CerbosPolicyEvaluator.load(dir).covers("doc", "read")).isTrue();
    }

    @Test
    void loadWhenParentalConsentIsNotALeafThenRefused() {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n" + GOOD_RULES);
        write(dir, "doc_a.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n  scope: a\n"
                + "  scopePermissions: SCOPE_PERMISSIONS_REQUIRE_PARENTAL_CONSENT_FOR_ALLOWS\n" + GOOD_RULES);
        assertThat(CerbosPolicyEvaluator.load(dir).covers("doc", "read")).isTrue();
        write(dir, "doc_ab.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n  scope: a.b\n"
                + "  scopePermissions: SCOPE_PERMISSIONS_REQUIRE_PARENTAL_CONSENT_FOR_ALLOWS\n" + GOOD_RULES);
        assertThat(loadFails().getMessage()).contains("doc_a.yaml").contains("only allowed at the leaves");
    }

    @Test
    void loadWhenScopePermissionsMisspelledOrAtRootThenRefused() {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n"
                + "  scopePermissions: OVERRIDE\n" + GOOD_RULES);
        assertThat(loadFails().getMessage()).contains("doc.yaml:5: scopePermissions must be SCOPE_PERMISSIONS_OVERRIDE_PARENT");
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n"
                + "  scopePermissions: SCOPE_PERMISSIONS_REQUIRE_PARENTAL_CONSENT_FOR_ALLOWS\n" + GOOD_RULES);
        assertThat(loadFails().getMessage()).contains("cannot be used by a root (unscoped) policy");
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n"
                + "  scopePermissions: SCOPE_PERMISSIONS_OVERRIDE_PARENT\n" + GOOD_RULES);
        assertThat(CerbosPolicyEvaluator.load(dir).covers("doc", "read")).isTrue();
    }

    @Test
    void loadWhenSchemaFileMissingThenRefused() {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n"
                + "  schemas:\n    principalSchema:\n      ref: cerbos:///p.json\n" + GOOD_RULES);
        assertThat(loadFails().getMessage()).contains("doc.yaml:7: schema 'cerbos:///p.json' not found");
        write(dir, "_schemas/p.json", "{\"type\": \"object\"}");
        assertThat(CerbosPolicyEvaluator.load(dir).covers("doc", "read")).isTrue();
    }

    @Test
    void loadWhenSchemasOnAScopedPolicyThenRefused() {
        write(dir, "_schemas/p.json", "{\"type\": \"object\"}");
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n" + GOOD_RULES);
        write(dir, "doc_a.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n  scope: a\n"
                + "  schemas:\n    principalSchema:\n      ref: cerbos:///p.json\n" + GOOD_RULES);
        assertThat(loadFails().getMessage()).contains("doc_a.yaml:7: schemas are taken from the root");
    }

    @Test
    void loadWhenSchemaRefersToARemoteSchemaThenItIsNotFetched() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(1);
            write(dir, "_schemas/p.json", "{\"$ref\": \"http://127.0.0.1:" + server.getLocalPort() + "/x.json\"}");
            write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n"
                    + "  schemas:\n    principalSchema:\n      ref: cerbos:///p.json\n" + GOOD_RULES);
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> CerbosPolicyEvaluator.load(dir)
                    .decide(PrincipalContext.of("u", Set.of("user")), ResourceContext.of("doc", "1"), "read"));
            assertThatThrownBy(server::accept).isInstanceOf(java.net.SocketTimeoutException.class);
            if (t == null) {
                return;
            }
            assertThat(t).isInstanceOf(PolicyLoadException.class).hasMessageContaining("cerbos:///p.json");
        }
    }

    @Test
    void loadWhenSchemasFolderHoldsJsonThenItIsNotReadAsPolicies() {
        write(dir, "_schemas/p.json", "{\"type\": \"object\"}");
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n" + GOOD_RULES);
        assertThat(CerbosPolicyEvaluator.load(dir).files()).hasSize(1);
        write(dir, "sub/_schemas/p.json", "{\"type\": \"object\"}");
        assertThat(loadFails().getMessage()).as("only the top-level _schemas is special").contains("p.json");
    }

    @Test
    void loadWhenOutputExpressionDoesNotCompileThenRefused() {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n  rules:\n"
                + "    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [user]\n"
                + "      output:\n        when:\n          ruleActivated: P.id +\n");
        assertThat(loadFails().getMessage()).contains("doc.yaml:11: output expression does not compile");
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n  rules:\n"
                + "    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [user]\n"
                + "      output:\n        expr: P.id\n");
        assertThat(CerbosPolicyEvaluator.load(dir).decide(PrincipalContext.of("u", Set.of("user")),
                ResourceContext.of("doc", "1"), "read").outputs())
                .containsExactly(new dev.portcullis.policy.Decision.Output("resource.doc.vdefault#rule-001", "u"));
    }

    @Test
    void loadWhenRolePolicyLacksScopePermissionsThenRefused() {
        String role = HEADER + "rolePolicy:\n  role: acme_admin\n  version: default\n  parentRoles: [admin]\n"
                + "  rules:\n    - resource: doc\n      allowActions: [read]\n";
        write(dir, "role.yaml", role);
        assertThat(loadFails().getMessage()).contains("role.yaml:3: role policies must set scopePermissions");
        write(dir, "role.yaml", role + "  scopePermissions: SCOPE_PERMISSIONS_OVERRIDE_PARENT\n");
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n" + GOOD_RULES);
        assertThat(CerbosPolicyEvaluator.load(dir).covers("doc", "read")).isTrue();
    }

    @Test
    void loadWhenGlobalsSectionInAPolicyFileThenRefusedNamingTheSetting() {
        write(dir, "doc.yaml", HEADER + "globals:\n  x: 1\nresourcePolicy:\n  resource: doc\n  version: default\n"
                + GOOD_RULES);
        assertThat(loadFails().getMessage()).contains("portcullis.policy.globals");
    }

    @Test
    void loadWhenApiVersionWrongThenRefused() {
        write(dir, "doc.yaml", "apiVersion: api.cerbos.dev/v2\nresourcePolicy:\n  resource: doc\n  version: default\n" + GOOD_RULES);
        assertThat(loadFails().getMessage()).contains("doc.yaml:1: apiVersion must be 'api.cerbos.dev/v1'");
    }

    @Test
    void loadWhenEffectMisspelledThenRefused() {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n  rules:\n"
                + "    - actions: [read]\n      effect: ALLOW\n      roles: [user]\n");
        assertThat(loadFails().getMessage()).contains("doc.yaml:7: effect must be EFFECT_ALLOW or EFFECT_DENY");
    }

    @Test
    void loadWhenDerivedRolesNotImportedThenRefused() {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n"
                + "  importDerivedRoles: [missing]\n" + GOOD_RULES);
        assertThat(loadFails().getMessage()).contains("doc.yaml:5: imported derived roles 'missing'");
    }

    @Test
    void loadWhenRuleUsesUnknownDerivedRoleThenRefused() {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n  rules:\n"
                + "    - actions: [read]\n      effect: EFFECT_ALLOW\n      derivedRoles: [owner]\n");
        assertThat(loadFails().getMessage()).contains("doc.yaml:8: derived role 'owner' is not defined");
    }

    @Test
    void loadWhenUndefinedVariableThenRefused() {
        write(dir, "doc.yaml", PolicyFixtures.conditionPolicy("V.nope"));
        assertThat(loadFails().getMessage()).contains("doc.yaml:12: undefined variable 'nope'");
    }

    @Test
    void loadWhenVariablesFormACycleThenRefused() {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n"
                + "  variables:\n    local:\n      a: V.b\n      b: V.a\n" + GOOD_RULES);
        assertThat(loadFails().getMessage()).contains("cycle").contains("a -> b -> a");
    }

    @Test
    void loadWhenTwoPoliciesForSameKindAndVersionThenBothNamed() {
        write(dir, "a.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n" + GOOD_RULES);
        write(dir, "b.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n" + GOOD_RULES);
        assertThat(loadFails().getMessage()).contains("b.yaml:3").contains("already defined at").contains("a.yaml:3");
    }

    @Test
    void loadWhenDirectoryMissingThenRefused() {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> CerbosPolicyEvaluator.load(dir.resolve("absent")));
        assertThat(t).isInstanceOf(PolicyLoadException.class).hasMessageContaining("not a directory");
    }

    @Test
    void loadWhenJsonPolicyThenLoads() {
        write(dir, "doc.json", "{\"apiVersion\": \"api.cerbos.dev/v1\", \"resourcePolicy\": {\"resource\": \"doc\","
                + " \"version\": \"default\", \"rules\": [{\"actions\": [\"read\"], \"effect\": \"EFFECT_ALLOW\","
                + " \"roles\": [\"user\"]}]}}");
        assertThat(CerbosPolicyEvaluator.load(dir).decide(PrincipalContext.of("u", Set.of("user")),
                ResourceContext.of("doc", "1"), "read").isAllowed()).isTrue();
    }

    @Test
    void fromSettingsWhenDirMissingThenConfigurationExceptionNamesSetting() {
        assertThatThrownBy(() -> CerbosPolicyEvaluator.fromSettings(Settings.of(Map.of())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(SettingNames.POLICY_DIR);
    }

    @Test
    void fromSettingsWhenDirGivenThenLoads() {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n" + GOOD_RULES);
        PolicyEvaluator e = CerbosPolicyEvaluator.fromSettings(Settings.of(Map.of(SettingNames.POLICY_DIR, dir.toString())));
        assertThat(e).isInstanceOf(CerbosPolicyEvaluator.class);
        assertThat(e.covers("doc", "read")).isTrue();
    }

    @Test
    void fromSettingsWhenDirIsNotADirectoryThenConfigurationException() {
        assertThatThrownBy(() -> CerbosPolicyEvaluator.fromSettings(Settings.of(
                Map.of(SettingNames.POLICY_DIR, dir.resolve("absent").toString()))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(SettingNames.POLICY_DIR);
    }

    @Test
    void fromSettingsWhenClasspathThenLoads() {
        PolicyEvaluator e = CerbosPolicyEvaluator.fromSettings(Settings.of(
                Map.of(SettingNames.POLICY_DIR, "classpath:policies/demo")));
        assertThat(e.covers("user", "disable")).isTrue();
    }

    @Test
    void fromSettingsWhenClasspathWithReloadThenConfigurationExceptionNamesReload() {
        assertThatThrownBy(() -> CerbosPolicyEvaluator.fromSettings(Settings.of(Map.of(
                SettingNames.POLICY_DIR, "classpath:policies/demo",
                SettingNames.POLICY_RELOAD, "true"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(SettingNames.POLICY_RELOAD);
    }

    @Test
    void fromSettingsWhenReloadOnThenReloadingEvaluator() {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n" + GOOD_RULES);
        PolicyEvaluator e = CerbosPolicyEvaluator.fromSettings(Settings.of(Map.of(
                SettingNames.POLICY_DIR, dir.toString(), SettingNames.POLICY_RELOAD, "true")));
        try {
            assertThat(e).isInstanceOf(ReloadingPolicyEvaluator.class);
            assertThat(e.covers("doc", "read")).isTrue();
        } finally {
            ((ReloadingPolicyEvaluator) e).close();
        }
    }
}
