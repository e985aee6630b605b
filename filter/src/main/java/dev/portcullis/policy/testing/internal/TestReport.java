package dev.portcullis.policy.testing.internal;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.Effect;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of running policy test suites: per suite, per test, principal, resource and action
 * the expected and actual effect. A suite that cannot be read or run counts as one failure.
 *
 * <p>Thread safety: immutable.
 */
public final class TestReport {
    private final List<SuiteResult> suites;

    TestReport(List<SuiteResult> suites) {
        this.suites = List.copyOf(suites);
    }

    public List<SuiteResult> suites() {
        return suites;
    }

    /** Checks that passed. */
    public int passed() {
        int n = 0;
        for (SuiteResult s : suites) {
            n += s.passed();
        }
        return n;
    }

    /** Checks that failed, plus one per suite that could not run. */
    public int failed() {
        int n = 0;
        for (SuiteResult s : suites) {
            n += s.failed();
        }
        return n;
    }

    /** A one-line description of the first failure, if any. */
    public Optional<String> firstFailure() {
        for (SuiteResult s : suites) {
            if (s.error().isPresent()) {
                return Optional.of(s.name() + ": " + s.error().get());
            }
            for (CheckResult c : s.checks()) {
                if (!c.passed() && !c.skipped()) {
                    return Optional.of(s.name() + ": " + c.describe());
                }
            }
        }
        return Optional.empty();
    }

    /** The report as a JSON document. */
    public String toJson() {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"passed\":").append(passed()).append(",\"failed\":").append(failed())
                .append(",\"suites\":[");
        for (int i = 0; i < suites.size(); i++) {
            SuiteResult s = suites.get(i);
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"name\":").append(json(s.name())).append(",\"file\":").append(json(s.file()))
                    .append(",\"passed\":").append(s.passed()).append(",\"failed\":").append(s.failed());
            if (s.error().isPresent()) {
                b.append(",\"error\":").append(json(s.error().get()));
            }
            b.append(",\"checks\":[");
            for (int j = 0; j < s.checks().size(); j++) {
                CheckResult c = s.checks().get(j);
                if (j > 0) {
                    b.append(',');
                }
                b.append("{\"test\":").append(json(c.test())).append(",\"principal\":").append(json(c.principal()))
                        .append(",\"resource\":").append(json(c.resource())).append(",\"action\":")
                        .append(json(c.action())).append(",\"expected\":").append(json(c.expected().cerbosName()));
                if (c.skipped()) {
                    b.append(",\"skipped\":true");
                } else {
                    b.append(",\"actual\":").append(json(c.actual().cerbosName()))
                            .append(",\"passed\":").append(c.passed())
                            .append(",\"policy\":").append(json(c.decision().policy().orElse(null)))
                            .append(",\"rule\":").append(json(c.decision().rule()));
                    if (c.decision().error().isPresent()) {
                        b.append(",\"error\":").append(json(c.decision().error().get()));
                    }
                }
                b.append('}');
            }
            b.append("]}");
        }
        return b.append("]}").toString();
    }

    static String json(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }

    /** The results of one suite file. */
    public static final class SuiteResult {
        private final String name;
        private final String file;
        private final String error;
        private final List<CheckResult> checks;

        SuiteResult(String name, String file, String error, List<CheckResult> checks) {
            this.name = Objects.requireNonNull(name);
            this.file = Objects.requireNonNull(file);
            this.error = error;
            this.checks = List.copyOf(checks);
        }

        /** The suite's {@code name}, or its file when it could not be read. */
        public String name() {
            return name;
        }

        public String file() {
            return file;
        }

        /** Why the suite could not run, if it could not. */
        public Optional<String> error() {
            return Optional.ofNullable(error);
        }

        public List<CheckResult> checks() {
            return checks;
        }

        public int passed() {
            int n = 0;
            for (CheckResult c : checks) {
                if (c.passed()) {
                    n++;
                }
            }
            return n;
        }

        public int failed() {
            int n = error == null ? 0 : 1;
            for (CheckResult c : checks) {
                if (!c.passed() && !c.skipped()) {
                    n++;
                }
            }
            return n;
        }

        public int skipped() {
            int n = 0;
            for (CheckResult c : checks) {
                if (c.skipped()) {
                    n++;
                }
            }
            return n;
        }

        /** The checks of one named test, in order. */
        public List<CheckResult> checksOf(String test) {
            List<CheckResult> out = new ArrayList<>();
            for (CheckResult c : checks) {
                if (c.test().equals(test)) {
                    out.add(c);
                }
            }
            return out;
        }
    }

    /** One expectation: test, principal, resource, action; expected and actual effect. */
    public static final class CheckResult {
        private final String test;
        private final String principal;
        private final String resource;
        private final String action;
        private final Effect expected;
        private final Decision decision;
        private final String outputProblem;

        CheckResult(String test, String principal, String resource, String action, Effect expected,
                    Decision decision) {
            this(test, principal, resource, action, expected, decision, null);
        }

        CheckResult(String test, String principal, String resource, String action, Effect expected,
                    Decision decision, String outputProblem) {
            this.test = test;
            this.principal = principal;
            this.resource = resource;
            this.action = action;
            this.expected = expected;
            this.decision = decision;
            this.outputProblem = outputProblem;
        }

        public String test() {
            return test;
        }

        /** The principal's fixture name. */
        public String principal() {
            return principal;
        }

        /** The resource's fixture name. */
        public String resource() {
            return resource;
        }

        public String action() {
            return action;
        }

        public Effect expected() {
            return expected;
        }

        /** The effect decided, or null when the test was skipped. */
        public Effect actual() {
            return decision == null ? null : decision.effect();
        }

        /** The full decision, or null when skipped. */
        public Decision decision() {
            return decision;
        }

        public boolean skipped() {
            return decision == null;
        }

        public boolean passed() {
            return decision != null && decision.effect() == expected && outputProblem == null;
        }

        /** e.g. {@code test "x": principal alice, resource doc, action read: expected EFFECT_ALLOW, got EFFECT_DENY (...)}. */
        public String describe() {
            StringBuilder b = new StringBuilder();
            b.append("test \"").append(test).append("\": principal ").append(principal).append(", resource ")
                    .append(resource).append(", action ").append(action).append(": expected ")
                    .append(expected.cerbosName());
            if (decision == null) {
                return b.append(", skipped").toString();
            }
            b.append(", got ").append(decision.effect().cerbosName()).append(" (policy ")
                    .append(decision.policy().orElse("none")).append(", rule ").append(decision.rule());
            decision.error().ifPresent(e -> b.append(", error: ").append(e));
            if (outputProblem != null) {
                b.append(", outputs: ").append(outputProblem);
            }
            return b.append(')').toString();
        }
    }
}
