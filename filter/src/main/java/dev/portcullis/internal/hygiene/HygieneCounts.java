package dev.portcullis.internal.hygiene;

import dev.portcullis.Reason;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A point-in-time snapshot of one {@link ClaimHygiene}'s counters: how often each category was
 * reported (the request proceeded with the claims withheld) and how often a token was refused, by
 * reason.
 *
 * <p>Thread safety: immutable.
 */
public final class HygieneCounts {
    private final Map<ClaimCategory, Long> reports;
    private final Map<Reason, Long> refusals;

    HygieneCounts(Map<ClaimCategory, Long> reports, Map<Reason, Long> refusals) {
        this.reports = Collections.unmodifiableMap(new EnumMap<>(reports));
        this.refusals = Collections.unmodifiableMap(new EnumMap<>(refusals));
    }

    /** Report counts for {@link ClaimCategory#AUTHORIZATION} and {@link ClaimCategory#PERSONAL_DATA}. */
    public Map<ClaimCategory, Long> reports() {
        return reports;
    }

    /** Refusal counts for each hygiene reason, keyed by the refusal's primary reason. */
    public Map<Reason, Long> refusals() {
        return refusals;
    }

    /** How many checked tokens had claims of {@code category} reported and withheld. */
    public long reports(ClaimCategory category) {
        return reports.getOrDefault(category, 0L);
    }

    /** How many checked tokens were refused with {@code reason}. */
    public long refusals(Reason reason) {
        return refusals.getOrDefault(reason, 0L);
    }

    @Override
    public String toString() {
        return "HygieneCounts[reports=" + reports + ", refusals=" + refusals + "]";
    }
}
