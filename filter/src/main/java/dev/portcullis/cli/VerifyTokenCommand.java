package dev.portcullis.cli;

import dev.portcullis.PortcullisException;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.hygiene.ClaimHygiene;
import dev.portcullis.internal.hygiene.HygieneResult;
import dev.portcullis.token.internal.BearerTokenExtractor;
import dev.portcullis.token.internal.TokenSettings;
import dev.portcullis.token.internal.TokenValidator;
import dev.portcullis.token.VerifiedToken;

import org.jose4j.json.JsonUtil;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code verify-token --config FILE [--json] [TOKEN|-]}: full validation of a token (syntax and
 * size, signature with the configured keys, iss/aud/exp/nbf/iat/lifetime/typ, claim hygiene) with
 * exactly the settings the filter uses: the properties file, overridden by {@code portcullis.*}
 * system properties and {@code PORTCULLIS_*} environment variables.
 *
 * <p>{@code verify-token --signature-only (--jwks-file F | --public-key-file F | --hmac-secret-file F
 * | --config F) [--algorithms A,B] [--json] [TOKEN|-]} checks the signature alone
 * ({@link SignatureOnlyCheck}).
 *
 * <p>Exit codes: 0 valid, 1 refused (the reason code is printed), 2 usage error, unreadable
 * configuration or keys unavailable.
 */
final class VerifyTokenCommand implements Command {
    private static final String NAME = "verify-token";

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        TokenArguments a = TokenArguments.parse(args, true);
        if (a.error != null) {
            return usage(err, a.error);
        }
        if (a.help) {
            help(out);
            return Main.EXIT_OK;
        }
        if (a.signatureOnly) {
            return SignatureOnlyCheck.run(a, in, out, err);
        }
        if (!a.keyOptions.isEmpty()) {
            return usage(err, a.keyOptions.keySet().iterator().next() + " is an option of --signature-only");
        }
        boolean json = a.json;
        String config = a.config;
        if (config == null) {
            return usage(err, "--config FILE is required (the same portcullis.* settings the filter uses)");
        }
        BearerTokenExtractor extractor;
        TokenValidator validator;
        ClaimHygiene hygiene;
        try {
            Settings file = TokenInput.loadConfig(config);
            Map<String, String> values = new LinkedHashMap<>();
            for (String name : file.names()) {
                values.put(name, file.get(name).orElse(""));
            }
            Settings settings = Settings.fromSystem(Map.of(), values);
            extractor = TokenSettings.extractor(settings);
            validator = TokenSettings.validator(settings, Clock.systemUTC(), (issuer, kids) -> { });
            hygiene = ClaimHygiene.fromSettings(settings);
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
        Map<String, Object> result = new LinkedHashMap<>();
        try {
            String extracted = extractor.extract(List.of("Bearer " + token), List.of());
            VerifiedToken verified = validator.validate(extracted);
            HygieneResult hygieneResult = hygiene.check(verified.claims());
            if (hygieneResult.refused()) {
                throw new PortcullisException(hygieneResult.reason().orElseThrow(), hygieneResult.toString(), null, 0,
                        hygieneResult.description());
            }
            result.put("verdict", "valid");
            result.put("issuer", verified.issuer());
            result.put("subject", verified.subject());
            result.put("algorithm", verified.algorithm());
            result.put("key_id", verified.keyId());
            result.put("expires_at", verified.expiresAt().toString());
            result.put("visible_claims", List.copyOf(hygieneResult.allowedClaims().keySet()));
            if (!hygieneResult.reportedCategories().isEmpty()) {
                result.put("reported", hygieneResult.description());
            }
        } catch (PortcullisException e) {
            if (e.reason().status() >= 500) {
                return fail(json, out, err, e.reason().code() + ": " + Text.printable(e.getMessage(), 300));
            }
            result.put("verdict", "refused");
            result.put("reason", e.reason().code());
            result.put("status", e.reason().status());
            result.put("description", e.clientDescription());
            result.put("detail", Text.printable(e.getMessage(), 300));
        }
        if (json) {
            out.println(JsonUtil.toJson(result));
        } else {
            for (Map.Entry<String, Object> e : result.entrySet()) {
                out.println(e.getKey() + ": " + e.getValue());
            }
        }
        return "valid".equals(result.get("verdict")) ? Main.EXIT_OK : Main.EXIT_REFUSED;
    }

    private static void help(PrintStream out) {
        out.println("Usage: " + Main.PROGRAM + " " + NAME + " --config FILE [--json] [TOKEN|-]");
        out.println("       " + Main.PROGRAM + " " + NAME + " --signature-only KEYS [--algorithms A,B] [--json] [TOKEN|-]");
        out.println();
        out.println("Fully validates a token as the filter would: size and syntax, signature with the");
        out.println("configured issuer keys, iss/aud/exp/nbf/iat/lifetime/typ, and claim hygiene.");
        out.println("The token comes from the argument, or from standard input for '-' or none.");
        out.println("Settings: the properties file, overridden by portcullis.* system properties and");
        out.println("PORTCULLIS_* environment variables, exactly as for the filter.");
        out.println();
        out.println("--signature-only checks only the signature and the JOSE header, under the filter's");
        out.println("rules (algorithm allowlist, key type and size, a key's alg/use/key_ops, no crit, jku,");
        out.println("x5u, jwk or x5c, no 'none'), and no claim at all (no iss, aud, exp). KEYS is one of:");
        out.println("  --jwks-file FILE         a JWKS, e.g. a copy of the issuer's jwks_uri document");
        out.println("  --public-key-file FILE   PEM public keys (BEGIN PUBLIC KEY)");
        out.println("  --hmac-secret-file FILE  a shared secret, as portcullis.hmac-secret takes it (text or");
        out.println("                           base64:...; one trailing newline ignored; at least 32 bytes)");
        out.println("  --config FILE            the keys of the one issuer configured there");
        out.println("  --algorithms A,B         the allowlist, as portcullis.algorithms (default RS256, PS256,");
        out.println("                           ES256, EdDSA; HS256 with --hmac-secret-file)");
        out.println("It prints the key (kid, kty, alg) that verified, or why none did.");
        out.println();
        out.println("Exit codes: 0 valid, 1 refused (reason printed), 2 usage, configuration or key errors.");
    }

    private static int usage(PrintStream err, String message) {
        return usage(NAME, err, message);
    }

    /** A usage error of command {@code name}: the message on standard error, exit code 2. */
    static int usage(String name, PrintStream err, String message) {
        err.println(Main.PROGRAM + " " + name + ": " + message + " (see --help)");
        return Main.EXIT_USAGE;
    }

    private static int fail(boolean json, PrintStream out, PrintStream err, String message) {
        return fail(NAME, json, out, err, message);
    }

    /** An input or key error of command {@code name}, as JSON or text; exit code 2. */
    static int fail(String name, boolean json, PrintStream out, PrintStream err, String message) {
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("verdict", "error");
            o.put("error", message);
            out.println(JsonUtil.toJson(o));
        } else {
            err.println(Main.PROGRAM + " " + name + ": " + message);
        }
        return Main.EXIT_USAGE;
    }
}
