package dev.portcullis.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments shared by the token commands: {@code [--config FILE] [--json] [--help] [TOKEN|-]},
 * and the token itself, from the argument or from standard input (a leading {@code Bearer } is
 * dropped). {@code verify-token} also takes {@code --signature-only} and its key options
 * ({@link #SIGNATURE_OPTIONS}); other commands refuse them as unknown options.
 */
final class TokenArguments {
    /** The options that take a value and belong to {@code verify-token --signature-only}. */
    static final List<String> SIGNATURE_OPTIONS = List.of("--jwks-file", "--public-key-file", "--hmac-secret-file",
            "--algorithms");

    boolean help;
    boolean json;
    boolean signatureOnly;
    String config;
    String token;
    /** Values of {@link #SIGNATURE_OPTIONS} given, by option name. */
    final Map<String, String> keyOptions = new LinkedHashMap<>();
    /** A usage error, or null when the arguments parsed. */
    String error;

    private TokenArguments() {
    }

    /** The common arguments only. */
    static TokenArguments parse(List<String> args) {
        return parse(args, false);
    }

    /**
     * Parses the arguments.
     *
     * @param signatureOptions whether {@code --signature-only} and {@link #SIGNATURE_OPTIONS} are accepted
     */
    static TokenArguments parse(List<String> args, boolean signatureOptions) {
        TokenArguments a = new TokenArguments();
        for (int i = 0; i < args.size() && a.error == null; i++) {
            String arg = args.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (arg.equals("--help") || arg.equals("-h")) {
                a.help = true;
            } else if (arg.equals("--json")) {
                a.json = true;
            } else if (signatureOptions && arg.equals("--signature-only")) {
                a.signatureOnly = true;
            } else if (name.equals("--config") || signatureOptions && SIGNATURE_OPTIONS.contains(name)) {
                String value;
                if (!arg.equals(name)) {
                    value = arg.substring(name.length() + 1);
                } else if (i + 1 >= args.size()) {
                    a.error = name + " needs a value";
                    break;
                } else {
                    value = args.get(++i);
                }
                if (name.equals("--config")) {
                    a.config = value;
                } else if (a.keyOptions.put(name, value) != null) {
                    a.error = name + " given twice";
                }
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
    String readToken(InputStream in) throws IOException, TokenInput.MalformedInput {
        String t = token == null || token.equals("-") ? TokenInput.readAll(in) : token;
        t = t.strip();
        if (t.regionMatches(true, 0, "Bearer ", 0, 7)) {
            t = t.substring(7).strip();
        }
        return t;
    }
}
