package dev.portcullis.policy.testing.internal;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.internal.CelValues;

import java.util.List;
import java.util.Objects;

/**
 * Compares the {@code outputs} a Cerbos test expects with a decision's: every expected
 * {@code {src, val}} must be among the decision's outputs, values compared after the same number
 * and collection conversion attributes get. Part of {@link PolicyTestRunner}.
 *
 * <p>Thread safety: stateless.
 */
final class TestOutputs {
    private TestOutputs() {
    }

    /** Null when every expected output is present, else what is missing. */
    static String mismatch(List<Decision.Output> expected, List<Decision.Output> actual) {
        if (expected == null || expected.isEmpty()) {
            return null;
        }
        StringBuilder missing = null;
        for (Decision.Output want : expected) {
            boolean found = false;
            for (Decision.Output got : actual) {
                if (got.source().equals(want.source())
                        && Objects.equals(CelValues.value(want.value()), CelValues.value(got.value()))) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                missing = missing == null ? new StringBuilder() : missing.append("; ");
                missing.append("expected ").append(want).append(", got ").append(actual);
            }
        }
        return missing == null ? null : missing.toString();
    }
}
