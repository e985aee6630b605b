package dev.portcullis.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Entry point of the {@code portcullis} command line ({@code java -jar
 * portcullis-filter-VERSION-cli.jar COMMAND ...}): dispatches to the registered {@link Command}s.
 *
 * <p>Commands: {@code lint-token} here; {@code verify-token} and {@code test-policies} are
 * registered in {@link #commands()} by the build that provides them. Anything not registered is
 * answered with {@code unknown command} and exit code 2. Exit codes: 0 success, 1 negative
 * verdict, 2 usage error or malformed input, 3 internal error (a bug; printed as one line).
 *
 * <p>Usage: {@code portcullis lint-token --json eyJ...}; {@code portcullis --help}.
 *
 * <p>Thread safety: {@link #run} keeps no state between calls and may be called concurrently.
 */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_REFUSED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_INTERNAL = 3;

    /** The program name used in usage lines. */
    static final String PROGRAM = "portcullis";

    private Main() {
    }

    /** A registered command with its one-line summary. */
    static final class Registered {
        final String summary;
        final Command command;

        Registered(String summary, Command command) {
            this.summary = summary;
            this.command = command;
        }
    }

    /** Runs the command line and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /**
     * The registered commands, in the order {@code --help} lists them.
     *
     * <p>REGISTRATION SPOT: each further command is one {@code put} line here.
     */
    static Map<String, Registered> commands() {
        Map<String, Registered> c = new LinkedHashMap<>();
        c.put("lint-token", new Registered(
                "decode a token WITHOUT verifying it; check size and claim hygiene",
                new LintTokenCommand()));
        c.put("verify-token", new Registered(
                "fully validate a token with the filter's settings (signature, claims, hygiene)",
                new VerifyTokenCommand()));
        c.put("test-policies", new Registered(
                "run Cerbos-format policy test suites (*_test.yaml) against a policy directory",
                (args, in, out, err) -> dev.portcullis.policy.testing.internal.TestPoliciesCommand.run(args, out, err)));
        return c;
    }

    /**
     * Runs one command line.
     *
     * @return the exit code
     */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Map<String, Registered> commands = commands();
        if (args.length == 0) {
            usage(err, commands);
            return EXIT_USAGE;
        }
        String name = args[0];
        if (name.equals("--help") || name.equals("-h") || name.equals("help")) {
            usage(out, commands);
            return EXIT_OK;
        }
        if (name.equals("--version") || name.equals("-V")) {
            out.println(PROGRAM + " " + version());
            return EXIT_OK;
        }
        Registered registered = commands.get(name);
        if (registered == null) {
            err.println(PROGRAM + ": unknown command '" + Text.printable(name, 40)
                    + "' (run '" + PROGRAM + " --help' for the list)");
            return EXIT_USAGE;
        }
        List<String> rest = List.copyOf(Arrays.asList(args).subList(1, args.length));
        try {
            return registered.command.run(rest, in, out, err);
        } catch (RuntimeException e) {
            err.println(PROGRAM + " " + name + ": internal error: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + Text.printable(e.getMessage(), 200)));
            return EXIT_INTERNAL;
        }
    }

    private static void usage(PrintStream out, Map<String, Registered> commands) {
        out.println("Usage: " + PROGRAM + " COMMAND [OPTIONS]");
        out.println();
        out.println("Commands:");
        for (Map.Entry<String, Registered> e : commands.entrySet()) {
            out.printf("  %-16s %s%n", e.getKey(), e.getValue().summary);
        }
        out.println();
        out.println("Options:");
        out.printf("  %-16s %s%n", "--help", "show this help");
        out.printf("  %-16s %s%n", "--version", "show the version");
        out.println();
        out.println("Run '" + PROGRAM + " COMMAND --help' for the options of a command.");
        out.println("Exit codes: 0 ok, 1 refused or failed, 2 usage error or malformed input.");
    }

    /** The project version, from a resource filtered at build time. */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        String v = p.getProperty("version", "unknown");
        return v.startsWith("${") ? "unknown" : v;
    }
}
