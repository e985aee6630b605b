package dev.portcullis.cli;

import dev.portcullis.Reason;
import dev.portcullis.config.SettingNames;
import dev.portcullis.internal.hygiene.ClaimCategory;
import dev.portcullis.internal.hygiene.ClaimHygiene;
import dev.portcullis.internal.hygiene.HygieneResult;
import dev.portcullis.internal.hygiene.HygieneViolation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The checks of {@code lint-token} on a decoded, unverified token: the size limit, the header rules
 * it can judge without keys ({@code alg} present and not {@code none}; no {@code crit}, {@code jku},
 * {@code x5u}, {@code jwk}, {@code x5c}) and {@link ClaimHygiene}; and the verdict's reason codes,
 * client description and each claim's disposition. {@link LintReport} prints the result.
 *
 * <p>Thread safety: a {@link Lint} is immutable once built.
 */
final class LintChecks {
    private static final Set<String> FORBIDDEN_HEADERS = Set.of("crit", "jku", "x5u", "jwk", "x5c");

    private LintChecks() {
    }

    /** Runs every check on a decoded token. */
    static Lint run(TokenInput.Decoded decoded, int maxTokenBytes, ClaimHygiene hygiene) {
        List<Finding> findings = new ArrayList<>();
        int bytes = decoded.bytes;
        if (bytes > maxTokenBytes) {
            findings.add(new Finding(Reason.TOKEN_TOO_LARGE, "token is " + bytes + " bytes, limit "
                    + maxTokenBytes + " (" + SettingNames.MAX_TOKEN_BYTES + ")"));
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
        return new Lint(decoded, maxTokenBytes, findings, hygiene, result, !findings.isEmpty() || result.refused());
    }

    /** The outcome of the checks on one token. */
    static final class Lint {
        final TokenInput.Decoded decoded;
        final int maxTokenBytes;
        final List<Finding> findings;
        final ClaimHygiene hygiene;
        final HygieneResult result;
        final boolean refused;

        Lint(TokenInput.Decoded decoded, int maxTokenBytes, List<Finding> findings, ClaimHygiene hygiene,
             HygieneResult result, boolean refused) {
            this.decoded = decoded;
            this.maxTokenBytes = maxTokenBytes;
            this.findings = List.copyOf(findings);
            this.hygiene = hygiene;
            this.result = result;
            this.refused = refused;
        }
    }

    static Set<String> refusedClaims(HygieneResult result) {
        Set<String> names = new HashSet<>();
        for (HygieneViolation v : result.violations()) {
            if (v.enforced()) {
                names.addAll(v.claims());
            }
        }
        return names;
    }

    static String disposition(String name, Set<String> refusedNames, HygieneResult result) {
        if (refusedNames.contains(name)) {
            return "refused";
        }
        return result.withheldClaims().contains(name) ? "withheld" : "allowed";
    }

    static List<String> reasonCodes(List<Finding> findings, HygieneResult result) {
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

    static String clientDescription(List<Finding> findings, HygieneResult result) {
        List<String> parts = new ArrayList<>();
        for (Finding f : findings) {
            parts.add(f.message);
        }
        if (result.refused()) {
            parts.add(result.description());
        }
        return String.join("; ", parts);
    }

    static List<String> labels(Set<ClaimCategory> categories) {
        List<String> out = new ArrayList<>();
        for (ClaimCategory c : categories) {
            out.add(c.label());
        }
        return out;
    }

    /** A rule outside claim hygiene that would refuse the token. */
    static final class Finding {
        final Reason reason;
        final String message;

        Finding(Reason reason, String message) {
            this.reason = reason;
            this.message = message;
        }
    }
}
