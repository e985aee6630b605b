package dev.portcullis.cli;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.hygiene.ClaimCategory;
import dev.portcullis.internal.hygiene.ClaimHygiene;
import org.jose4j.json.JsonUtil;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code lint-token [--config FILE] [--json] [TOKEN|-]}: decodes a compact JWS (RFC 7515 §7.1) <em>without
 * verifying its signature</em> and reports its size against {@value SettingNames#MAX_TOKEN_BYTES}, its header
 * ({@code alg}, {@code kid}, {@code typ}), each claim with its {@link ClaimCategory}, every
 * {@link ClaimHygiene} finding, and a verdict.
 *
 * <p>Exit codes: 0 the token would pass the size limit, the header rules and claim hygiene; 1 it
 * would be refused; 2 malformed input or a usage or configuration error (one line on standard
 * error, or with {@code --json} a {@code {"verdict":"malformed",...}} object on standard output).
 * The token is read from the argument, or from standard input when it is {@code -} or absent; a
 * leading {@code Bearer } is ignored. {@code --config FILE} reads a properties file with the same
 * {@code portcullis.*} names as the filter.
 *
 * <p>Decoding is strict and never trusts the token: the compact-JWS syntax is checked with a
 * regular expression first, then header and payload are base64url- and UTF-8-decoded and parsed
 * with jose4j's {@code JsonUtil.parseJson}, which refuses duplicate member names; anything that is
 * not a JSON object is malformed. Values are printed with control characters replaced, and
 * objects and arrays only by size, so no payload can drive a deep walk or the terminal.
 *
 * <p>The parts: {@link TokenInput} (reading and strict decoding), {@link LintChecks} (the checks
 * and the verdict), {@link LintReport} (text and JSON output).
 *
 * <p>Thread safety: stateless; each run is independent.
 */
final class LintTokenCommand implements Command {
    static final int DEFAULT_MAX_TOKEN_BYTES = 4096;

    private static final String NAME = "lint-token";

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        TokenArguments a = TokenArguments.parse(args);
        if (a.error != null) {
            return usageError(err, a.error);
        }
        if (a.help) {
            help(out);
            return Main.EXIT_OK;
        }
        boolean json = a.json;
        String config = a.config;

        Settings settings;
        ClaimHygiene hygiene;
        int maxTokenBytes;
        try {
            settings = config == null ? Settings.of(Map.of()) : TokenInput.loadConfig(config);
            hygiene = ClaimHygiene.fromSettings(settings);
            maxTokenBytes = settings.getInt(SettingNames.MAX_TOKEN_BYTES, DEFAULT_MAX_TOKEN_BYTES);
            if (maxTokenBytes < 1) {
                throw new ConfigurationException(SettingNames.MAX_TOKEN_BYTES, "must be at least 1, was " + maxTokenBytes);
            }
        } catch (ConfigurationException e) {
            return fail(json, out, err, "configuration error: " + Text.printable(e.getMessage(), 300));
        } catch (IOException e) {
            return fail(json, out, err, "cannot read config file '" + Text.printable(config, 200) + "': "
                    + TokenInput.describe(e));
        }

        String token;
        try {
            token = a.readToken(in);
        } catch (IOException e) {
            return fail(json, out, err, "cannot read standard input: " + TokenInput.describe(e));
        } catch (TokenInput.MalformedInput e) {
            return fail(json, out, err, e.getMessage());
        }

        TokenInput.Decoded decoded;
        try {
            decoded = TokenInput.decode(token);
        } catch (TokenInput.MalformedInput e) {
            return fail(json, out, err, e.getMessage());
        }

        LintChecks.Lint lint = LintChecks.run(decoded, maxTokenBytes, hygiene);
        if (json) {
            LintReport.printJson(out, lint);
        } else {
            LintReport.printText(out, lint);
        }
        return lint.refused ? Main.EXIT_REFUSED : Main.EXIT_OK;
    }

    private static void help(PrintStream out) {
        out.println("Usage: " + Main.PROGRAM + " " + NAME + " [--config FILE] [--json] [TOKEN|-]");
        out.println();
        out.println("Decodes a compact JWS WITHOUT verifying its signature (nor issuer, audience or");
        out.println("lifetime) and checks it against the size limit and claim hygiene.");
        out.println("The token comes from the argument, or from standard input for '-' or none.");
        out.println();
        out.println("Options:");
        out.println("  --config FILE  properties file with portcullis.* settings, e.g.");
        out.println("                 portcullis.hygiene.authorization=report");
        out.println("                 portcullis.max-token-bytes=8192");
        out.println("  --json         print one JSON object (for CI pipelines)");
        out.println("  --help         show this help");
        out.println();
        out.println("Exit codes: 0 would pass, 1 would be refused, 2 malformed input or usage error.");
    }

    private static int usageError(PrintStream err, String message) {
        err.println(Main.PROGRAM + " " + NAME + ": " + message + " (see --help)");
        return Main.EXIT_USAGE;
    }

    private static int fail(boolean json, PrintStream out, PrintStream err, String message) {
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("verdict", "malformed");
            o.put("error", message);
            out.println(JsonUtil.toJson(o));
        } else {
            err.println(Main.PROGRAM + " " + NAME + ": " + message);
        }
        return Main.EXIT_USAGE;
    }
}
