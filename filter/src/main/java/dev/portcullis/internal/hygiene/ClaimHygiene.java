package dev.portcullis.internal.hygiene;

import dev.portcullis.Reason;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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
 *   <li>{@value SettingNames#HYGIENE_AUTHORIZATION}: {@code enforce} | {@code report} | {@code off}; default
 *       {@code enforce}.</li>
 *   <li>{@value SettingNames#HYGIENE_PERSONAL_DATA}: likewise; default {@code enforce}.</li>
 *   <li>{@value SettingNames#HYGIENE_EXTRA_FORBIDDEN}: more claim names per category, as a comma-separated list of
 *       {@code category:claim} entries, the category being {@code authorization} or
 *       {@code personal-data} and the claim everything after the first colon, e.g.
 *       {@code authorization:tenant_roles, personal-data:ssn,
 *       authorization:https://example.com/acl}; default none. Identity claims cannot be
 *       forbidden.</li>
 *   <li>{@value SettingNames#HYGIENE_ALLOW_ONLY}: turns the strict allowlist on with the listed claim names
 *       (comma-separated); the single value {@value #ALLOW_ONLY_NONE} turns it on with no names
 *       beyond the identity claims; default unset (off). A listed name of a category that is not
 *       {@code off} is a configuration error.</li>
 *   <li>{@value SettingNames#HYGIENE_MAX_CLAIMS}: default {@value #DEFAULT_MAX_CLAIMS}.</li>
 *   <li>{@value SettingNames#HYGIENE_MAX_STRING_LENGTH}: default {@value #DEFAULT_MAX_STRING_LENGTH}.</li>
 *   <li>{@value SettingNames#HYGIENE_MAX_ARRAY_LENGTH}: default {@value #DEFAULT_MAX_ARRAY_LENGTH}.</li>
 *   <li>{@value SettingNames#HYGIENE_MAX_DEPTH}: default {@value #DEFAULT_MAX_DEPTH}.</li>
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
 * <p>The parts, each readable alone: {@link CategoryRules} (categories, modes, allowlist),
 * {@link StructuralLimits} (the limits and the walk), {@link HygieneSettings} (the settings),
 * {@link HygieneReporting} (report lines and counters), {@link ClaimNames} (name checks, safe names for logs).
 *
 * <p>Thread safety: the configuration is immutable; {@link #check(Map)} may be called from any
 * number of threads at once, and the counters it updates are thread-safe.
 */
public final class ClaimHygiene {

    /** The value of {@value SettingNames#HYGIENE_ALLOW_ONLY} that permits identity claims only. */
    public static final String ALLOW_ONLY_NONE = "none";

    /** Default of {@value SettingNames#HYGIENE_MAX_CLAIMS}. */
    public static final int DEFAULT_MAX_CLAIMS = 32;
    /** Default of {@value SettingNames#HYGIENE_MAX_STRING_LENGTH}. */
    public static final int DEFAULT_MAX_STRING_LENGTH = 256;
    /** Default of {@value SettingNames#HYGIENE_MAX_ARRAY_LENGTH}. */
    public static final int DEFAULT_MAX_ARRAY_LENGTH = 32;
    /** Default of {@value SettingNames#HYGIENE_MAX_DEPTH}. */
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

    private final CategoryRules categories;
    private final StructuralLimits limits;
    private final HygieneReporting reporting;

    private ClaimHygiene(Builder b) {
        this.categories = new CategoryRules(b.authorizationMode, b.personalDataMode, b.authorizationNames,
                b.personalDataNames, b.allowOnly);
        this.limits = new StructuralLimits(b.maxClaims, b.maxStringLength, b.maxArrayLength, b.maxDepth);
        this.reporting = new HygieneReporting(b.log);
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
        return categories.categoryOf(claimName);
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
        CategoryRules.Findings found = categories.classify(claims);
        StructuralLimits.Findings broken = limits.check(claims);
        if (found == null && broken == null) {
            return new HygieneResult(null, List.of(), Set.of(), Set.of(), Collections.unmodifiableMap(claims));
        }
        if (found == null) {
            found = new CategoryRules.Findings();
        }
        List<HygieneViolation> violations = new ArrayList<>();
        Reason reason = found.addViolations(violations) ? Reason.FORBIDDEN_CLAIMS : null;
        Reason limit = limits.addViolations(broken, violations);
        if (reason == null) {
            reason = limit;
        }
        if (reason != null) {
            reporting.refused(reason, violations);
            return new HygieneResult(reason, List.copyOf(violations), found.reported(), Set.of(), Map.of());
        }
        if (found.reportedAuthz == null && found.reportedPersonal == null) {
            return new HygieneResult(null, List.copyOf(violations), Set.of(), Set.of(),
                    Collections.unmodifiableMap(claims));
        }
        return reporting.reported(claims, found, violations);
    }

    /** The mode of a category; {@link ClaimCategory#IDENTITY} and {@code OTHER} are always {@code OFF}. */
    public HygieneMode modeOf(ClaimCategory category) {
        return categories.modeOf(category);
    }

    /** The authorization claim names, built-in and extra. */
    public Set<String> authorizationNames() {
        return categories.authorizationNames();
    }

    /** The personal-data claim names, built-in and extra. */
    public Set<String> personalDataNames() {
        return categories.personalDataNames();
    }

    /** The strict allowlist, or empty when it is off (an empty set inside means identity only). */
    public Optional<Set<String>> allowOnly() {
        return Optional.ofNullable(categories.allowOnly());
    }

    /** The configured {@value SettingNames#HYGIENE_MAX_CLAIMS}. */
    public int maxClaims() {
        return limits.maxClaims();
    }

    /** The configured {@value SettingNames#HYGIENE_MAX_STRING_LENGTH}. */
    public int maxStringLength() {
        return limits.maxStringLength();
    }

    /** The configured {@value SettingNames#HYGIENE_MAX_ARRAY_LENGTH}. */
    public int maxArrayLength() {
        return limits.maxArrayLength();
    }

    /** The configured {@value SettingNames#HYGIENE_MAX_DEPTH}. */
    public int maxDepth() {
        return limits.maxDepth();
    }

    /** A snapshot of the report and refusal counters of this instance. */
    public HygieneCounts counts() {
        return reporting.snapshot();
    }

    @Override
    public String toString() {
        Set<String> allowOnly = categories.allowOnly();
        return "ClaimHygiene[authorization=" + categories.authorizationMode() + ", personal-data="
                + categories.personalDataMode() + ", allow-only=" + (allowOnly == null ? "off" : allowOnly)
                + ", max-claims=" + limits.maxClaims() + ", max-string-length=" + limits.maxStringLength()
                + ", max-array-length=" + limits.maxArrayLength() + ", max-depth=" + limits.maxDepth() + "]";
    }

    /**
     * Builds a {@link ClaimHygiene}; every setter checks its argument at once and fails with a
     * {@link ConfigurationException} naming the setting, and {@link #build()} checks combinations.
     *
     * <p>Thread safety: not thread-safe; use from one thread.
     */
    public static final class Builder {
        HygieneMode authorizationMode = HygieneMode.ENFORCE;
        HygieneMode personalDataMode = HygieneMode.ENFORCE;
        final Set<String> authorizationNames = new LinkedHashSet<>(ClaimNames.split(AUTHORIZATION_NAMES));
        final Set<String> personalDataNames = new LinkedHashSet<>(ClaimNames.split(PERSONAL_DATA_NAMES));
        Set<String> allowOnly;
        int maxClaims = DEFAULT_MAX_CLAIMS;
        int maxStringLength = DEFAULT_MAX_STRING_LENGTH;
        int maxArrayLength = DEFAULT_MAX_ARRAY_LENGTH;
        int maxDepth = DEFAULT_MAX_DEPTH;
        private Logger log = DEFAULT_LOG;

        private Builder() {
        }

        /**
         * Applies every setting documented on {@link ClaimHygiene} that is present in
         * {@code settings}; unset names keep the builder's current values.
         *
         * @throws ConfigurationException naming the setting and the bad value
         */
        public Builder settings(Settings settings) {
            Objects.requireNonNull(settings, "settings");
            HygieneSettings.apply(this, settings);
            return this;
        }

        /** Mode for authorization claims ({@value SettingNames#HYGIENE_AUTHORIZATION}). */
        public Builder authorization(HygieneMode mode) {
            this.authorizationMode = HygieneSettings.requireMode(SettingNames.HYGIENE_AUTHORIZATION, mode);
            return this;
        }

        /** Mode for personal-data claims ({@value SettingNames#HYGIENE_PERSONAL_DATA}). */
        public Builder personalData(HygieneMode mode) {
            this.personalDataMode = HygieneSettings.requireMode(SettingNames.HYGIENE_PERSONAL_DATA, mode);
            return this;
        }

        /**
         * Adds claim names to {@link ClaimCategory#AUTHORIZATION} or
         * {@link ClaimCategory#PERSONAL_DATA} ({@value SettingNames#HYGIENE_EXTRA_FORBIDDEN}); they are
         * matched like the built-in names, namespaced forms included.
         */
        public Builder forbid(ClaimCategory category, Collection<String> claimNames) {
            if (category != ClaimCategory.AUTHORIZATION && category != ClaimCategory.PERSONAL_DATA) {
                throw new ConfigurationException(SettingNames.HYGIENE_EXTRA_FORBIDDEN,
                        "only authorization and personal-data claims can be added, was " + category);
            }
            Objects.requireNonNull(claimNames, SettingNames.HYGIENE_EXTRA_FORBIDDEN);
            for (String name : claimNames) {
                HygieneSettings.checkForbidden(category, name, authorizationNames, personalDataNames);
                (category == ClaimCategory.AUTHORIZATION ? authorizationNames : personalDataNames).add(name);
            }
            return this;
        }

        /** Varargs form of {@link #forbid(ClaimCategory, Collection)}. */
        public Builder forbid(ClaimCategory category, String... claimNames) {
            return forbid(category, List.of(claimNames));
        }

        /**
         * Turns the strict allowlist on ({@value SettingNames#HYGIENE_ALLOW_ONLY}): only identity claims
         * and {@code claimNames} (matched exactly) are permitted; an empty collection permits
         * identity claims only.
         */
        public Builder allowOnly(Collection<String> claimNames) {
            Objects.requireNonNull(claimNames, SettingNames.HYGIENE_ALLOW_ONLY);
            Set<String> names = new LinkedHashSet<>();
            for (String name : claimNames) {
                names.add(ClaimNames.requireName(SettingNames.HYGIENE_ALLOW_ONLY, name));
            }
            this.allowOnly = names;
            return this;
        }

        /** Turns the strict allowlist off again (the default). */
        public Builder allowAnyOtherClaim() {
            this.allowOnly = null;
            return this;
        }

        /** {@value SettingNames#HYGIENE_MAX_CLAIMS}, at least 1; default 32. */
        public Builder maxClaims(int max) {
            this.maxClaims = HygieneSettings.requirePositive(SettingNames.HYGIENE_MAX_CLAIMS, max);
            return this;
        }

        /** {@value SettingNames#HYGIENE_MAX_STRING_LENGTH}, at least 1; default 256. */
        public Builder maxStringLength(int max) {
            this.maxStringLength = HygieneSettings.requirePositive(SettingNames.HYGIENE_MAX_STRING_LENGTH, max);
            return this;
        }

        /** {@value SettingNames#HYGIENE_MAX_ARRAY_LENGTH}, at least 1; default 32. */
        public Builder maxArrayLength(int max) {
            this.maxArrayLength = HygieneSettings.requirePositive(SettingNames.HYGIENE_MAX_ARRAY_LENGTH, max);
            return this;
        }

        /** {@value SettingNames#HYGIENE_MAX_DEPTH}, at least 1 (scalars only); default 4. */
        public Builder maxDepth(int max) {
            this.maxDepth = HygieneSettings.requirePositive(SettingNames.HYGIENE_MAX_DEPTH, max);
            return this;
        }

        /** The logger for report lines (tests use it to capture them). */
        Builder logger(Logger logger) {
            this.log = Objects.requireNonNull(logger, "logger");
            return this;
        }

        /**
         * Builds the hygiene.
         *
         * @throws ConfigurationException if the allowlist names a claim of a category that is not
         *     {@code off} (it would be refused or withheld all the same)
         */
        public ClaimHygiene build() {
            ClaimHygiene hygiene = new ClaimHygiene(this);
            HygieneSettings.checkAllowOnly(hygiene.categories);
            return hygiene;
        }
    }
}
