package dev.portcullis.cli;

import dev.portcullis.internal.hygiene.ClaimCategory;
import dev.portcullis.internal.hygiene.ClaimHygiene;
import dev.portcullis.internal.hygiene.HygieneResult;
import dev.portcullis.internal.hygiene.HygieneViolation;
import org.jose4j.json.JsonUtil;

import java.io.PrintStream;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prints a {@code lint-token} result as text or as one JSON object. Values are printed with
 * control characters replaced, and objects and arrays only by size, so no payload can drive a
 * deep walk or the terminal.
 *
 * <p>Thread safety: stateless.
 */
final class LintReport {
    private static final Set<String> TIME_CLAIMS = Set.of("exp", "nbf", "iat", "auth_time");

    private LintReport() {
    }

    static void printText(PrintStream out, LintChecks.Lint lint) {
        TokenInput.Decoded d = lint.decoded;
        int maxTokenBytes = lint.maxTokenBytes;
        List<LintChecks.Finding> findings = lint.findings;
        ClaimHygiene hygiene = lint.hygiene;
        HygieneResult result = lint.result;
        boolean refused = lint.refused;
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
        Set<String> refusedNames = LintChecks.refusedClaims(result);
        out.println("Claims (" + d.payload.size() + "):");
        for (Map.Entry<String, Object> e : d.payload.entrySet()) {
            String name = e.getKey();
            String value = valueText(e.getValue());
            if (TIME_CLAIMS.contains(name) && e.getValue() instanceof Number) {
                value += time((Number) e.getValue());
            }
            out.printf("  %-24s %-14s %-9s %s%n", Text.printable(name, 64),
                    hygiene.categoryOf(name).label(), LintChecks.disposition(name, refusedNames, result), value);
        }
        List<String> lines = new ArrayList<>();
        for (LintChecks.Finding f : findings) {
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
                    + String.join(", ", LintChecks.labels(result.reportedCategories())));
        }
        if (refused) {
            out.println("Verdict: REFUSE (" + String.join(", ", LintChecks.reasonCodes(findings, result)) + "): "
                    + LintChecks.clientDescription(findings, result));
        } else {
            out.println("Verdict: PASS (size and claim hygiene; the signature was NOT verified)");
        }
    }

    static void printJson(PrintStream out, LintChecks.Lint lint) {
        TokenInput.Decoded d = lint.decoded;
        int maxTokenBytes = lint.maxTokenBytes;
        List<LintChecks.Finding> findings = lint.findings;
        ClaimHygiene hygiene = lint.hygiene;
        HygieneResult result = lint.result;
        boolean refused = lint.refused;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("verdict", refused ? "refuse" : "pass");
        o.put("signatureVerified", false);
        o.put("reasons", LintChecks.reasonCodes(findings, result));
        o.put("description", refused ? LintChecks.clientDescription(findings, result) : "");
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
        Set<String> refusedNames = LintChecks.refusedClaims(result);
        List<Object> claims = new ArrayList<>();
        for (Map.Entry<String, Object> e : d.payload.entrySet()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", e.getKey());
            c.put("category", hygiene.categoryOf(e.getKey()).label());
            c.put("disposition", LintChecks.disposition(e.getKey(), refusedNames, result));
            c.put("type", type(e.getValue()));
            c.put("value", jsonValue(e.getValue()));
            claims.add(c);
        }
        o.put("claims", claims);
        List<Object> violations = new ArrayList<>();
        for (LintChecks.Finding f : findings) {
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
        o.put("reportedCategories", LintChecks.labels(result.reportedCategories()));
        out.println(JsonUtil.toJson(o));
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
}
