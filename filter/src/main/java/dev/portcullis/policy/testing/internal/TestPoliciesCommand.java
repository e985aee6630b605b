package dev.portcullis.policy.testing.internal;

import dev.portcullis.policy.EvaluationMode;
import dev.portcullis.policy.PolicyLoadException;

import dev.portcullis.policy.testing.internal.TestReport;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code test-policies DIR [--json] [--strict-evaluation | --lenient-evaluation] [--help]}
 * command: loads the policies under {@code DIR} (evaluating as the filter does by default, strict,
 * or as Cerbos does by default with {@code --lenient-evaluation}),
 * runs every test suite there, prints one summary line per suite and the details of each failure,
 * and ends with the line {@code N passed, M failed}. With {@code --json} the report is printed to
 * standard output as one JSON document and the closing line goes to standard error.
 *
 * <p>Exit status: 0 when every check passed, 1 when any failed (or a suite could not run), 2 for
 * bad input (missing or unreadable directory, unknown option, policies that do not load), with a
 * one-line reason on standard error.
 *
 * <pre>{@code
 * int status = TestPoliciesCommand.run(List.of("policies"), System.out, System.err);
 * }</pre>
 *
 * <p>Thread safety: stateless.
 */
public final class TestPoliciesCommand {
    /** The usage text. */
    public static final String USAGE = "usage: test-policies DIR [--json] [--strict-evaluation | --lenient-evaluation] [--help]\n"
            + "  Runs the Cerbos-format policy test suites (*_test.yaml, *_test.yml, *_test.json) under DIR\n"
            + "  against the policies in DIR. Exit 0 all passed, 1 some failed, 2 bad input.\n"
            + "  --json                print the report as JSON (closing line on standard error)\n"
            + "  --strict-evaluation   a condition that fails at run time denies (the filter's default)\n"
            + "  --lenient-evaluation  a condition that fails at run time is not satisfied (Cerbos's default)\n"
            + "  --help                print this text";

    private TestPoliciesCommand() {
    }

    /**
     * Runs the command.
     *
     * @param args the arguments after the command name
     * @return the exit status
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        boolean json = false;
        EvaluationMode mode = null;
        String dir = null;
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                out.println(USAGE);
                return 0;
            } else if (a.equals("--json")) {
                json = true;
            } else if (a.equals("--strict-evaluation") || a.equals("--lenient-evaluation")) {
                EvaluationMode m = a.startsWith("--strict") ? EvaluationMode.STRICT : EvaluationMode.LENIENT;
                if (mode != null && mode != m) {
                    err.println("test-policies: --strict-evaluation and --lenient-evaluation exclude each other");
                    return 2;
                }
                mode = m;
            } else if (a.startsWith("-")) {
                err.println("test-policies: unknown option " + a + " (try --help)");
                return 2;
            } else if (dir != null) {
                err.println("test-policies: only one directory may be given, got " + dir + " and " + a);
                return 2;
            } else {
                dir = a;
            }
        }
        if (dir == null) {
            err.println("test-policies: missing DIR (try --help)");
            return 2;
        }
        Path path = Path.of(dir);
        if (!Files.isDirectory(path)) {
            err.println("test-policies: not a directory: " + dir);
            return 2;
        }
        TestReport report;
        try {
            report = PolicyTestRunner.builder().evaluationMode(mode == null ? EvaluationMode.STRICT : mode).build()
                    .run(path);
        } catch (PolicyLoadException e) {
            err.println("test-policies: policies do not load: " + oneLine(e.getMessage()));
            return 2;
        }
        String closing = report.passed() + " passed, " + report.failed() + " failed";
        if (json) {
            out.println(report.toJson());
            err.println(closing);
        } else {
            for (TestReport.SuiteResult s : report.suites()) {
                printSuite(s, out);
            }
            out.println(closing);
        }
        return report.failed() > 0 ? 1 : 0;
    }

    private static void printSuite(TestReport.SuiteResult s, PrintStream out) {
        if (s.error().isPresent()) {
            out.println("ERROR " + s.name() + " (" + s.file() + "): " + oneLine(s.error().get()));
            return;
        }
        String status = s.failed() > 0 ? "FAIL " : "PASS ";
        out.println(status + s.name() + " (" + s.file() + "): " + s.passed() + " passed, " + s.failed()
                + " failed" + (s.skipped() > 0 ? ", " + s.skipped() + " skipped" : ""));
        for (TestReport.CheckResult c : s.checks()) {
            if (!c.passed() && !c.skipped()) {
                out.println("  - " + c.describe());
            }
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ");
    }
}
