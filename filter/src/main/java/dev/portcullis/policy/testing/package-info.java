/**
 * Policy tests in the Cerbos test-suite format: {@link dev.portcullis.policy.testing.internal.PolicyTestRunner}
 * runs them, {@link dev.portcullis.policy.testing.internal.TestPoliciesCommand} is the {@code test-policies}
 * command, and {@link dev.portcullis.policy.testing.PolicyTests} turns them into JUnit 5 dynamic
 * tests (needs the optional {@code junit-jupiter-api} dependency).
 */
package dev.portcullis.policy.testing;
