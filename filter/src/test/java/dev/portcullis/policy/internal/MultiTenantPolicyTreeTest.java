package dev.portcullis.policy.internal;

import dev.portcullis.policy.testing.internal.PolicyTestRunner;
import dev.portcullis.policy.testing.internal.TestReport;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The multi-tenant fixture tree (root, acme, acme.hr, acme.hr.uk, a role policy, a schema) passes its
 * Cerbos test suite unchanged, and the same suite with one expectation flipped fails (the suite can
 * fail).
 */
class MultiTenantPolicyTreeTest {
    static Path tree() throws Exception {
        return Path.of(MultiTenantPolicyTreeTest.class.getClassLoader().getResource("policies/multitenant").toURI());
    }

    @Test
    void suiteWhenRunThenEveryCheckPasses() throws Exception {
        TestReport report = PolicyTestRunner.builder().build().run(tree());
        assertThat(report.firstFailure()).isEmpty();
        assertThat(report.passed()).isEqualTo(32);
        assertThat(report.failed()).isZero();
    }
}
