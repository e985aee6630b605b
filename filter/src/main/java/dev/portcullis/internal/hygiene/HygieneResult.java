package dev.portcullis.internal.hygiene;

import dev.portcullis.Reason;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The outcome of {@link ClaimHygiene#check(Map)}: whether the token is refused and why, every
 * finding (by claim name, never by value), the categories that were only reported, and the claims
 * the application may see.
 *
 * <p>Thread safety: immutable (see {@link #allowedClaims()} for the one caveat).
 */
public final class HygieneResult {
    private final Reason reason;
    private final List<HygieneViolation> violations;
    private final Set<ClaimCategory> reportedCategories;
    private final Set<String> withheldClaims;
    private final Map<String, Object> allowedClaims;

    HygieneResult(Reason reason, List<HygieneViolation> violations,
                  Set<ClaimCategory> reportedCategories, Set<String> withheldClaims,
                  Map<String, Object> allowedClaims) {
        this.reason = reason;
        this.violations = violations;
        this.reportedCategories = reportedCategories;
        this.withheldClaims = withheldClaims;
        this.allowedClaims = allowedClaims;
    }

    /** Whether the token must be refused. */
    public boolean refused() {
        return reason != null;
    }

    /**
     * The reason to refuse with, empty when the token passes. When several findings are enforced,
     * {@link Reason#FORBIDDEN_CLAIMS} wins, then {@link Reason#TOO_MANY_CLAIMS},
     * {@link Reason#CLAIMS_TOO_DEEP}, {@link Reason#CLAIM_ARRAY_TOO_LONG},
     * {@link Reason#CLAIM_TOO_LONG}; {@link #violations()} lists them all.
     */
    public Optional<Reason> reason() {
        return Optional.ofNullable(reason);
    }

    /**
     * Every finding, enforced and reported, in this order: authorization, personal data, claims
     * outside the allowlist, then the structural limits in the order of {@link #reason()}.
     */
    public List<HygieneViolation> violations() {
        return violations;
    }

    /** The categories found in {@link HygieneMode#REPORT} mode (their claims were withheld). */
    public Set<ClaimCategory> reportedCategories() {
        return reportedCategories;
    }

    /** The names of the claims withheld from the application because their category is reported. */
    public Set<String> withheldClaims() {
        return withheldClaims;
    }

    /**
     * A client-safe description of the refusal, naming categories and limits but never claim names
     * or values, e.g. {@code token carries authorization and personal-data claims}; empty when the
     * token passes.
     */
    public String description() {
        if (reason == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        boolean other = false;
        for (HygieneViolation v : violations) {
            if (!v.enforced() || v.isLimit()) {
                continue;
            }
            if (v.category() == ClaimCategory.OTHER) {
                other = true;
            } else {
                labels.add(v.category().label());
            }
        }
        if (!labels.isEmpty() || other) {
            StringBuilder sb = new StringBuilder("token carries ");
            if (!labels.isEmpty()) {
                sb.append(String.join(" and ", labels)).append(" claims");
            }
            if (other) {
                sb.append(labels.isEmpty() ? "" : " and ").append("claims outside the allowlist");
            }
            parts.add(sb.toString());
        }
        for (HygieneViolation v : violations) {
            if (v.isLimit()) {
                parts.add(limitDescription(v.reason()));
            }
        }
        return String.join("; ", parts);
    }

    private static String limitDescription(Reason reason) {
        switch (reason) {
            case TOO_MANY_CLAIMS:
                return "token carries too many claims";
            case CLAIMS_TOO_DEEP:
                return "token carries claims nested deeper than allowed";
            case CLAIM_ARRAY_TOO_LONG:
                return "token carries a claim array longer than allowed";
            case CLAIM_TOO_LONG:
                return "token carries a claim value longer than allowed";
            default:
                return reason.title();
        }
    }

    /**
     * The claims the application may see: identity claims, other allowed claims and claims of
     * categories that are {@link HygieneMode#OFF}; claims of reported categories are withheld.
     * Empty when the token is refused. When nothing is withheld this is an unmodifiable view of
     * the map given to {@code check} (which the caller must then not modify); otherwise an
     * unmodifiable copy.
     */
    public Map<String, Object> allowedClaims() {
        return allowedClaims;
    }

    /** A log-safe summary: reason and findings by claim name, never values. */
    @Override
    public String toString() {
        return "HygieneResult[" + (reason == null ? "accepted" : "refused " + reason.code())
                + (violations.isEmpty() ? "" : " " + violations) + "]";
    }
}
