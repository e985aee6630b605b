package dev.portcullis.policy.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.EvaluationMode;
import dev.portcullis.policy.PolicyEvaluator;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import dev.portcullis.policy.testing.PolicyTests;
import dev.portcullis.policy.testing.internal.PolicyTestRunner;
import dev.portcullis.policy.testing.internal.TestPoliciesCommand;
import dev.portcullis.policy.testing.internal.TestReport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Strict and lenient evaluation as Cerbos documents them (docs.cerbos.dev, configuration/engine,
 * "Strict evaluation") and tests them (Cerbos internal/ruletable/cel_errors_test.go and
 * strict_evaluation_test.go, whose policies the {@code policies/semantics} suite repeats), through
 * the evaluator, the setting, {@code test-policies} and {@link PolicyTests}.
 */
class EvaluationModeTest {
    private static final String HEADER = "apiVersion: api.cerbos.dev/v1\n";

    @TempDir
    Path dir;

    private static Path semantics() throws URISyntaxException {
        return Path.of(EvaluationModeTest.class.getClassLoader().getResource("policies/semantics").toURI());
    }

    private CerbosPolicyEvaluator load(EvaluationMode mode) {
        return CerbosPolicyEvaluator.builder().directory(dir).evaluationMode(mode).build();
    }

    private static Decision decide(PolicyEvaluator e, String principal, Set<String> roles, Map<String, ?> attr,
                                   String action) {
        return e.decide(PrincipalContext.of(principal, roles), ResourceContext.of("doc", "1", attr), action);
    }

    private static final class Run {
        final int status;
        final String out;
        final String err;

        Run(int status, String out, String err) {
            this.status = status;
            this.out = out;
            this.err = err;
        }
    }

