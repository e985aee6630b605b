package dev.portcullis.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * One subcommand of the {@code portcullis} command line, registered in {@link Main}.
 *
 * <p>Exit codes: {@code 0} success, {@code 1} a negative verdict (a token that would be refused, a
 * failing test), {@code 2} usage errors and malformed input. A command prints to the streams it is
 * given, never to {@code System.out}/{@code System.err}, and reports errors as one line without a
 * stack trace.
 *
 * <p>Thread safety: implementations are called once per process; they need not be thread-safe.
 */
@FunctionalInterface
interface Command {
    /**
     * Runs the command.
     *
     * @param args the arguments after the command name
     * @param in standard input (for {@code -})
     * @param out standard output
     * @param err standard error
     * @return the process exit code
     */
    int run(List<String> args, InputStream in, PrintStream out, PrintStream err);
}
