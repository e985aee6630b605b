package dev.portcullis.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The arguments shared by the token commands: {@code [--config FILE] [--json] [--help] [TOKEN|-]},
 * and the token itself, from the argument or from standard input (a leading {@code Bearer } is
 * dropped).
 */
final class TokenArguments {
    boolean help;
    boolean json;
    String config;
    String token;
    /** A usage error, or null when the arguments parsed. */
    String error;

    private TokenArguments() {
    }

    static TokenArguments parse(List<String> args) {
        TokenArguments a = new TokenArguments();
        for (int i = 0; i < args.size() && a.error == null; i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                a.help = true;
            } else if (arg.equals("--json")) {
                a.json = true;
            } else if (arg.equals("--config")) {
                if (i + 1 >= args.size()) {
                    a.error = "--config needs a FILE";
                } else {
                    a.config = args.get(++i);
                }
            } else if (arg.startsWith("--config=")) {
                a.config = arg.substring("--config=".length());
            } else if (arg.startsWith("-") && !arg.equals("-")) {
                a.error = "unknown option '" + Text.printable(arg, 40) + "'";
            } else if (a.token != null) {
                a.error = "give one token only";
            } else {
                a.token = arg;
            }
        }
        return a;
    }

    /** The token text: the argument, or standard input for {@code -} or none; trimmed, without "Bearer ". */
    String readToken(InputStream in) throws IOException, LintTokenCommand.MalformedInput {
        String t = token == null || token.equals("-") ? LintTokenCommand.readAll(in) : token;
        t = t.strip();
        if (t.regionMatches(true, 0, "Bearer ", 0, 7)) {
            t = t.substring(7).strip();
        }
        return t;
    }
}
