package dev.portcullis.policy.testing;

import dev.portcullis.policy.EvaluationMode;
import dev.portcullis.policy.PolicyLoadException;
import dev.portcullis.policy.testing.internal.PolicyTestRunner;
import dev.portcullis.policy.testing.internal.TestReport;
import org.junit.jupiter.api.DynamicTest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs policy test suites as JUnit 5 dynamic tests, so an application's {@code mvn test} checks
 * its policies: one dynamic test per suite test (named {@code suite / test}), failing with every
 * mismatched principal, resource and action; a suite that cannot be read, or policies that do not
 * load, give one failing test with the reason. Needs {@code junit-jupiter-api} on the test
 * classpath (an optional dependency of Portcullis).
 *
 * <pre>{@code
 * class PolicyTest {
 *     @TestFactory
 *     Stream<DynamicTest> policies() {
 *         return PolicyTests.fromClasspath("policies");
 *     }
 * }
 * }</pre>
 *
 * <p>Thread safety: stateless.
 */
public final class PolicyTests {
    private PolicyTests() {
    }

    /** The suites under a policy directory, run against the policies there (strict evaluation). */
    public static Stream<DynamicTest> from(Path dir) {
        return from(dir, EvaluationMode.STRICT);
    }

    /**
     * The suites under a policy directory, run against the policies there in {@code mode}
     * ({@link EvaluationMode#LENIENT} answers as Cerbos does by default).
     */
    public static Stream<DynamicTest> from(Path dir, EvaluationMode mode) {
        TestReport report;
        try {
            report = PolicyTestRunner.builder().evaluationMode(mode).build().run(dir);
        } catch (PolicyLoadException e) {
            return failure("load policies from " + dir, e.getMessage());
        }
        return tests(report);
    }

    /** The suites at a classpath location, run against the policies there (strict evaluation). */
    public static Stream<DynamicTest> fromClasspath(String location) {
        return fromClasspath(location, EvaluationMode.STRICT);
    }

    /** The suites at a classpath location, run against the policies there in {@code mode}. */
    public static Stream<DynamicTest> fromClasspath(String location, EvaluationMode mode) {
        TestReport report;
        try {
            report = PolicyTestRunner.builder().evaluationMode(mode).build()
                    .runClasspath(location, Thread.currentThread().getContextClassLoader());
        } catch (PolicyLoadException e) {
            return failure("load policies from classpath:" + location, e.getMessage());
        }
        return tests(report);
    }

    /** Dynamic tests for an already computed report. */
    public static Stream<DynamicTest> tests(TestReport report) {
        List<DynamicTest> out = new ArrayList<>();
        for (TestReport.SuiteResult s : report.suites()) {
            if (s.error().isPresent()) {
                String message = s.error().get();
                out.add(DynamicTest.dynamicTest(s.name(), () -> {
                    throw new AssertionError(message);
                }));
                continue;
            }
            Map<String, List<TestReport.CheckResult>> byTest = new LinkedHashMap<>();
            for (TestReport.CheckResult c : s.checks()) {
                byTest.computeIfAbsent(c.test(), k -> new ArrayList<>()).add(c);
            }
            for (Map.Entry<String, List<TestReport.CheckResult>> t : byTest.entrySet()) {
                List<TestReport.CheckResult> checks = t.getValue();
                out.add(DynamicTest.dynamicTest(s.name() + " / " + t.getKey(), () -> verify(checks)));
            }
        }
        if (out.isEmpty()) {
            out.add(DynamicTest.dynamicTest("no policy test suites found", () -> {
            }));
        }
        return out.stream();
    }

    private static void verify(List<TestReport.CheckResult> checks) {
        StringBuilder failures = new StringBuilder();
        int skipped = 0;
        for (TestReport.CheckResult c : checks) {
            if (c.skipped()) {
                skipped++;
            } else if (!c.passed()) {
                failures.append("\n  ").append(c.describe());
            }
        }
        if (failures.length() > 0) {
            throw new AssertionError("policy expectations not met:" + failures);
        }
        if (skipped == checks.size()) {
            org.junit.jupiter.api.Assumptions.abort("test skipped in the suite");
        }
    }

    private static Stream<DynamicTest> failure(String name, String message) {
        return Stream.of(DynamicTest.dynamicTest(name, () -> {
            throw new AssertionError(message);
        }));
    }
}
