package dev.portcullis.internal.hygiene;

import dev.portcullis.Reason;

import java.util.List;
import java.util.Objects;

/**
 * One finding of {@link ClaimHygiene#check(java.util.Map)}: either a forbidden claim category or a
 * structural limit that a claims set exceeds.
 *
 * <p>A violation names claims, never their values: {@link #claims()} holds top-level claim names
 * only, and {@link #measured()} is a size (a count, a length or a depth), not content.
 *
 * <p>Thread safety: immutable.
 */
public final class HygieneViolation {
    private final Reason reason;
    private final ClaimCategory category;
    private final List<String> claims;
    private final boolean enforced;
    private final int limit;
    private final long measured;

    HygieneViolation(Reason reason, ClaimCategory category, List<String> claims, boolean enforced,
                     int limit, long measured) {
        this.reason = Objects.requireNonNull(reason, "reason");
        this.category = category;
        this.claims = List.copyOf(claims);
        this.enforced = enforced;
        this.limit = limit;
        this.measured = measured;
    }

    static HygieneViolation category(ClaimCategory category, List<String> claims, boolean enforced) {
        return new HygieneViolation(Reason.FORBIDDEN_CLAIMS, category, claims, enforced, -1, -1);
    }

    static HygieneViolation limit(Reason reason, List<String> claims, int limit, long measured) {
        return new HygieneViolation(reason, null, claims, true, limit, measured);
    }

    /**
     * {@link Reason#FORBIDDEN_CLAIMS} for a category finding, or the limit's reason
     * ({@link Reason#TOO_MANY_CLAIMS}, {@link Reason#CLAIM_TOO_LONG},
     * {@link Reason#CLAIM_ARRAY_TOO_LONG}, {@link Reason#CLAIMS_TOO_DEEP}).
     */
    public Reason reason() {
        return reason;
    }

    /**
     * The category of a {@link Reason#FORBIDDEN_CLAIMS} finding ({@link ClaimCategory#OTHER} for
     * claims refused by the strict allowlist), or {@code null} for a structural limit.
     */
    public ClaimCategory category() {
        return category;
    }

    /** Whether this is a structural-limit finding rather than a category finding. */
    public boolean isLimit() {
        return category == null;
    }

    /**
     * The top-level claim names involved, in token order; empty for a claims set that simply
     * has too many members.
     */
    public List<String> claims() {
        return claims;
    }

    /**
     * {@code true} if this finding refuses the token; {@code false} if its category is in
     * {@link HygieneMode#REPORT} mode. Structural limits are always enforced.
     */
    public boolean enforced() {
        return enforced;
    }

    /** The configured limit that was exceeded, or {@code -1} for a category finding. */
    public int limit() {
        return limit;
    }

    /**
     * The largest size measured against {@link #limit()} (claim or member count, string length,
     * array length), or for depth the first depth found beyond the limit (the walk does not look
     * deeper); {@code -1} for a category finding.
     */
    public long measured() {
        return measured;
    }

    /**
     * A short, log-safe summary naming the reason and claim names, e.g.
     * {@code forbidden_claims authorization [roles, realm_access]}; never a claim value.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(reason.code());
        if (category != null) {
            sb.append(' ').append(category.label());
        } else {
            sb.append(" limit=").append(limit).append(" measured=").append(measured);
        }
        if (!claims.isEmpty()) {
            sb.append(' ').append(ClaimNames.safeNames(claims));
        }
        if (!enforced) {
            sb.append(" (reported)");
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof HygieneViolation)) {
            return false;
        }
        HygieneViolation v = (HygieneViolation) o;
        return reason == v.reason && category == v.category && claims.equals(v.claims)
                && enforced == v.enforced && limit == v.limit && measured == v.measured;
    }

    @Override
    public int hashCode() {
        return Objects.hash(reason, category, claims, enforced, limit, measured);
    }
}
