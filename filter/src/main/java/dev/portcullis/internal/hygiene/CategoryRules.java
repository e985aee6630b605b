package dev.portcullis.internal.hygiene;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The category half of claim hygiene: which category a claim name is in (exact names, then the
 * last segment of a namespaced name), each category's mode, and the strict allowlist; and, for one
 * claims set, which claims are enforced, reported or not allowed. See {@link ClaimHygiene} for
 * the rules.
 *
 * <p>Thread safety: immutable.
 */
final class CategoryRules {
    private final HygieneMode authorizationMode;
    private final HygieneMode personalDataMode;
    private final Set<String> authorizationNames;
    private final Set<String> personalDataNames;
    private final Set<String> allowOnly;
    /** Exact name to category (identity, authorization, personal data). */
    private final Map<String, ClaimCategory> exact;
    /** Last segment of a namespaced name to category (authorization, personal data). */
    private final Map<String, ClaimCategory> segments;

    CategoryRules(HygieneMode authorizationMode, HygieneMode personalDataMode, Set<String> authorizationNames,
                  Set<String> personalDataNames, Set<String> allowOnly) {
        this.authorizationMode = authorizationMode;
        this.personalDataMode = personalDataMode;
        this.authorizationNames = Collections.unmodifiableSet(new LinkedHashSet<>(authorizationNames));
        this.personalDataNames = Collections.unmodifiableSet(new LinkedHashSet<>(personalDataNames));
        this.allowOnly = allowOnly == null ? null : Collections.unmodifiableSet(new LinkedHashSet<>(allowOnly));
        Map<String, ClaimCategory> ex = new HashMap<>();
        Map<String, ClaimCategory> seg = new HashMap<>();
        for (String n : ClaimNames.IDENTITY) {
            ex.put(n, ClaimCategory.IDENTITY);
        }
        for (String n : this.authorizationNames) {
            ex.put(n, ClaimCategory.AUTHORIZATION);
            seg.put(n, ClaimCategory.AUTHORIZATION);
        }
        for (String n : this.personalDataNames) {
            ex.put(n, ClaimCategory.PERSONAL_DATA);
            seg.put(n, ClaimCategory.PERSONAL_DATA);
        }
        this.exact = Map.copyOf(ex);
        this.segments = Map.copyOf(seg);
    }

    /** See {@link ClaimHygiene#categoryOf(String)}. */
    ClaimCategory categoryOf(String claimName) {
        ClaimCategory c = exact.get(claimName);
        if (c != null) {
            return c;
        }
        for (int i = claimName.length() - 1; i >= 0; i--) {
            char ch = claimName.charAt(i);
            if (ch == '/' || ch == ':') {
                c = segments.get(claimName.substring(i + 1));
                return c == null ? ClaimCategory.OTHER : c;
            }
        }
        return ClaimCategory.OTHER;
    }

    /** See {@link ClaimHygiene#modeOf(ClaimCategory)}. */
    HygieneMode modeOf(ClaimCategory category) {
        switch (category) {
            case AUTHORIZATION:
                return authorizationMode;
            case PERSONAL_DATA:
                return personalDataMode;
            default:
                return HygieneMode.OFF;
        }
    }

    HygieneMode authorizationMode() {
        return authorizationMode;
    }

    HygieneMode personalDataMode() {
        return personalDataMode;
    }

    Set<String> authorizationNames() {
        return authorizationNames;
    }

    Set<String> personalDataNames() {
        return personalDataNames;
    }

    /** The allowlist, or null when it is off. */
    Set<String> allowOnly() {
        return allowOnly;
    }

    /** Sorts the claims of one set by what the category rules say about them; null when none apply. */
    Findings classify(Map<String, Object> claims) {
        Findings f = null;
        for (String name : claims.keySet()) {
            ClaimCategory category = categoryOf(name);
            HygieneMode mode = modeOf(category);
            boolean notAllowed = false;
            if (mode == HygieneMode.OFF) {
                notAllowed = allowOnly != null && category != ClaimCategory.IDENTITY && !allowOnly.contains(name);
                if (!notAllowed) {
                    continue;
                }
            }
            if (f == null) {
                f = new Findings();
            }
            if (notAllowed) {
                f.notAllowed = add(f.notAllowed, name);
            } else if (category == ClaimCategory.AUTHORIZATION && mode == HygieneMode.ENFORCE) {
                f.enforcedAuthz = add(f.enforcedAuthz, name);
            } else if (category == ClaimCategory.AUTHORIZATION) {
                f.reportedAuthz = add(f.reportedAuthz, name);
            } else if (mode == HygieneMode.ENFORCE) {
                f.enforcedPersonal = add(f.enforcedPersonal, name);
            } else {
                f.reportedPersonal = add(f.reportedPersonal, name);
            }
        }
        return f;
    }

    private static List<String> add(List<String> list, String name) {
        List<String> l = list == null ? new ArrayList<>(4) : list;
        l.add(name);
        return l;
    }

    /** What the category rules found in one claims set; each list is null when empty. */
    static final class Findings {
        List<String> enforcedAuthz;
        List<String> enforcedPersonal;
        List<String> reportedAuthz;
        List<String> reportedPersonal;
        List<String> notAllowed;

        /**
         * Adds the category violations in their fixed order (authorization, personal data, not
         * allowed).
         *
         * @return whether any of them refuses the token
         */
        boolean addViolations(List<HygieneViolation> violations) {
            boolean forbidden = false;
            if (enforcedAuthz != null) {
                violations.add(HygieneViolation.category(ClaimCategory.AUTHORIZATION, enforcedAuthz, true));
                forbidden = true;
            } else if (reportedAuthz != null) {
                violations.add(HygieneViolation.category(ClaimCategory.AUTHORIZATION, reportedAuthz, false));
            }
            if (enforcedPersonal != null) {
                violations.add(HygieneViolation.category(ClaimCategory.PERSONAL_DATA, enforcedPersonal, true));
                forbidden = true;
            } else if (reportedPersonal != null) {
                violations.add(HygieneViolation.category(ClaimCategory.PERSONAL_DATA, reportedPersonal, false));
            }
            if (notAllowed != null) {
                violations.add(HygieneViolation.category(ClaimCategory.OTHER, notAllowed, true));
                forbidden = true;
            }
            return forbidden;
        }

        /** The reported categories. */
        Set<ClaimCategory> reported() {
            if (reportedAuthz == null && reportedPersonal == null) {
                return Set.of();
            }
            if (reportedAuthz != null && reportedPersonal != null) {
                return Collections.unmodifiableSet(
                        EnumSet.of(ClaimCategory.AUTHORIZATION, ClaimCategory.PERSONAL_DATA));
            }
            return Set.of(reportedAuthz != null ? ClaimCategory.AUTHORIZATION : ClaimCategory.PERSONAL_DATA);
        }
    }
}
