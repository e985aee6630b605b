package dev.portcullis.internal.hygiene;

import dev.portcullis.Reason;

import org.slf4j.Logger;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one {@link ClaimHygiene} tells about its verdicts: the WARN line of report mode (claim names
 * only, never values), the DEBUG line of a refusal, and the report and refusal counters.
 *
 * <p>Thread safety: safe for concurrent use ({@link LongAdder}s).
 */
final class HygieneReporting {
    private final LongAdder authorizationReports = new LongAdder();
    private final LongAdder personalDataReports = new LongAdder();
    /** Index 0: FORBIDDEN_CLAIMS; then {@link StructuralLimits#ORDER}. */
    private final LongAdder[] refusals = new LongAdder[StructuralLimits.ORDER.length + 1];

    private final Logger log;

    HygieneReporting(Logger log) {
        this.log = log;
        for (int i = 0; i < refusals.length; i++) {
            refusals[i] = new LongAdder();
        }
    }

    /** Counts a refusal and logs it at DEBUG. */
    void refused(Reason reason, List<HygieneViolation> violations) {
        refusals[refusalIndex(reason)].increment();
        if (log.isDebugEnabled()) {
            log.debug("Token refused by claim hygiene: {} {}", reason.code(), violations);
        }
    }

    /** A token let through with reported claims: log them (names only), count, withhold them. */
    HygieneResult reported(Map<String, Object> claims, CategoryRules.Findings found,
                           List<HygieneViolation> violations) {
        Set<String> withheld = new LinkedHashSet<>();
        StringBuilder line = new StringBuilder();
        if (found.reportedAuthz != null) {
            authorizationReports.increment();
            withheld.addAll(found.reportedAuthz);
            line.append(ClaimCategory.AUTHORIZATION.label()).append(' ')
                    .append(ClaimNames.safeNames(found.reportedAuthz));
        }
        if (found.reportedPersonal != null) {
            personalDataReports.increment();
            withheld.addAll(found.reportedPersonal);
            line.append(line.length() == 0 ? "" : "; ").append(ClaimCategory.PERSONAL_DATA.label()).append(' ')
                    .append(ClaimNames.safeNames(found.reportedPersonal));
        }
        log.warn("Token carries claims that do not belong in an access token (hygiene report mode; "
                + "withheld from the application): {}", line);
        Map<String, Object> allowed = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : claims.entrySet()) {
            if (!withheld.contains(e.getKey())) {
                allowed.put(e.getKey(), e.getValue());
            }
        }
        return new HygieneResult(null, List.copyOf(violations), found.reported(),
                Collections.unmodifiableSet(withheld), Collections.unmodifiableMap(allowed));
    }

    private static int refusalIndex(Reason reason) {
        for (int i = 0; i < StructuralLimits.ORDER.length; i++) {
            if (StructuralLimits.ORDER[i] == reason) {
                return i + 1;
            }
        }
        return 0;
    }

    /** A snapshot. */
    HygieneCounts snapshot() {
        Map<ClaimCategory, Long> reports = new EnumMap<>(ClaimCategory.class);
        reports.put(ClaimCategory.AUTHORIZATION, authorizationReports.sum());
        reports.put(ClaimCategory.PERSONAL_DATA, personalDataReports.sum());
        Map<Reason, Long> refused = new EnumMap<>(Reason.class);
        refused.put(Reason.FORBIDDEN_CLAIMS, refusals[0].sum());
        for (int i = 0; i < StructuralLimits.ORDER.length; i++) {
            refused.put(StructuralLimits.ORDER[i], refusals[i + 1].sum());
        }
        return new HygieneCounts(reports, refused);
    }
}
