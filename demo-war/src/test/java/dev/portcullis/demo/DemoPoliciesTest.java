package dev.portcullis.demo;

import dev.portcullis.policy.testing.PolicyTests;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The demo's policy test suites, run in {@code mvn test} as any application would run its own:
 * one JUnit test per suite test, failing the build when a policy change breaks an expectation.
 */
class DemoPoliciesTest {
    /** The policies the WAR ships under WEB-INF/policies (see the war plugin's webResources). */
    private static final Path POLICIES = Path.of("..", "filter", "src", "test", "resources", "policies", "demo");

    @TestFactory
    Stream<DynamicTest> demoPolicySuitesPass() {
        return PolicyTests.from(POLICIES);
    }
}