    private static Run testPolicies(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TestPoliciesCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void testPoliciesWhenLenientThenCerbosAnswersPass() throws Exception {
        Run run = testPolicies(semantics().toString(), "--lenient-evaluation");
        assertThat(run.status).as(run.out + run.err).isZero();
        assertThat(run.out).contains("38 passed, 0 failed");
    }

    @Test
    void testPoliciesWhenDefaultThenStrictAndExactlyTheErrorCasesDeny() throws Exception {
        Run byDefault = testPolicies(semantics().toString());
        Run strict = testPolicies(semantics().toString(), "--strict-evaluation");
        assertThat(byDefault.status).isEqualTo(1);
        assertThat(byDefault.out).contains("32 passed, 6 failed").isEqualTo(strict.out);
        TestReport report = PolicyTestRunner.builder().build().run(semantics());
        List<String> denied = new ArrayList<>();
        for (TestReport.SuiteResult s : report.suites()) {
            for (TestReport.CheckResult c : s.checks()) {
                if (!c.passed()) {
                    assertThat(c.describe()).contains("expected EFFECT_ALLOW, got EFFECT_DENY").contains("error: ");
                    denied.add(c.resource() + "/" + c.action());
                }
            }
        }
        // a failing DENY condition, a missing attribute, a failing imported derived role, and a
        // failing member of any.of / none.of: allowed by Cerbos's default, denied when strict
        assertThat(denied).containsExactlyInAnyOrder("amount_text/read", "amount_missing/read", "record_text/view",
                "three/any-number", "three/none-of", "three/any-of");
    }

    @Test
    void testPoliciesWhenBothModesThenBadInput() throws Exception {
        Run run = testPolicies(semantics().toString(), "--strict-evaluation", "--lenient-evaluation");
        assertThat(run.status).isEqualTo(2);
        assertThat(run.err).contains("exclude each other");
        assertThat(testPolicies("--help").out).contains("--lenient-evaluation").contains("--strict-evaluation");
    }

    @Test
    void policyTestsWhenModeGivenThenSuitesRunInIt() throws Throwable {
        List<DynamicTest> lenient = PolicyTests.from(semantics(), EvaluationMode.LENIENT).collect(Collectors.toList());
        assertThat(lenient).hasSize(5);
        for (DynamicTest t : lenient) {
            t.getExecutable().execute();
        }
        List<String> failing = new ArrayList<>();
        for (DynamicTest t : PolicyTests.from(semantics()).collect(Collectors.toList())) {
            try {
                t.getExecutable().execute();
            } catch (AssertionError e) {
                failing.add(t.getDisplayName());
            }
        }
        assertThat(failing).hasSize(3).allMatch(n -> n.startsWith("CerbosSemantics / "));
    }

    @Test
    void settingWhenAbsentThenStrictWhenLenientThenLenient() {
        PolicyFixtures.write(dir, "doc.yaml", PolicyFixtures.conditionPolicy("R.attr.a == 1"));
        Map<String, String> base = Map.of(SettingNames.POLICY_DIR, dir.toString());
        assertThat(((CerbosPolicyEvaluator) CerbosPolicyEvaluator.fromSettings(Settings.of(base))).evaluationMode())
                .isEqualTo(EvaluationMode.STRICT);
        PolicyEvaluator lenient = CerbosPolicyEvaluator.fromSettings(Settings.of(Map.of(SettingNames.POLICY_DIR,
                dir.toString(), SettingNames.POLICY_EVALUATION, " Lenient ")));
        assertThat(((CerbosPolicyEvaluator) lenient).evaluationMode()).isEqualTo(EvaluationMode.LENIENT);
        assertThat(decide(lenient, "p", Set.of("user"), Map.of(), "act").error()).isEmpty();
        try (ReloadingPolicyEvaluator reloading = (ReloadingPolicyEvaluator) CerbosPolicyEvaluator.fromSettings(
                Settings.of(Map.of(SettingNames.POLICY_DIR, dir.toString(), SettingNames.POLICY_RELOAD, "true",
                        SettingNames.POLICY_EVALUATION, "lenient")))) {
            assertThat(reloading.current().evaluationMode()).isEqualTo(EvaluationMode.LENIENT);
            assertThat(reloading.reload()).isTrue();
            assertThat(reloading.current().evaluationMode()).isEqualTo(EvaluationMode.LENIENT);
        }
    }

    @Test
    void settingWhenUnknownThenConfigurationExceptionNamesIt() {
        PolicyFixtures.write(dir, "doc.yaml", PolicyFixtures.conditionPolicy("true"));
        assertThatThrownBy(() -> CerbosPolicyEvaluator.fromSettings(Settings.of(Map.of(SettingNames.POLICY_DIR,
                dir.toString(), SettingNames.POLICY_EVALUATION, "fail-open"))))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).setting()).isEqualTo(SettingNames.POLICY_EVALUATION))
                .hasMessageContaining("'strict' or 'lenient'").hasMessageContaining("fail-open");
    }

    @Test
    void allOfWhenMemberFailsThenFalseInBothModes() {
        PolicyFixtures.write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n"
                + "  rules:\n    - name: both\n      actions: [act]\n      effect: EFFECT_ALLOW\n      roles: [user]\n"
                + "      condition:\n        match:\n          all:\n            of:\n"
                + "              - expr: int(R.attr.a) % 2 == 1\n              - expr: 'true'\n");
        Decision lenient = decide(load(EvaluationMode.LENIENT), "p", Set.of("user"), Map.of("a", "x"), "act");
        assertThat(lenient.isAllowed()).isFalse();
        assertThat(lenient.error()).isEmpty();
        Decision strict = decide(load(EvaluationMode.STRICT), "p", Set.of("user"), Map.of("a", "x"), "act");
        assertThat(strict.isAllowed()).isFalse();
        assertThat(strict.rule()).isEqualTo("both");
        assertThat(strict.error()).hasValueSatisfying(m -> assertThat(m).contains("int(R.attr.a) % 2 == 1"));
        // positive control: the same rule allows once the expression works
        assertThat(decide(load(EvaluationMode.STRICT), "p", Set.of("user"), Map.of("a", 1), "act").isAllowed())
                .isTrue();
        assertThat(decide(load(EvaluationMode.LENIENT), "p", Set.of("user"), Map.of("a", 1), "act").isAllowed())
                .isTrue();
    }

    @Test
    void derivedRoleWhenConditionFailsThenStrictDeniesTheActionsThatNeedIt() {
        PolicyFixtures.write(dir, "roles.yaml", HEADER + "derivedRoles:\n  name: roles\n  definitions:\n"
                + "    - name: owner\n      parentRoles: [user]\n      condition:\n        match:\n"
                + "          expr: R.attr.owner == P.id && R.attr.amount > 10\n");
        PolicyFixtures.write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n"
                + "  importDerivedRoles: [roles]\n  rules:\n"
                + "    - actions: [read, list]\n      effect: EFFECT_ALLOW\n      roles: [user]\n"
                + "    - name: owner-edit\n      actions: [edit]\n      effect: EFFECT_ALLOW\n      derivedRoles: [owner]\n"
                + "    - name: owner-no-read\n      actions: [read]\n      effect: EFFECT_DENY\n      derivedRoles: [owner]\n");
        Map<String, Object> bad = Map.of("owner", "p", "amount", "lots");
        Decision strictRead = decide(load(EvaluationMode.STRICT), "p", Set.of("user"), bad, "read");
        assertThat(strictRead.isAllowed()).isFalse();
        assertThat(strictRead.rule()).isEqualTo("owner-no-read");
        assertThat(strictRead.error()).hasValueSatisfying(m -> assertThat(m).contains("derived role 'owner'"));
        Decision strictEdit = decide(load(EvaluationMode.STRICT), "p", Set.of("user"), bad, "edit");
        assertThat(strictEdit.isAllowed()).isFalse();
        assertThat(strictEdit.error()).isPresent();
        // an action whose rules do not need the role is decided without it
        assertThat(decide(load(EvaluationMode.STRICT), "p", Set.of("user"), bad, "list").isAllowed()).isTrue();
        // Cerbos's default (cel_errors_test.go erroring_derived_role_is_reported): the role is inactive
        Decision lenientRead = decide(load(EvaluationMode.LENIENT), "p", Set.of("user"), bad, "read");
        assertThat(lenientRead.isAllowed()).isTrue();
        assertThat(lenientRead.error()).isEmpty();
        assertThat(decide(load(EvaluationMode.LENIENT), "p", Set.of("user"), bad, "edit").isAllowed()).isFalse();
        // positive controls: the role works with good data
        Map<String, Object> good = Map.of("owner", "p", "amount", 20);
        assertThat(decide(load(EvaluationMode.STRICT), "p", Set.of("user"), good, "edit").isAllowed()).isTrue();
        assertThat(decide(load(EvaluationMode.STRICT), "p", Set.of("user"), good, "read").isAllowed()).isFalse();
    }

    @Test
    void allowWhenOneAllowFailsButAnotherMatchesThenAllowedInBothModes() {
        PolicyFixtures.write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n"
                + "  rules:\n    - actions: [edit]\n      effect: EFFECT_ALLOW\n      roles: [user]\n"
                + "      condition:\n        match:\n          expr: R.attr.missing == 1\n"
                + "    - actions: [edit]\n      effect: EFFECT_ALLOW\n      roles: [admin]\n");
        for (EvaluationMode mode : EvaluationMode.values()) {
            assertThat(decide(load(mode), "u", Set.of("user", "admin"), Map.of(), "edit").isAllowed()).as(mode.name())
                    .isTrue();
        }
        Decision strict = decide(load(EvaluationMode.STRICT), "u", Set.of("user"), Map.of(), "edit");
        assertThat(strict.isAllowed()).isFalse();
        assertThat(strict.error()).hasValueSatisfying(m -> assertThat(m).contains("missing"));
        Decision lenient = decide(load(EvaluationMode.LENIENT), "u", Set.of("user"), Map.of(), "edit");
        assertThat(lenient.isAllowed()).isFalse();
        assertThat(lenient.error()).isEmpty();
    }

    @Test
    void principalPolicyWhenConditionFailsThenStrictDeniesLenientFallsThrough() {
        PolicyFixtures.write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n"
                + "  rules:\n    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [user]\n");
        PolicyFixtures.write(dir, "zed.yaml", HEADER + "principalPolicy:\n  principal: zed\n  version: default\n"
                + "  rules:\n    - resource: doc\n      actions:\n        - action: read\n          effect: EFFECT_DENY\n"
                + "          condition:\n            match:\n              expr: R.attr.secret == true\n");
        Decision lenient = decide(load(EvaluationMode.LENIENT), "zed", Set.of("user"), Map.of(), "read");
        assertThat(lenient.isAllowed()).isTrue();
        assertThat(lenient.policy()).hasValue("resource.doc.vdefault");
        Decision strict = decide(load(EvaluationMode.STRICT), "zed", Set.of("user"), Map.of(), "read");
        assertThat(strict.isAllowed()).isFalse();
        assertThat(strict.policy()).hasValue("principal.zed.vdefault");
        assertThat(strict.error()).hasValueSatisfying(m -> assertThat(m).contains("secret"));
        assertThat(decide(load(EvaluationMode.STRICT), "zed", Set.of("user"), Map.of("secret", true), "read")
                .isAllowed()).isFalse();
        assertThat(decide(load(EvaluationMode.STRICT), "zed", Set.of("user"), Map.of("secret", false), "read")
                .isAllowed()).isTrue();
    }

    @Test
    void builderWhenNoModeThenStrictAndWithClockKeepsTheMode() {
        PolicyFixtures.write(dir, "doc.yaml", PolicyFixtures.conditionPolicy("R.attr.a == 1"));
        assertThat(CerbosPolicyEvaluator.load(dir).evaluationMode()).isEqualTo(EvaluationMode.STRICT);
        assertThat(load(EvaluationMode.LENIENT).withClock(Clock.systemUTC()).evaluationMode())
                .isEqualTo(EvaluationMode.LENIENT);
        assertThat(EvaluationMode.fromSettingValue("STRICT")).isEqualTo(EvaluationMode.STRICT);
        assertThat(EvaluationMode.LENIENT.settingValue()).isEqualTo("lenient");
    }
}
