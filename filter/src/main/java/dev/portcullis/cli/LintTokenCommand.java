package dev.portcullis.cli;

import dev.portcullis.Reason;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import dev.portcullis.hygiene.ClaimCategory;
import dev.portcullis.hygiene.ClaimHygiene;
import dev.portcullis.hygiene.HygieneResult;
import dev.portcullis.hygiene.HygieneViolation;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code lint-token [--config FILE] [--json] [TOKEN|-]}: decodes a compact JWS (RFC 7515 §7.1) <em>without
 * verifying its signature</em> and reports its size against {@value #MAX_TOKEN_BYTES}, its header
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
 * <p>Thread safety: stateless; each run is independent.
 */
final class LintTokenCommand implements Command {
    /** Token size limit setting shared with the token validator; default {@value #DEFAULT_MAX_TOKEN_BYTES}. */
    static final String MAX_TOKEN_BYTES = "portcullis.max-token-bytes";
    static final int DEFAULT_MAX_TOKEN_BYTES = 4096;

    /** The most this command reads from standard input or accepts as a token. */
    static final int MAX_INPUT_BYTES = 1 << 20;

    private static final Pattern COMPACT_JWS =
            Pattern.compile("^[A-Za-z0-9_-]++\\.[A-Za-z0-9_-]++\\.[A-Za-z0-9_-]++$");
    private static final Set<String> FORBIDDEN_HEADERS = Set.of("crit", "jku", "x5u", "jwk", "x5c");
    private static final Set<String> TIME_CLAIMS = Set.of("exp", "nbf", "iat", "auth_time");
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
            settings = config == null ? Settings.of(Map.of()) : loadConfig(config);
            hygiene = ClaimHygiene.fromSettings(settings);
            maxTokenBytes = settings.getInt(MAX_TOKEN_BYTES, DEFAULT_MAX_TOKEN_BYTES);
            if (maxTokenBytes < 1) {
                throw new ConfigurationException(MAX_TOKEN_BYTES, "must be at least 1, was " + maxTokenBytes);
            }
        } catch (ConfigurationException e) {
            return fail(json, out, err, "configuration error: " + Text.printable(e.getMessage(), 300));
        } catch (IOException e) {
            return fail(json, out, err, "cannot read config file '" + Text.printable(config, 200) + "': "
                    + describe(e));
        }

        String token;
        try {
            token = a.readToken(in);
        } catch (IOException e) {
            return fail(json, out, err, "cannot read standard input: " + describe(e));
        } catch (MalformedInput e) {
            return fail(json, out, err, e.getMessage());
        }

        Decoded decoded;
        try {
            decoded = decode(token);
        } catch (MalformedInput e) {
            return fail(json, out, err, e.getMessage());
        }

        List<Finding> findings = new ArrayList<>();
        int bytes = decoded.bytes;
        if (bytes > maxTokenBytes) {
            findings.add(new Finding(Reason.TOKEN_TOO_LARGE, "token is " + bytes + " bytes, limit "
                    + maxTokenBytes + " (" + MAX_TOKEN_BYTES + ")"));
        }
        Object alg = decoded.header.get("alg");
        if (!(alg instanceof String) || ((String) alg).isEmpty()) {
            findings.add(new Finding(Reason.DISALLOWED_ALGORITHM, "header has no alg"));
        } else if (((String) alg).toLowerCase(Locale.ROOT).equals("none")) {
            findings.add(new Finding(Reason.DISALLOWED_ALGORITHM, "alg 'none' is never accepted"));
        }
        for (String h : decoded.header.keySet()) {
            if (FORBIDDEN_HEADERS.contains(h)) {
                findings.add(new Finding(Reason.FORBIDDEN_HEADER, "header parameter '" + h
                        + "' is never accepted"));
            }
        }
        HygieneResult result = hygiene.check(decoded.payload);
        boolean refused = !findings.isEmpty() || result.refused();

        if (json) {
            printJson(out, decoded, maxTokenBytes, findings, hygiene, result, refused);
        } else {
            printText(out, decoded, maxTokenBytes, findings, hygiene, result, refused);
        }
        return refused ? Main.EXIT_REFUSED : Main.EXIT_OK;
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

    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : Text.printable(e.getMessage(), 200);
    }

    static Settings loadConfig(String file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            values.put(name, p.getProperty(name));
        }
        return Settings.of(values);
    }

    static String readAll(InputStream in) throws IOException, MalformedInput {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) != -1) {
            buf.write(chunk, 0, n);
            if (buf.size() > MAX_INPUT_BYTES) {
                throw new MalformedInput("input is larger than " + MAX_INPUT_BYTES + " bytes");
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** Strict decoding: compact-JWS syntax, base64url, UTF-8, one JSON object per part. */
    static Decoded decode(String token) throws MalformedInput {
        if (token.isEmpty()) {
            throw new MalformedInput("no token given");
        }
        if (token.length() > MAX_INPUT_BYTES) {
            throw new MalformedInput("input is larger than " + MAX_INPUT_BYTES + " bytes");
        }
        if (!COMPACT_JWS.matcher(token).matches()) {
            long dots = token.chars().filter(c -> c == '.').count();
            if (dots == 4) {
                throw new MalformedInput("not a compact JWS: five segments look like an encrypted "
                        + "token (JWE), which is never accepted");
            }
            if (dots == 2 && token.endsWith(".")) {
                throw new MalformedInput("not a compact JWS: the signature segment is empty "
                        + "(an unsecured token is never accepted)");
            }
            throw new MalformedInput("not a compact JWS: expected three non-empty base64url "
                    + "segments separated by dots");
        }
        int first = token.indexOf('.');
        int second = token.indexOf('.', first + 1);
        Map<String, Object> header = parseObject("header", token.substring(0, first));
        Map<String, Object> payload = parseObject("payload", token.substring(first + 1, second));
        return new Decoded(token.length(), header, payload);
    }

    private static Map<String, Object> parseObject(String part, String segment) throws MalformedInput {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(segment);
        } catch (IllegalArgumentException e) {
            throw new MalformedInput(part + " is not valid base64url");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedInput(part + " is not valid UTF-8");
        }
        try {
            Map<String, Object> map = JsonUtil.parseJson(text);
            if (map == null) {
                throw new MalformedInput(part + " is not a JSON object");
            }
            return map;
        } catch (JoseException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("already exists")) {
                throw new MalformedInput(part + " is not valid: a member name appears twice");
            }
            if (m.contains("Expecting a JSON object") || m.contains("returned null")) {
                throw new MalformedInput(part + " is not a JSON object");
            }
            throw new MalformedInput(part + " is not valid JSON");
        } catch (RuntimeException e) {
            throw new MalformedInput(part + " is not valid JSON");
        }
    }

    private static void printText(PrintStream out, Decoded d, int maxTokenBytes, List<Finding> findings,
                                  ClaimHygiene hygiene, HygieneResult result, boolean refused) {
        out.println("Signature: NOT VERIFIED (decoded without checking signature, issuer, audience "
                + "or lifetime)");
        out.println("Size: " + d.bytes + " bytes (limit " + maxTokenBytes + "): "
                + (d.bytes > maxTokenBytes ? "TOO LARGE" : "ok"));
        out.println("Header:");
        for (String h : List.of("alg", "kid", "typ")) {
            Object v = d.header.get(h);
            out.println("  " + h + ": " + (v == null ? "(none)" : scalarText(v)));
        }
        for (String h : d.header.keySet()) {
            if (!h.equals("alg") && !h.equals("kid") && !h.equals("typ")) {
                out.println("  " + Text.printable(h, 64) + ": " + valueText(d.header.get(h)));
            }
        }
        Set<String> refusedNames = refusedClaims(result);
        out.println("Claims (" + d.payload.size() + "):");
        for (Map.Entry<String, Object> e : d.payload.entrySet()) {
            String name = e.getKey();
            String value = valueText(e.getValue());
            if (TIME_CLAIMS.contains(name) && e.getValue() instanceof Number) {
                value += time((Number) e.getValue());
            }
            out.printf("  %-24s %-14s %-9s %s%n", Text.printable(name, 64),
                    hygiene.categoryOf(name).label(), disposition(name, refusedNames, result), value);
        }
        List<String> lines = new ArrayList<>();
        for (Finding f : findings) {
            lines.add(f.reason.code() + ": " + f.message);
        }
        for (HygieneViolation v : result.violations()) {
            lines.add(violationText(v));
        }
        if (lines.isEmpty()) {
            out.println("Violations: none");
        } else {
            out.println("Violations:");
            for (String l : lines) {
                out.println("  " + l);
            }
        }
        if (!result.reportedCategories().isEmpty() && !result.refused()) {
            out.println("Reported (request proceeds, claims withheld from the application): "
                    + String.join(", ", labels(result.reportedCategories())));
        }
        if (refused) {
            out.println("Verdict: REFUSE (" + String.join(", ", reasonCodes(findings, result)) + "): "
                    + clientDescription(findings, result));
        } else {
            out.println("Verdict: PASS (size and claim hygiene; the signature was NOT verified)");
        }
    }

    private static void printJson(PrintStream out, Decoded d, int maxTokenBytes, List<Finding> findings,
                                  ClaimHygiene hygiene, HygieneResult result, boolean refused) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("verdict", refused ? "refuse" : "pass");
        o.put("signatureVerified", false);
        o.put("reasons", reasonCodes(findings, result));
        o.put("description", refused ? clientDescription(findings, result) : "");
        Map<String, Object> size = new LinkedHashMap<>();
        size.put("bytes", d.bytes);
        size.put("limit", maxTokenBytes);
        size.put("ok", d.bytes <= maxTokenBytes);
        o.put("size", size);
        Map<String, Object> header = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : d.header.entrySet()) {
            header.put(e.getKey(), jsonValue(e.getValue()));
        }
        o.put("header", header);
        Set<String> refusedNames = refusedClaims(result);
        List<Object> claims = new ArrayList<>();
        for (Map.Entry<String, Object> e : d.payload.entrySet()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", e.getKey());
            c.put("category", hygiene.categoryOf(e.getKey()).label());
            c.put("disposition", disposition(e.getKey(), refusedNames, result));
            c.put("type", type(e.getValue()));
            c.put("value", jsonValue(e.getValue()));
            claims.add(c);
        }
        o.put("claims", claims);
        List<Object> violations = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("reason", f.reason.code());
            v.put("message", f.message);
            v.put("enforced", true);
            violations.add(v);
        }
        for (HygieneViolation hv : result.violations()) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("reason", hv.reason().code());
            if (hv.category() != null) {
                v.put("category", hv.category().label());
            } else {
                v.put("limit", hv.limit());
                v.put("measured", hv.measured());
            }
            v.put("claims", hv.claims());
            v.put("enforced", hv.enforced());
            violations.add(v);
        }
        o.put("violations", violations);
        o.put("reportedCategories", labels(result.reportedCategories()));
        out.println(JsonUtil.toJson(o));
    }

    private static Set<String> refusedClaims(HygieneResult result) {
        Set<String> names = new HashSet<>();
        for (HygieneViolation v : result.violations()) {
            if (v.enforced()) {
                names.addAll(v.claims());
            }
        }
        return names;
    }

    private static String disposition(String name, Set<String> refusedNames, HygieneResult result) {
        if (refusedNames.contains(name)) {
            return "refused";
        }
        return result.withheldClaims().contains(name) ? "withheld" : "allowed";
    }

    private static String violationText(HygieneViolation v) {
        StringBuilder sb = new StringBuilder(v.reason().code()).append(": ");
        if (v.category() == ClaimCategory.OTHER) {
            sb.append("claims outside the allowlist");
        } else if (v.category() != null) {
            sb.append(v.category().label()).append(" claims");
        } else {
            sb.append(limitText(v));
        }
        if (!v.claims().isEmpty()) {
            List<String> names = new ArrayList<>();
            for (String n : v.claims()) {
                names.add(Text.printable(n, 64));
            }
            sb.append(' ').append(names);
        }
        sb.append(v.enforced() ? " (enforced)" : " (reported)");
        return sb.toString();
    }

    private static String limitText(HygieneViolation v) {
        switch (v.reason()) {
            case TOO_MANY_CLAIMS:
                return v.measured() + " members, limit " + v.limit();
            case CLAIMS_TOO_DEEP:
                return "nested deeper than " + v.limit() + " levels";
            case CLAIM_ARRAY_TOO_LONG:
                return "array of " + v.measured() + " elements, limit " + v.limit();
            default:
                return "string of " + v.measured() + " characters, limit " + v.limit();
        }
    }

    private static List<String> reasonCodes(List<Finding> findings, HygieneResult result) {
        List<String> codes = new ArrayList<>();
        for (Finding f : findings) {
            if (!codes.contains(f.reason.code())) {
                codes.add(f.reason.code());
            }
        }
        for (HygieneViolation v : result.violations()) {
            if (v.enforced() && !codes.contains(v.reason().code())) {
                codes.add(v.reason().code());
            }
        }
        return codes;
    }

    private static String clientDescription(List<Finding> findings, HygieneResult result) {
        List<String> parts = new ArrayList<>();
        for (Finding f : findings) {
            parts.add(f.message);
        }
        if (result.refused()) {
            parts.add(result.description());
        }
        return String.join("; ", parts);
    }

    private static List<String> labels(Set<ClaimCategory> categories) {
        List<String> out = new ArrayList<>();
        for (ClaimCategory c : categories) {
            out.add(c.label());
        }
        return out;
    }

    private static String type(Object v) {
        if (v == null) {
            return "null";
        } else if (v instanceof String) {
            return "string";
        } else if (v instanceof Number) {
            return "number";
        } else if (v instanceof Boolean) {
            return "boolean";
        } else if (v instanceof List) {
            return "array";
        } else if (v instanceof Map) {
            return "object";
        }
        return "unknown";
    }

    /** Scalars as they are; containers summarised by size, so that no walk can go deep. */
    private static Object jsonValue(Object v) {
        if (v instanceof List) {
            return "[" + count(((List<?>) v).size(), "element") + "]";
        } else if (v instanceof Map) {
            return "{" + count(((Map<?, ?>) v).size(), "member") + "}";
        } else if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        return String.valueOf(v);
    }

    private static String valueText(Object v) {
        if (v instanceof List) {
            return "[" + count(((List<?>) v).size(), "element") + "]";
        } else if (v instanceof Map) {
            return "{" + count(((Map<?, ?>) v).size(), "member") + "}";
        }
        return scalarText(v);
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String scalarText(Object v) {
        if (v instanceof String) {
            return "\"" + Text.printable((String) v, 80) + "\"";
        }
        return Text.printable(String.valueOf(v), 80);
    }

    private static String time(Number n) {
        try {
            return " (" + Instant.ofEpochSecond(n.longValue()) + ")";
        } catch (DateTimeException | ArithmeticException e) {
            return "";
        }
    }

    /** A decoded, untrusted token. */
    static final class Decoded {
        final int bytes;
        final Map<String, Object> header;
        final Map<String, Object> payload;

        Decoded(int bytes, Map<String, Object> header, Map<String, Object> payload) {
            this.bytes = bytes;
            this.header = header;
            this.payload = payload;
        }
    }

    /** A rule outside claim hygiene that would refuse the token. */
    private static final class Finding {
        final Reason reason;
        final String message;

        Finding(Reason reason, String message) {
            this.reason = reason;
            this.message = message;
        }
    }

    /** Input that is not a token this command can decode; the message is one client-safe line. */
    static final class MalformedInput extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedInput(String message) {
            super(message);
        }
    }
}
