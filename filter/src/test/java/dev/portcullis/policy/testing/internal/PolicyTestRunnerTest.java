package dev.portcullis.policy.testing.internal;

import dev.portcullis.policy.internal.CerbosPolicyEvaluator;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.Effect;
import dev.portcullis.policy.PolicyEvaluator;
import dev.portcullis.policy.testing.PolicyTests;
import dev.portcullis.policy.testing.internal.TestReport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyTestRunnerTest {
    @TempDir
    Path dir;

    private static Path demo() throws URISyntaxException {
        return Path.of(PolicyTestRunnerTest.class.getClassLoader().getResource("policies/demo").toURI());
    }

    private static void write(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    private static final String POLICY = "apiVersion: api.cerbos.dev/v1\nresourcePolicy:\n  resource: doc\n"
            + "  version: default\n  rules:\n    - actions: [read]\n      effect: EFFECT_ALLOW\n      roles: [user]\n"
            + "    - actions: [fresh]\n      effect: EFFECT_ALLOW\n      roles: [user]\n      condition:\n        match:\n"
            + "          expr: now() < timestamp('2030-01-01T00:00:00Z')\n";

    private static String suite(String readEffect) {
        return "name: DocSuite\n"
                + "principals:\n  u:\n    id: u1\n    roles: [user]\n  g:\n    id: g1\n    roles: [guest]\n"
                + "resources:\n  d:\n    kind: doc\n    id: '1'\n"
                + "tests:\n  - name: users read\n    input:\n      principals: [u, g]\n      resources: [d]\n"
                + "      actions: [read]\n    expected:\n      - principal: u\n        resource: d\n"
                + "        actions: {read: " + readEffect + "}\n";
    }

    private void copyDemo() throws Exception {
        Path src = demo();
        try (Stream<Path> walk = Files.walk(src)) {
            for (Path p : walk.filter(Files::isRegularFile).collect(Collectors.toList())) {
                Path target = dir.resolve(src.relativize(p).toString());
                Files.createDirectories(target.getParent());
                Files.copy(p, target);
            }
        }
    }

    @Test
    void runWhenDemoSuiteThenEveryCheckPasses() throws Exception {
        TestReport report = PolicyTestRunner.builder().build().run(demo());
        assertThat(report.suites()).hasSize(1);
        assertThat(report.suites().get(0).name()).isEqualTo("DemoPolicies");
        assertThat(report.failed()).as(report.firstFailure().orElse("")).isZero();
        assertThat(report.passed()).isEqualTo(4 + 6 + 4 + 4 + 6 + 2); // disable and enable: 3 principals × 2 actions
    }

    @Test
    void runWhenExpectationWrongThenFailureReportsExpectedAndActual() throws Exception {
        write(dir, "doc.yaml", POLICY);
        write(dir, "doc_test.yaml", suite("EFFECT_DENY"));
        TestReport report = PolicyTestRunner.builder().build().run(dir);
        assertThat(report.failed()).isEqualTo(1);
        assertThat(report.passed()).isEqualTo(1);
        TestReport.CheckResult bad = report.suites().get(0).checks().stream().filter(c -> !c.passed()).findFirst().orElseThrow();
        assertThat(bad.principal()).isEqualTo("u");
        assertThat(bad.expected()).isEqualTo(Effect.DENY);
        assertThat(bad.actual()).isEqualTo(Effect.ALLOW);
        assertThat(bad.describe()).contains("expected EFFECT_DENY, got EFFECT_ALLOW");
    }

    @Test
    void runWhenGroupsAndOptionsNowThenApplied() throws Exception {
        write(dir, "doc.yaml", POLICY);
        write(dir, "doc_test.yaml", "name: NowSuite\noptions:\n  now: '2031-01-01T00:00:00Z'\n"
                + "principals:\n  u:\n    id: u1\n    roles: [user]\n"
                + "principalGroups:\n  everyone:\n    principals: [u]\n"
                + "resources:\n  d:\n    kind: doc\n    id: '1'\n"
                + "resourceGroups:\n  docs:\n    resources: [d]\n"
                + "tests:\n  - name: stale after 2030\n    input:\n      principalGroups: [everyone]\n"
                + "      resourceGroups: [docs]\n      actions: [fresh, read]\n    expected:\n"
                + "      - principalGroups: [everyone]\n        resourceGroups: [docs]\n        actions: {read: EFFECT_ALLOW}\n"
                + "  - name: fresh before 2030\n    options:\n      now: '2029-01-01T00:00:00Z'\n"
                + "    input:\n      principals: [u]\n      resources: [d]\n      actions: [fresh]\n    expected:\n"
                + "      - principal: u\n        resource: d\n        actions: {fresh: EFFECT_ALLOW}\n");
        TestReport report = PolicyTestRunner.builder().build().run(dir);
        assertThat(report.failed()).as(report.firstFailure().orElse("")).isZero();
        assertThat(report.passed()).isEqualTo(3);
    }

    @Test
    void runWhenSuiteUsesAuxDataThenSuiteFailsClearly() throws Exception {
        write(dir, "doc.yaml", POLICY);
        write(dir, "doc_test.yaml", suite("EFFECT_ALLOW").replace("tests:", "auxData:\n  jwt: {}\ntests:"));
        TestReport report = PolicyTestRunner.builder().build().run(dir);
        assertThat(report.failed()).isEqualTo(1);
        assertThat(report.suites().get(0).error()).hasValueSatisfying(m ->
                assertThat(m).contains("doc_test.yaml").contains("auxData is not supported"));
    }

    @Test
    void runWhenCustomEvaluatorThenItDecides() throws Exception {
        write(dir, "doc.yaml", POLICY);
        write(dir, "doc_test.yaml", suite("EFFECT_ALLOW"));
        PolicyEvaluator denyAll = new PolicyEvaluator() {
            @Override
            public List<Decision> decide(dev.portcullis.policy.PrincipalContext p, dev.portcullis.policy.ResourceContext r,
                                         java.util.Collection<String> actions) {
                List<Decision> out = new ArrayList<>();
                for (String a : actions) {
                    out.add(Decision.defaultDeny(a));
                }
                return out;
            }

            @Override
            public boolean covers(String kind, String action) {
                return false;
            }
        };
        assertThat(PolicyTestRunner.builder().build().run(dir, denyAll).failed()).isEqualTo(1);
        assertThat(PolicyTestRunner.builder().build().run(dir, CerbosPolicyEvaluator.load(dir)).failed()).isZero();
    }

    @Test
    void runWhenSuiteReferencesUnknownPrincipalThenSuiteErrorNamesLine() throws Exception {
        write(dir, "doc.yaml", POLICY);
        write(dir, "doc_test.yaml", suite("EFFECT_ALLOW").replace("principals: [u, g]", "principals: [u, nobody]"));
        TestReport report = PolicyTestRunner.builder().build().run(dir);
        assertThat(report.suites().get(0).error()).hasValueSatisfying(m ->
                assertThat(m).contains("doc_test.yaml:").contains("principal 'nobody' is not defined"));
    }

    // ---- the command

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

    private static Run command(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TestPoliciesCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void commandWhenAllPassThenExitZeroAndClosingLine() throws Exception {
        copyDemo();
        Run r = command(dir.toString());
        assertThat(r.status).isZero();
        assertThat(r.out).contains("PASS DemoPolicies");
        assertThat(r.out.lines().reduce((a, b) -> b).orElse("")).isEqualTo("26 passed, 0 failed");
    }

    @Test
    void commandWhenAnyFailsThenExitOneWithDetails() throws Exception {
        write(dir, "doc.yaml", POLICY);
        write(dir, "doc_test.yaml", suite("EFFECT_DENY"));
        Run r = command(dir.toString());
        assertThat(r.status).isEqualTo(1);
        assertThat(r.out).contains("FAIL DocSuite").contains("  - test \"users read\": principal u, resource d, action read: "
                + "expected EFFECT_DENY, got EFFECT_ALLOW");
        assertThat(r.out.lines().reduce((a, b) -> b).orElse("")).isEqualTo("1 passed, 1 failed");
    }

    @Test
    void commandWhenJsonThenJsonDocumentOnOut() throws Exception {
        write(dir, "doc.yaml", POLICY);
        write(dir, "doc_test.yaml", suite("EFFECT_DENY"));
        Run r = command(dir.toString(), "--json");
        assertThat(r.status).isEqualTo(1);
        assertThat(r.out.trim()).startsWith("{\"passed\":1,\"failed\":1,\"suites\":[{\"name\":\"DocSuite\"")
                .contains("\"expected\":\"EFFECT_DENY\",\"actual\":\"EFFECT_ALLOW\",\"passed\":false")
                .endsWith("}");
        assertThat(r.err.trim()).isEqualTo("1 passed, 1 failed");
    }

    @Test
    void commandWhenBadInputThenExitTwoWithOneLine() throws Exception {
        Run missing = command();
        assertThat(missing.status).isEqualTo(2);
        assertThat(missing.err.lines()).hasSize(1);
        Run notDir = command(dir.resolve("absent").toString());
        assertThat(notDir.status).isEqualTo(2);
        assertThat(notDir.err).contains("not a directory");
        Run option = command(dir.toString(), "--frobnicate");
        assertThat(option.status).isEqualTo(2);
        assertThat(option.err).contains("unknown option --frobnicate");
        write(dir, "doc.yaml", "apiVersion: api.cerbos.dev/v1\nresourcePolicy: [\n");
        Run broken = command(dir.toString());
        assertThat(broken.status).isEqualTo(2);
        assertThat(broken.err.lines()).hasSize(1);
        assertThat(broken.err).contains("policies do not load").contains("doc.yaml");
        assertThat(broken.out).isEmpty();
    }

    @Test
    void commandWhenHelpThenUsageAndExitZero() {
        Run r = command("--help");
        assertThat(r.status).isZero();
        assertThat(r.out).startsWith("usage: test-policies DIR");
    }

    // ---- the JUnit helper

    @TestFactory
    Stream<DynamicTest> demoPoliciesFromClasspath() {
        return PolicyTests.fromClasspath("policies/demo");
    }

    @Test
    void policyTestsWhenSuiteFailsThenDynamicTestFails() throws Exception {
        write(dir, "doc.yaml", POLICY);
        write(dir, "doc_test.yaml", suite("EFFECT_DENY"));
        List<DynamicTest> tests = PolicyTests.from(dir).collect(Collectors.toList());
        assertThat(tests).extracting(DynamicTest::getDisplayName).containsExactly("DocSuite / users read");
        assertThatThrownBy(() -> tests.get(0).getExecutable().execute())
                .isInstanceOf(AssertionError.class).hasMessageContaining("expected EFFECT_DENY, got EFFECT_ALLOW");
    }

    @Test
    void policyTestsWhenSuitePassesThenDynamicTestPasses() throws Throwable {
        write(dir, "doc.yaml", POLICY);
        write(dir, "doc_test.yaml", suite("EFFECT_ALLOW"));
        List<DynamicTest> tests = PolicyTests.from(dir).collect(Collectors.toList());
        assertThat(tests).hasSize(1);
        tests.get(0).getExecutable().execute();
    }
}
