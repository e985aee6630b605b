package dev.portcullis.hygiene;

import dev.portcullis.Reason;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Claim hygiene for verified access tokens: keeps authorization and personal data out of tokens
 * (they belong in the attribute store, read fresh per request) and bounds the shape of every
 * claims set. The claim names are those of RFC 7519 §4, RFC 9068 (JWT access tokens), RFC 8693
 * and OpenID Connect Core §5.1, plus the usual vendor forms (Keycloak, Cognito, Entra ID).
 *
 * <p><b>Categories.</b> Each claim name is matched exactly and case-sensitively ({@code Roles} is
 * not {@code roles}). A <em>namespaced</em> claim is one whose name contains {@code /} or
 * {@code :} ({@code https://example.com/roles}, {@code cognito:groups}, {@code urn:x:groups});
 * its last segment (after the last {@code /} or {@code :}) is matched against the category names.
 * <ul>
 *   <li>{@link ClaimCategory#IDENTITY} (always allowed, exact names only): {@value #IDENTITY_NAMES}.</li>
 *   <li>{@link ClaimCategory#AUTHORIZATION}: {@value #AUTHORIZATION_NAMES}, and namespaced forms.</li>
 *   <li>{@link ClaimCategory#PERSONAL_DATA}: {@value #PERSONAL_DATA_NAMES}, and namespaced forms.</li>
 *   <li>{@link ClaimCategory#OTHER}: anything else; allowed unless the strict allowlist is on.</li>
 * </ul>
 * Authorization and personal data are each in a {@link HygieneMode}: {@code ENFORCE} refuses the
 * token with {@link Reason#FORBIDDEN_CLAIMS}; {@code REPORT} lets it through, withholds those
 * claims from {@link HygieneResult#allowedClaims()}, logs one WARN line naming category and claim
 * names (never values) and counts it; {@code OFF} treats the category like any other claim.
 * With the strict allowlist on, only identity claims and the listed names are permitted; any other
 * claim (including one of a category that is {@code OFF}) is a {@code FORBIDDEN_CLAIMS} finding of
 * category {@code OTHER}. Allowlist names are matched exactly (no namespaced forms).
 *
 * <p><b>Structural limits</b> apply to every claim, identity claims included, each with its own
 * reason: the number of members of the claims set and of any object nested in it
 * ({@link Reason#TOO_MANY_CLAIMS}); the length in UTF-16 code units of any string anywhere, member
 * names included ({@link Reason#CLAIM_TOO_LONG}); the length of any array anywhere
 * ({@link Reason#CLAIM_ARRAY_TOO_LONG}, which catches a runaway {@code scope} list); and the nesting
 * depth ({@link Reason#CLAIMS_TOO_DEEP}). Depth is defined so that a top-level claim value is at
 * depth 1 and the elements or member values of a container at depth {@code d} are at depth
 * {@code d + 1}; a value deeper than the limit is a violation. With the default 4,
 * {@code {"resource_access":{"account":{"roles":["view"]}}}} (the string at depth 4) passes and one
 * more level is refused. The walk is iterative and stops descending at the limit, so a hostile
 * payload nested ten thousand levels deep costs a few steps.
 *
 * <p><b>Settings</b> (read by {@link #fromSettings(Settings)} and {@link Builder#settings(Settings)};
 * invalid values fail with a
 * {@link ConfigurationException} naming the setting):
 * <ul>
 *   <li>{@value #AUTHORIZATION_MODE}: {@code enforce} | {@code report} | {@code off}; default
 *       {@code enforce}.</li>
 *   <li>{@value #PERSONAL_DATA_MODE}: likewise; default {@code enforce}.</li>
 *   <li>{@value #EXTRA_FORBIDDEN}: more claim names per category, as a comma-separated list of
 *       {@code category:claim} entries, the category being {@code authorization} or
 *       {@code personal-data} and the claim everything after the first colon, e.g.
 *       {@code authorization:tenant_roles, personal-data:ssn,
 *       authorization:https://example.com/acl}; default none. Identity claims cannot be
 *       forbidden.</li>
 *   <li>{@value #ALLOW_ONLY}: turns the strict allowlist on with the listed claim names
 *       (comma-separated); the single value {@value #ALLOW_ONLY_NONE} turns it on with no names
 *       beyond the identity claims; default unset (off). A listed name of a category that is not
 *       {@code off} is a configuration error.</li>
 *   <li>{@value #MAX_CLAIMS}: default {@value #DEFAULT_MAX_CLAIMS}.</li>
 *   <li>{@value #MAX_STRING_LENGTH}: default {@value #DEFAULT_MAX_STRING_LENGTH}.</li>
 *   <li>{@value #MAX_ARRAY_LENGTH}: default {@value #DEFAULT_MAX_ARRAY_LENGTH}.</li>
 *   <li>{@value #MAX_DEPTH}: default {@value #DEFAULT_MAX_DEPTH}.</li>
 * </ul>
 *
 * <p>Usage:
 * <pre>{@code
 * ClaimHygiene hygiene = ClaimHygiene.builder()
 *         .personalData(HygieneMode.REPORT)
 *         .forbid(ClaimCategory.AUTHORIZATION, "tenant_roles")
 *         .build();
 * HygieneResult r = hygiene.check(jwtClaims.getClaimsMap());
 * if (r.refused()) {
 *     refuse(r.reason().get(), r.description());
 * } else {
 *     expose(r.allowedClaims());
 * }
 * }</pre>
 *
 * <p>Thread safety: the configuration is immutable; {@link #check(Map)} may be called from any
 * number of threads at once, and the counters it updates are thread-safe.
 */
public final class ClaimHygiene {
    /** Mode for authorization claims: {@code enforce} (default), {@code report} or {@code off}. */
    public static final String AUTHORIZATION_MODE = "portcullis.hygiene.authorization";
    /** Mode for personal-data claims: {@code enforce} (default), {@code report} or {@code off}. */
    public static final String PERSONAL_DATA_MODE = "portcullis.hygiene.personal-data";
    /** Extra claim names per category, {@code category:claim} entries; default none. */
    public static final String EXTRA_FORBIDDEN = "portcullis.hygiene.extra-forbidden";
    /** The strict allowlist: claim names permitted beyond identity claims; default unset (off). */
    public static final String ALLOW_ONLY = "portcullis.hygiene.allow-only";
    /** Maximum number of claims (and of members of any nested object); default 32. */
    public static final String MAX_CLAIMS = "portcullis.hygiene.max-claims";
    /** Maximum length of any string anywhere in the claims; default 256. */
    public static final String MAX_STRING_LENGTH = "portcullis.hygiene.max-string-length";
    /** Maximum length of any array anywhere in the claims; default 32. */
    public static final String MAX_ARRAY_LENGTH = "portcullis.hygiene.max-array-length";
    /** Maximum nesting depth, a top-level claim value being at depth 1; default 4. */
    public static final String MAX_DEPTH = "portcullis.hygiene.max-depth";

    /** The value of {@value #ALLOW_ONLY} that permits identity claims only. */
    public static final String ALLOW_ONLY_NONE = "none";

    /** Default of {@value #MAX_CLAIMS}. */
    public static final int DEFAULT_MAX_CLAIMS = 32;
    /** Default of {@value #MAX_STRING_LENGTH}. */
    public static final int DEFAULT_MAX_STRING_LENGTH = 256;
    /** Default of {@value #MAX_ARRAY_LENGTH}. */
    public static final int DEFAULT_MAX_ARRAY_LENGTH = 32;
    /** Default of {@value #MAX_DEPTH}. */
    public static final int DEFAULT_MAX_DEPTH = 4;

    /** The built-in identity and protocol claim names, always allowed. */
    public static final String IDENTITY_NAMES = "iss, sub, aud, exp, nbf, iat, jti, azp, client_id, "
            + "scope, scp, sid, auth_time, acr, amr, typ, cnf, tid";
    /** The built-in authorization claim names. */
    public static final String AUTHORIZATION_NAMES = "roles, role, groups, permissions, perms, "
            + "authorities, entitlements, realm_access, resource_access, cognito:groups, wids, group";
    /** The built-in personal-data claim names. */
    public static final String PERSONAL_DATA_NAMES = "email, email_verified, phone_number, "
            + "phone_number_verified, name, given_name, family_name, middle_name, nickname, "
            + "preferred_username, address, birthdate, gender, picture, profile, website, zoneinfo, "
            + "locale, upn, unique_name";

    private static final Logger DEFAULT_LOG = LoggerFactory.getLogger(ClaimHygiene.class);

    /** Limit reasons in precedence order (after FORBIDDEN_CLAIMS). */
    private static final Reason[] LIMIT_ORDER = {
        Reason.TOO_MANY_CLAIMS, Reason.CLAIMS_TOO_DEEP, Reason.CLAIM_ARRAY_TOO_LONG,
        Reason.CLAIM_TOO_LONG,
    };
    private static final int TOO_MANY = 0;
    private static final int TOO_DEEP = 1;
    private static final int ARRAY_TOO_LONG = 2;
    private static final int TOO_LONG = 3;
    private static final int SANITISED_NAME_LENGTH = 64;

    private final HygieneMode authorizationMode;
    private final HygieneMode personalDataMode;
    private final Set<String> authorizationNames;
    private final Set<String> personalDataNames;
    private final Set<String> allowOnly;
    private final int maxClaims;
    private final int maxStringLength;
    private final int maxArrayLength;
    private final int maxDepth;
    private final Logger log;

    /** Exact name to category (identity, authorization, personal data). */
    private final Map<String, ClaimCategory> exact;
    /** Last segment of a namespaced name to category (authorization, personal data). */
    private final Map<String, ClaimCategory> segments;

    private final LongAdder authorizationReports = new LongAdder();
    private final LongAdder personalDataReports = new LongAdder();
    private final LongAdder[] refusals = new LongAdder[LIMIT_ORDER.length + 1];

    private ClaimHygiene(Builder b) {
        this.authorizationMode = b.authorizationMode;
        this.personalDataMode = b.personalDataMode;
        this.authorizationNames = Collections.unmodifiableSet(new LinkedHashSet<>(b.authorizationNames));
        this.personalDataNames = Collections.unmodifiableSet(new LinkedHashSet<>(b.personalDataNames));
        this.allowOnly = b.allowOnly == null ? null
                : Collections.unmodifiableSet(new LinkedHashSet<>(b.allowOnly));
        this.maxClaims = b.maxClaims;
        this.maxStringLength = b.maxStringLength;
        this.maxArrayLength = b.maxArrayLength;
        this.maxDepth = b.maxDepth;
        this.log = b.log;
        Map<String, ClaimCategory> ex = new HashMap<>();
        Map<String, ClaimCategory> seg = new HashMap<>();
        for (String n : Builder.IDENTITY) {
            ex.put(n, ClaimCategory.IDENTITY);
        }
        for (String n : authorizationNames) {
            ex.put(n, ClaimCategory.AUTHORIZATION);
            seg.put(n, ClaimCategory.AUTHORIZATION);
        }
        for (String n : personalDataNames) {
            ex.put(n, ClaimCategory.PERSONAL_DATA);
            seg.put(n, ClaimCategory.PERSONAL_DATA);
        }
        this.exact = Map.copyOf(ex);
        this.segments = Map.copyOf(seg);
        for (int i = 0; i < refusals.length; i++) {
            refusals[i] = new LongAdder();
        }
    }

    /** A builder with the defaults documented on this class. */
    public static Builder builder() {
        return new Builder();
    }

    /** Hygiene with every default: both categories enforced, default limits, no allowlist. */
    public static ClaimHygiene defaults() {
        return builder().build();
    }

    /**
     * Hygiene configured from the settings documented on this class.
     *
     * @throws ConfigurationException naming the setting and the bad value
     */
    public static ClaimHygiene fromSettings(Settings settings) {
        return builder().settings(settings).build();
    }

    /**
     * The category of a claim name: exact, case-sensitive match first, then, for a namespaced
     * name, its last segment against the authorization and personal-data names.
     */
    public ClaimCategory categoryOf(String claimName) {
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

    /**
     * Checks one verified claims set.
     *
     * @param claims the claims as jose4j's {@code JwtClaims.getClaimsMap()} gives them (values are
     *     {@code String}, {@code Long}, {@code Double}, {@code BigInteger}, {@code Boolean},
     *     {@code List}, {@code Map} or {@code null})
     * @return the verdict; the counters are updated and, for reported categories of a token that
     *     is not refused, one WARN line is logged
     */
    public HygieneResult check(Map<String, Object> claims) {
        Objects.requireNonNull(claims, "claims");
        List<String> enforcedAuthz = null;
        List<String> enforcedPersonal = null;
        List<String> reportedAuthz = null;
        List<String> reportedPersonal = null;
        List<String> notAllowed = null;
        Limits limits = null;
        ArrayDeque<Object> stack = null;

        if (claims.size() > maxClaims) {
            limits = new Limits();
            limits.record(TOO_MANY, null, claims.size());
        }
        for (Map.Entry<String, Object> e : claims.entrySet()) {
            String name = e.getKey();
            ClaimCategory category = categoryOf(name);
            HygieneMode mode = modeOf(category);
            if (category == ClaimCategory.AUTHORIZATION && mode == HygieneMode.ENFORCE) {
                enforcedAuthz = add(enforcedAuthz, name);
            } else if (category == ClaimCategory.AUTHORIZATION && mode == HygieneMode.REPORT) {
                reportedAuthz = add(reportedAuthz, name);
            } else if (category == ClaimCategory.PERSONAL_DATA && mode == HygieneMode.ENFORCE) {
                enforcedPersonal = add(enforcedPersonal, name);
            } else if (category == ClaimCategory.PERSONAL_DATA && mode == HygieneMode.REPORT) {
                reportedPersonal = add(reportedPersonal, name);
            } else if (allowOnly != null && category != ClaimCategory.IDENTITY
                    && !allowOnly.contains(name)) {
                notAllowed = add(notAllowed, name);
            }
            if (name.length() > maxStringLength) {
                limits = Limits.record(limits, TOO_LONG, name, name.length());
            }
            Object value = e.getValue();
            if (value instanceof String) {
                int len = ((String) value).length();
                if (len > maxStringLength) {
                    limits = Limits.record(limits, TOO_LONG, name, len);
                }
            } else if (value instanceof List || value instanceof Map) {
                if (stack == null) {
                    stack = new ArrayDeque<>(8);
                }
                limits = walk(name, value, stack, limits);
            }
        }

        if (limits == null && enforcedAuthz == null && reportedAuthz == null && enforcedPersonal == null
                && reportedPersonal == null && notAllowed == null) {
            return new HygieneResult(null, List.of(), Set.of(), Set.of(), Collections.unmodifiableMap(claims));
        }
        List<HygieneViolation> violations = new ArrayList<>();
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
        Reason reason = forbidden ? Reason.FORBIDDEN_CLAIMS : null;
        if (limits != null) {
            for (int i = 0; i < LIMIT_ORDER.length; i++) {
                if (limits.claims[i] != null) {
                    violations.add(HygieneViolation.limit(LIMIT_ORDER[i], List.copyOf(limits.claims[i]),
                            limitOf(i), limits.measured[i]));
                    if (reason == null) {
                        reason = LIMIT_ORDER[i];
                    }
                }
            }
        }

        if (reason != null) {
            refusals[refusalIndex(reason)].increment();
            if (log.isDebugEnabled()) {
                log.debug("Token refused by claim hygiene: {} {}", reason.code(), violations);
            }
            return new HygieneResult(reason, List.copyOf(violations), reportedSet(reportedAuthz,
                    reportedPersonal), Set.of(), Map.of());
        }
        if (reportedAuthz == null && reportedPersonal == null) {
            return new HygieneResult(null, List.copyOf(violations), Set.of(), Set.of(),
                    Collections.unmodifiableMap(claims));
        }

        Set<String> withheld = new LinkedHashSet<>();
        StringBuilder line = new StringBuilder();
        if (reportedAuthz != null) {
            authorizationReports.increment();
            withheld.addAll(reportedAuthz);
            line.append(ClaimCategory.AUTHORIZATION.label()).append(' ').append(safeNames(reportedAuthz));
        }
        if (reportedPersonal != null) {
            personalDataReports.increment();
            withheld.addAll(reportedPersonal);
            line.append(line.length() == 0 ? "" : "; ")
                    .append(ClaimCategory.PERSONAL_DATA.label()).append(' ').append(safeNames(reportedPersonal));
        }
        log.warn("Token carries claims that do not belong in an access token (hygiene report mode; "
                + "withheld from the application): {}", line);
        Map<String, Object> allowed = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : claims.entrySet()) {
            if (!withheld.contains(e.getKey())) {
                allowed.put(e.getKey(), e.getValue());
            }
        }
        return new HygieneResult(null, List.copyOf(violations),
                reportedSet(reportedAuthz, reportedPersonal),
                Collections.unmodifiableSet(withheld), Collections.unmodifiableMap(allowed));
    }

    /**
     * Walks one container claim value without recursion, stopping at the depth limit. The root
     * container is examined in place; only containers nested in it go on the explicit stack.
     */
    private Limits walk(String claim, Object root, ArrayDeque<Object> stack, Limits limits) {
        Object value = root;
        int depth = 1;
        while (true) {
            limits = examine(claim, value, depth, stack, limits);
            if (stack == null || stack.isEmpty()) {
                return limits;
            }
            value = stack.pop();
            depth = (Integer) stack.pop();
        }
    }

    /** Checks one container at {@code depth} and pushes its container children. */
    private Limits examine(String claim, Object value, int depth, ArrayDeque<Object> stack, Limits limits) {
        Collection<?> children;
        if (value instanceof List) {
            List<?> list = (List<?>) value;
            if (list.size() > maxArrayLength) {
                limits = Limits.record(limits, ARRAY_TOO_LONG, claim, list.size());
            }
            children = list;
        } else {
            Map<?, ?> map = (Map<?, ?>) value;
            if (map.size() > maxClaims) {
                limits = Limits.record(limits, TOO_MANY, claim, map.size());
            }
            for (Object key : map.keySet()) {
                String k = String.valueOf(key);
                if (k.length() > maxStringLength) {
                    limits = Limits.record(limits, TOO_LONG, claim, k.length());
                }
            }
            children = map.values();
        }
        if (children.isEmpty()) {
            return limits;
        }
        int childDepth = depth + 1;
        if (childDepth > maxDepth) {
            return Limits.record(limits, TOO_DEEP, claim, childDepth);
        }
        for (Object child : children) {
            if (child instanceof String) {
                int len = ((String) child).length();
                if (len > maxStringLength) {
                    limits = Limits.record(limits, TOO_LONG, claim, len);
                }
            } else if (child instanceof List || child instanceof Map) {
                stack.push(childDepth);
                stack.push(child);
            }
        }
        return limits;
    }

    /** Claim names in insertion order (a named type so that an array of them is not raw). */
    private static final class NameSet extends LinkedHashSet<String> {
    }

    /** Findings of the structural limits, by index into {@link #LIMIT_ORDER}. */
    private static final class Limits {
        final NameSet[] claims = new NameSet[LIMIT_ORDER.length];
        final long[] measured = new long[LIMIT_ORDER.length];

        static Limits record(Limits limits, int index, String claim, long measured) {
            Limits l = limits == null ? new Limits() : limits;
            l.record(index, claim, measured);
            return l;
        }

        void record(int index, String claim, long value) {
            if (claims[index] == null) {
                claims[index] = new NameSet();
            }
            if (claim != null) {
                claims[index].add(claim);
            }
            measured[index] = Math.max(measured[index], value);
        }
    }

    private int limitOf(int index) {
        switch (index) {
            case TOO_MANY:
                return maxClaims;
            case TOO_DEEP:
                return maxDepth;
            case ARRAY_TOO_LONG:
                return maxArrayLength;
            default:
                return maxStringLength;
        }
    }

    private static int refusalIndex(Reason reason) {
        for (int i = 0; i < LIMIT_ORDER.length; i++) {
            if (LIMIT_ORDER[i] == reason) {
                return i + 1;
            }
        }
        return 0;
    }

    private static List<String> add(List<String> list, String name) {
        List<String> l = list == null ? new ArrayList<>(4) : list;
        l.add(name);
        return l;
    }

    private static Set<ClaimCategory> reportedSet(List<String> authz, List<String> personal) {
        if (authz == null && personal == null) {
            return Set.of();
        }
        if (authz != null && personal != null) {
            return Collections.unmodifiableSet(
                    EnumSet.of(ClaimCategory.AUTHORIZATION, ClaimCategory.PERSONAL_DATA));
        }
        return Set.of(authz != null ? ClaimCategory.AUTHORIZATION : ClaimCategory.PERSONAL_DATA);
    }

    /**
     * Claim names made safe for a log line or a terminal: control and other non-printable
     * characters become {@code ?}, and each name is cut to 64 characters.
     */
    static String safeNames(Collection<String> names) {
        StringBuilder sb = new StringBuilder("[");
        for (String n : names) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(safeName(n));
        }
        return sb.append(']').toString();
    }

    /** One claim name made safe for a log line or a terminal (see {@link #safeNames}). */
    static String safeName(String name) {
        int n = Math.min(name.length(), SANITISED_NAME_LENGTH);
        StringBuilder sb = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            sb.append(Character.isISOControl(c) || !Character.isDefined(c)
                    || Character.getType(c) == Character.FORMAT ? '?' : c);
        }
        if (name.length() > SANITISED_NAME_LENGTH) {
            sb.append("...");
        }
        return sb.toString();
    }

    /** The mode of a category; {@link ClaimCategory#IDENTITY} and {@code OTHER} are always {@code OFF}. */
    public HygieneMode modeOf(ClaimCategory category) {
        switch (category) {
            case AUTHORIZATION:
                return authorizationMode;
            case PERSONAL_DATA:
                return personalDataMode;
            default:
                return HygieneMode.OFF;
        }
    }

    /** The authorization claim names, built-in and extra. */
    public Set<String> authorizationNames() {
        return authorizationNames;
    }

    /** The personal-data claim names, built-in and extra. */
    public Set<String> personalDataNames() {
        return personalDataNames;
    }

    /** The strict allowlist, or empty when it is off (an empty set inside means identity only). */
    public Optional<Set<String>> allowOnly() {
        return Optional.ofNullable(allowOnly);
    }

    /** The configured {@value #MAX_CLAIMS}. */
    public int maxClaims() {
        return maxClaims;
    }

    /** The configured {@value #MAX_STRING_LENGTH}. */
    public int maxStringLength() {
        return maxStringLength;
    }

    /** The configured {@value #MAX_ARRAY_LENGTH}. */
    public int maxArrayLength() {
        return maxArrayLength;
    }

    /** The configured {@value #MAX_DEPTH}. */
    public int maxDepth() {
        return maxDepth;
    }

    /** A snapshot of the report and refusal counters of this instance. */
    public HygieneCounts counts() {
        Map<ClaimCategory, Long> reports = new EnumMap<>(ClaimCategory.class);
        reports.put(ClaimCategory.AUTHORIZATION, authorizationReports.sum());
        reports.put(ClaimCategory.PERSONAL_DATA, personalDataReports.sum());
        Map<Reason, Long> refused = new EnumMap<>(Reason.class);
        refused.put(Reason.FORBIDDEN_CLAIMS, refusals[0].sum());
        for (int i = 0; i < LIMIT_ORDER.length; i++) {
            refused.put(LIMIT_ORDER[i], refusals[i + 1].sum());
        }
        return new HygieneCounts(reports, refused);
    }

    @Override
    public String toString() {
        return "ClaimHygiene[authorization=" + authorizationMode + ", personal-data=" + personalDataMode
                + ", allow-only=" + (allowOnly == null ? "off" : allowOnly) + ", max-claims=" + maxClaims
                + ", max-string-length=" + maxStringLength + ", max-array-length=" + maxArrayLength
                + ", max-depth=" + maxDepth + "]";
    }

    /**
     * Builds a {@link ClaimHygiene}; every setter checks its argument at once and fails with a
     * {@link ConfigurationException} naming the setting, and {@link #build()} checks combinations.
     *
     * <p>Thread safety: not thread-safe; use from one thread.
     */
    public static final class Builder {
        static final List<String> IDENTITY = split(IDENTITY_NAMES);

        private HygieneMode authorizationMode = HygieneMode.ENFORCE;
        private HygieneMode personalDataMode = HygieneMode.ENFORCE;
        private final Set<String> authorizationNames = new LinkedHashSet<>(split(AUTHORIZATION_NAMES));
        private final Set<String> personalDataNames = new LinkedHashSet<>(split(PERSONAL_DATA_NAMES));
        private Set<String> allowOnly;
        private int maxClaims = DEFAULT_MAX_CLAIMS;
        private int maxStringLength = DEFAULT_MAX_STRING_LENGTH;
        private int maxArrayLength = DEFAULT_MAX_ARRAY_LENGTH;
        private int maxDepth = DEFAULT_MAX_DEPTH;
        private Logger log = DEFAULT_LOG;

        private Builder() {
        }

        private static List<String> split(String names) {
            return List.of(names.split(",\\s*"));
        }

        /**
         * Applies every setting documented on {@link ClaimHygiene} that is present in
         * {@code settings}; unset names keep the builder's current values.
         *
         * @throws ConfigurationException naming the setting and the bad value
         */
        public Builder settings(Settings settings) {
            Objects.requireNonNull(settings, "settings");
            authorization(settings.getEnum(AUTHORIZATION_MODE, HygieneMode.class, authorizationMode));
            personalData(settings.getEnum(PERSONAL_DATA_MODE, HygieneMode.class, personalDataMode));
            maxClaims(settings.getInt(MAX_CLAIMS, maxClaims));
            maxStringLength(settings.getInt(MAX_STRING_LENGTH, maxStringLength));
            maxArrayLength(settings.getInt(MAX_ARRAY_LENGTH, maxArrayLength));
            maxDepth(settings.getInt(MAX_DEPTH, maxDepth));
            for (String entry : settings.getList(EXTRA_FORBIDDEN)) {
                int colon = entry.indexOf(':');
                ClaimCategory category = colon <= 0 ? null
                        : ClaimCategory.fromLabel(entry.substring(0, colon).toLowerCase(Locale.ROOT));
                if (category != ClaimCategory.AUTHORIZATION && category != ClaimCategory.PERSONAL_DATA
                        || colon == entry.length() - 1) {
                    throw new ConfigurationException(EXTRA_FORBIDDEN, "entries must be "
                            + "authorization:CLAIM or personal-data:CLAIM, was '" + safeName(entry) + "'");
                }
                forbid(category, List.of(entry.substring(colon + 1)));
            }
            List<String> allow = settings.getList(ALLOW_ONLY);
            if (!allow.isEmpty()) {
                if (allow.size() == 1 && allow.get(0).equals(ALLOW_ONLY_NONE)) {
                    allowOnly(List.of());
                } else if (allow.contains(ALLOW_ONLY_NONE)) {
                    throw new ConfigurationException(ALLOW_ONLY, "'" + ALLOW_ONLY_NONE
                            + "' must be the only value, was '" + String.join(",", allow) + "'");
                } else {
                    allowOnly(allow);
                }
            }
            return this;
        }

        /** Mode for authorization claims ({@value ClaimHygiene#AUTHORIZATION_MODE}). */
        public Builder authorization(HygieneMode mode) {
            this.authorizationMode = requireMode(AUTHORIZATION_MODE, mode);
            return this;
        }

        /** Mode for personal-data claims ({@value ClaimHygiene#PERSONAL_DATA_MODE}). */
        public Builder personalData(HygieneMode mode) {
            this.personalDataMode = requireMode(PERSONAL_DATA_MODE, mode);
            return this;
        }

        private static HygieneMode requireMode(String setting, HygieneMode mode) {
            if (mode == null) {
                throw new ConfigurationException(setting, "must be enforce, report or off, was null");
            }
            return mode;
        }

        /**
         * Adds claim names to {@link ClaimCategory#AUTHORIZATION} or
         * {@link ClaimCategory#PERSONAL_DATA} ({@value ClaimHygiene#EXTRA_FORBIDDEN}); they are
         * matched like the built-in names, namespaced forms included.
         */
        public Builder forbid(ClaimCategory category, Collection<String> claimNames) {
            if (category != ClaimCategory.AUTHORIZATION && category != ClaimCategory.PERSONAL_DATA) {
                throw new ConfigurationException(EXTRA_FORBIDDEN,
                        "only authorization and personal-data claims can be added, was " + category);
            }
            Objects.requireNonNull(claimNames, EXTRA_FORBIDDEN);
            for (String name : claimNames) {
                requireName(EXTRA_FORBIDDEN, name);
                if (IDENTITY.contains(name)) {
                    throw new ConfigurationException(EXTRA_FORBIDDEN,
                            "identity claims cannot be forbidden, was '" + name + "'");
                }
                Set<String> other = category == ClaimCategory.AUTHORIZATION ? personalDataNames
                        : authorizationNames;
                if (other.contains(name)) {
                    throw new ConfigurationException(EXTRA_FORBIDDEN, "'" + name
                            + "' is already in another category");
                }
                (category == ClaimCategory.AUTHORIZATION ? authorizationNames : personalDataNames).add(name);
            }
            return this;
        }

        /** Varargs form of {@link #forbid(ClaimCategory, Collection)}. */
        public Builder forbid(ClaimCategory category, String... claimNames) {
            return forbid(category, List.of(claimNames));
        }

        /**
         * Turns the strict allowlist on ({@value ClaimHygiene#ALLOW_ONLY}): only identity claims
         * and {@code claimNames} (matched exactly) are permitted; an empty collection permits
         * identity claims only.
         */
        public Builder allowOnly(Collection<String> claimNames) {
            Objects.requireNonNull(claimNames, ALLOW_ONLY);
            Set<String> names = new LinkedHashSet<>();
            for (String name : claimNames) {
                names.add(requireName(ALLOW_ONLY, name));
            }
            this.allowOnly = names;
            return this;
        }

        /** Turns the strict allowlist off again (the default). */
        public Builder allowAnyOtherClaim() {
            this.allowOnly = null;
            return this;
        }

        /** {@value ClaimHygiene#MAX_CLAIMS}, at least 1; default 32. */
        public Builder maxClaims(int max) {
            this.maxClaims = requirePositive(MAX_CLAIMS, max);
            return this;
        }

        /** {@value ClaimHygiene#MAX_STRING_LENGTH}, at least 1; default 256. */
        public Builder maxStringLength(int max) {
            this.maxStringLength = requirePositive(MAX_STRING_LENGTH, max);
            return this;
        }

        /** {@value ClaimHygiene#MAX_ARRAY_LENGTH}, at least 1; default 32. */
        public Builder maxArrayLength(int max) {
            this.maxArrayLength = requirePositive(MAX_ARRAY_LENGTH, max);
            return this;
        }

        /** {@value ClaimHygiene#MAX_DEPTH}, at least 1 (scalars only); default 4. */
        public Builder maxDepth(int max) {
            this.maxDepth = requirePositive(MAX_DEPTH, max);
            return this;
        }

        /** The logger for report lines (tests use it to capture them). */
        Builder logger(Logger logger) {
            this.log = Objects.requireNonNull(logger, "logger");
            return this;
        }

        private static int requirePositive(String setting, int value) {
            if (value < 1) {
                throw new ConfigurationException(setting, "must be at least 1, was " + value);
            }
            return value;
        }

        private static String requireName(String setting, String name) {
            if (name == null || name.isEmpty()) {
                throw new ConfigurationException(setting, "claim names must not be empty");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (Character.isWhitespace(c) || Character.isISOControl(c) || c == ',') {
                    throw new ConfigurationException(setting, "claim names must not contain "
                            + "whitespace, commas or control characters, was '" + safeName(name) + "'");
                }
            }
            return name;
        }

        /**
         * Builds the hygiene.
         *
         * @throws ConfigurationException if the allowlist names a claim of a category that is not
         *     {@code off} (it would be refused or withheld all the same)
         */
        public ClaimHygiene build() {
            ClaimHygiene hygiene = new ClaimHygiene(this);
            if (allowOnly != null) {
                for (String name : allowOnly) {
                    ClaimCategory c = hygiene.categoryOf(name);
                    HygieneMode mode = hygiene.modeOf(c);
                    if (mode != HygieneMode.OFF) {
                        String setting = c == ClaimCategory.AUTHORIZATION ? AUTHORIZATION_MODE
                                : PERSONAL_DATA_MODE;
                        throw new ConfigurationException(ALLOW_ONLY, "'" + name + "' is a "
                                + c.label() + " claim, which is in " + mode.name().toLowerCase(Locale.ROOT)
                                + " mode; set " + setting + "=off to let it through");
                    }
                }
            }
            return hygiene;
        }
    }
}
