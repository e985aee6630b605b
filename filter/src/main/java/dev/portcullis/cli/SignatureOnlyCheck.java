package dev.portcullis.cli;

import dev.portcullis.PortcullisException;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.token.internal.BearerTokenExtractor;
import dev.portcullis.token.internal.TokenSettings;
import dev.portcullis.token.internal.TokenValidator;
import dev.portcullis.token.internal.VerifiedSignature;

import org.jose4j.json.JsonUtil;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code verify-token --signature-only}: whether a compact JWS verifies with one of the given keys,
 * under exactly the filter's rules and without any claim check, for debugging key rotation and for
 * running published JWS test vectors against the verifier.
 *
 * <p>No rule is copied here: the key options become the filter's own settings
 * ({@code portcullis.jwks-file}, {@code portcullis.public-key-file}, {@code portcullis.hmac-secret},
 * {@code portcullis.algorithms}) for one placeholder issuer, read by {@link TokenSettings} (key
 * files, secret strength, the algorithm allowlist, HMAC never beside public keys), and the token goes
 * through the filter's {@link BearerTokenExtractor} (size, strict compact syntax, canonical
 * base64url) and {@link TokenValidator#verifySignature} (header rules, key selection with the
 * {@code alg}/{@code use}/{@code key_ops} of each key, key type and size).
 *
 * <p>Exit codes: 0 verified, 1 not verified (reason printed), 2 usage error, unreadable keys or
 * input, keys unavailable. Thread safety: stateless.
 */
final class SignatureOnlyCheck {
    private static final String NAME = "verify-token --signature-only";
    /** The issuer name the key options are filed under; never compared with a token's iss. */
    private static final String PLACEHOLDER = "urn:portcullis:signature-only";
    /** Each key option and the filter setting it stands for. */
    private static final Map<String, String> SETTINGS = Map.of(
            "--jwks-file", SettingNames.JWKS_FILE,
            "--public-key-file", SettingNames.PUBLIC_KEY_FILE,
            "--hmac-secret-file", SettingNames.HMAC_SECRET,
            "--algorithms", SettingNames.ALGORITHMS);

    private SignatureOnlyCheck() {
    }

    static int run(TokenArguments a, InputStream in, PrintStream out, PrintStream err) {
        boolean json = a.json;
        List<String> sources = new java.util.ArrayList<>(a.keyOptions.keySet());
        sources.remove("--algorithms");
        if (a.config != null) {
            sources.add("--config");
        }
        if (sources.size() != 1) {
            return usage(err, sources.isEmpty()
                    ? "--signature-only needs the keys: --jwks-file, --public-key-file, --hmac-secret-file or --config"
                    : "give one key source only, not " + String.join(" and ", sources)
                    + " (an HMAC secret is never used beside public keys)");
        }
        if (a.config != null && a.keyOptions.containsKey("--algorithms")) {
            return usage(err, "with --config the algorithms are the configured ones (portcullis.algorithms)");
        }
        BearerTokenExtractor extractor;
        TokenValidator validator;
        try {
            Settings settings = a.config != null ? configSettings(a.config) : optionSettings(a.keyOptions);
            extractor = TokenSettings.extractor(settings);
            validator = TokenSettings.validator(settings, Clock.systemUTC(), (issuer, kids) -> { });
        } catch (ConfigurationException e) {
            String detail = e.getMessage().startsWith(e.setting() + ": ")
                    ? e.getMessage().substring(e.setting().length() + 2) : e.getMessage();
            return fail(json, out, err, optionName(e.setting(), a.config != null) + ": " + Text.printable(detail, 300));
        } catch (IOException e) {
            return fail(json, out, err, "cannot read " + sources.get(0) + " '"
                    + Text.printable(a.config != null ? a.config : a.keyOptions.get(sources.get(0)), 200) + "': "
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
        if (token.isEmpty()) {
            return fail(json, out, err, "no token given");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        try {
            VerifiedSignature verified = validator.verifySignature(extractor.extract(List.of("Bearer " + token), List.of()));
            result.put("verdict", "verified");
            result.put("algorithm", verified.algorithm());
            result.put("key_id", verified.keyId());
            result.put("key_type", verified.keyType());
            result.put("key_algorithm", verified.keyAlgorithm());
            result.put("checked", "signature and header only; no claim (iss, aud, exp...) was checked");
        } catch (PortcullisException e) {
            if (e.reason().status() >= 500) {
                return fail(json, out, err, e.reason().code() + ": " + Text.printable(e.getMessage(), 300));
            }
            result.put("verdict", "not_verified");
            result.put("reason", e.reason().code());
            result.put("status", e.reason().status());
            result.put("detail", Text.printable(e.getMessage(), 300));
        }
        if (json) {
            out.println(JsonUtil.toJson(result));
        } else {
            for (Map.Entry<String, Object> e : result.entrySet()) {
                Object v = e.getValue();
                out.println(e.getKey() + ": " + (v == null ? "(none)" : Text.printable(String.valueOf(v), 300)));
            }
        }
        return "verified".equals(result.get("verdict")) ? Main.EXIT_OK : Main.EXIT_REFUSED;
    }

    /** The key options as the filter's settings of one placeholder issuer. */
    private static Settings optionSettings(Map<String, String> options) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(SettingNames.ISSUER, PLACEHOLDER);
        values.put(SettingNames.AUDIENCE, PLACEHOLDER);
        for (Map.Entry<String, String> o : options.entrySet()) {
            String value = o.getValue();
            if (o.getKey().equals("--hmac-secret-file")) {
                value = new String(Files.readAllBytes(Path.of(value)), StandardCharsets.UTF_8);
                value = value.endsWith("\r\n") ? value.substring(0, value.length() - 2)
                        : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
            }
            values.put(SETTINGS.get(o.getKey()), value);
        }
        return Settings.of(values);
    }

    /** The settings of a filter configuration file, as {@code verify-token --config} reads them. */
    private static Settings configSettings(String file) throws IOException {
        Settings fileSettings = TokenInput.loadConfig(file);
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : fileSettings.names()) {
            values.put(name, fileSettings.get(name).orElse(""));
        }
        return Settings.fromSystem(Map.of(), values);
    }

    /** The option a setting came from, so that an error names what the user typed. */
    private static String optionName(String setting, boolean fromConfig) {
        if (!fromConfig) {
            for (Map.Entry<String, String> e : SETTINGS.entrySet()) {
                if (e.getValue().equals(setting)) {
                    return e.getKey();
                }
            }
        }
        return setting;
    }

    private static int usage(PrintStream err, String message) {
        return VerifyTokenCommand.usage(NAME, err, message);
    }

    private static int fail(boolean json, PrintStream out, PrintStream err, String message) {
        return VerifyTokenCommand.fail(NAME, json, out, err, message);
    }
}
