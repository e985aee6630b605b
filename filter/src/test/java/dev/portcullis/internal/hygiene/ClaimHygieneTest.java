package dev.portcullis.internal.hygiene;

import dev.portcullis.Reason;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.event.Level;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClaimHygieneTest {

    private final ClaimHygiene defaults = ClaimHygiene.defaults();

    // ---- categories -----------------------------------------------------------------------

    @Test
    void checkWhenOnlyIdentityClaimsThenAccepted() {
        Map<String, Object> claims = Claims.identity();
        HygieneResult r = defaults.check(claims);
        assertThat(r.refused()).isFalse();
        assertThat(r.reason()).isEmpty();
        assertThat(r.violations()).isEmpty();
        assertThat(r.description()).isEmpty();
        assertThat(r.allowedClaims()).isEqualTo(claims);
    }

    @ParameterizedTest
    @ValueSource(strings = {"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "azp", "client_id", "scope",
        "scp", "sid", "auth_time", "acr", "amr", "typ", "cnf", "tid"})
    void categoryOfWhenIdentityNameThenIdentity(String name) {
        assertThat(defaults.categoryOf(name)).isEqualTo(ClaimCategory.IDENTITY);
        assertThat(defaults.check(Claims.identityWith(name, "x")).refused()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"roles", "role", "groups", "permissions", "perms", "authorities",
        "entitlements", "realm_access", "resource_access", "cognito:groups", "wids", "group"})
    void checkWhenAuthorizationClaimThenRefusedNamingCategory(String name) {
        HygieneResult r = defaults.check(Claims.identityWith(name, List.of("admin")));
        assertThat(r.refused()).isTrue();
        assertThat(r.reason()).contains(Reason.FORBIDDEN_CLAIMS);
        assertThat(r.violations()).containsExactly(
                HygieneViolation.category(ClaimCategory.AUTHORIZATION, List.of(name), true));
        assertThat(r.description()).isEqualTo("token carries authorization claims");
        assertThat(r.allowedClaims()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"roles", "realm_access", "cognito:groups", "wids"})
    void checkWhenAuthorizationClaimAndModeOffThenAccepted(String name) {
        ClaimHygiene off = ClaimHygiene.builder().authorization(HygieneMode.OFF).build();
        HygieneResult r = off.check(Claims.identityWith(name, List.of("admin")));
        assertThat(r.refused()).isFalse();
        assertThat(r.allowedClaims()).containsKey(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"email", "email_verified", "phone_number", "phone_number_verified", "name",
        "given_name", "family_name", "middle_name", "nickname", "preferred_username", "address",
        "birthdate", "gender", "picture", "profile", "website", "zoneinfo", "locale", "upn",
        "unique_name"})
    void checkWhenPersonalDataClaimThenRefusedNamingCategory(String name) {
        HygieneResult r = defaults.check(Claims.identityWith(name, "alice@example.com"));
        assertThat(r.reason()).contains(Reason.FORBIDDEN_CLAIMS);
        assertThat(r.violations()).containsExactly(
                HygieneViolation.category(ClaimCategory.PERSONAL_DATA, List.of(name), true));
        assertThat(r.description()).isEqualTo("token carries personal-data claims")
                .doesNotContain("alice").doesNotContain(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"email", "name", "upn"})
    void checkWhenPersonalDataClaimAndModeOffThenAccepted(String name) {
        ClaimHygiene off = ClaimHygiene.builder().personalData(HygieneMode.OFF).build();
        assertThat(off.check(Claims.identityWith(name, "alice@example.com")).refused()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://example.com/roles", "cognito:groups", "urn:x:groups",
        "https://example.com/claims/realm_access", "urn:example:entitlements", "http://a/b:perms"})
    void categoryOfWhenNamespacedAuthorizationNameThenAuthorization(String name) {
        assertThat(defaults.categoryOf(name)).isEqualTo(ClaimCategory.AUTHORIZATION);
        assertThat(defaults.check(Claims.identityWith(name, "admin")).reason())
                .contains(Reason.FORBIDDEN_CLAIMS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://example.com/email", "urn:x:name", "custom:phone_number"})
    void categoryOfWhenNamespacedPersonalDataNameThenPersonalData(String name) {
        assertThat(defaults.categoryOf(name)).isEqualTo(ClaimCategory.PERSONAL_DATA);
        assertThat(defaults.check(Claims.identityWith(name, "x")).refused()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://example.com/tenant", "https://example.com/roles/", "urn:x:rolesx",
        "https://example.com/sub", "department", "https://example.com/roles_count"})
    void categoryOfWhenNamespacedOtherNameThenOtherAndAccepted(String name) {
        assertThat(defaults.categoryOf(name)).isEqualTo(ClaimCategory.OTHER);
        assertThat(defaults.check(Claims.identityWith(name, "x")).refused()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Roles", "ROLES", "Email", "https://example.com/Groups", "Sub", "realm-access"})
    void categoryOfWhenCaseOrSpellingDiffersThenOther(String name) {
        assertThat(defaults.categoryOf(name)).isEqualTo(ClaimCategory.OTHER);
        assertThat(defaults.check(Claims.identityWith(name, "admin")).refused()).isFalse();
    }

    @Test
    void checkWhenBothCategoriesThenDescriptionNamesBothButNoNamesOrValues() {
        Map<String, Object> c = Claims.identityWith("roles", List.of("admin"));
        c.put("email", "alice@example.com");
        HygieneResult r = defaults.check(c);
        assertThat(r.description()).isEqualTo("token carries authorization and personal-data claims");
        assertThat(r.toString()).contains("roles", "email").doesNotContain("alice", "admin");
    }

    // ---- modes ----------------------------------------------------------------------------

    @Test
    void checkWhenReportModeThenAcceptedWithClaimsWithheldCountedAndOneWarnLine() {
        RecordingLogger log = new RecordingLogger();
        ClaimHygiene report = ClaimHygiene.builder().authorization(HygieneMode.REPORT)
                .personalData(HygieneMode.REPORT).logger(log).build();
        Map<String, Object> c = Claims.identityWith("roles", List.of("admin"));
        c.put("email", "alice@example.com");

        HygieneResult r = report.check(c);

        assertThat(r.refused()).isFalse();
        assertThat(r.reportedCategories())
                .containsExactlyInAnyOrder(ClaimCategory.AUTHORIZATION, ClaimCategory.PERSONAL_DATA);
        assertThat(r.withheldClaims()).containsExactly("roles", "email");
        assertThat(r.allowedClaims()).doesNotContainKeys("roles", "email")
                .containsAllEntriesOf(Claims.identity());
        assertThat(r.violations()).extracting(HygieneViolation::enforced).containsOnly(false);
        assertThat(report.counts().reports(ClaimCategory.AUTHORIZATION)).isEqualTo(1);
        assertThat(report.counts().reports(ClaimCategory.PERSONAL_DATA)).isEqualTo(1);
        assertThat(report.counts().refusals(Reason.FORBIDDEN_CLAIMS)).isZero();
        List<String> warn = log.at(Level.WARN);
        assertThat(warn).hasSize(1);
        assertThat(warn.get(0)).contains("authorization [roles]", "personal-data [email]")
                .doesNotContain("admin", "alice");
    }

    @Test
    void checkWhenReportModeAndCleanTokenThenNothingLoggedOrCounted() {
        RecordingLogger log = new RecordingLogger();
        ClaimHygiene report = ClaimHygiene.builder().authorization(HygieneMode.REPORT).logger(log).build();
        HygieneResult r = report.check(Claims.identity());
        assertThat(r.refused()).isFalse();
        assertThat(r.reportedCategories()).isEmpty();
        assertThat(log.at(Level.WARN)).isEmpty();
        assertThat(report.counts().reports(ClaimCategory.AUTHORIZATION)).isZero();
    }

    @Test
    void checkWhenOneCategoryReportedAndOtherEnforcedThenRefusedAndNotCountedAsReport() {
        RecordingLogger log = new RecordingLogger();
        ClaimHygiene h = ClaimHygiene.builder().authorization(HygieneMode.REPORT).logger(log).build();
        Map<String, Object> c = Claims.identityWith("roles", List.of("admin"));
        c.put("email", "alice@example.com");
        HygieneResult r = h.check(c);
        assertThat(r.reason()).contains(Reason.FORBIDDEN_CLAIMS);
        assertThat(r.description()).isEqualTo("token carries personal-data claims");
        assertThat(r.reportedCategories()).containsExactly(ClaimCategory.AUTHORIZATION);
        assertThat(log.at(Level.WARN)).isEmpty();
        assertThat(h.counts().refusals(Reason.FORBIDDEN_CLAIMS)).isEqualTo(1);
        assertThat(h.counts().reports(ClaimCategory.AUTHORIZATION)).isZero();

        c.remove("email");
        assertThat(h.check(c).refused()).isFalse();
        assertThat(h.counts().reports(ClaimCategory.AUTHORIZATION)).isEqualTo(1);
    }

    @Test
    void checkWhenModeOffThenClaimPassedToApplicationAndNothingCounted() {
        ClaimHygiene off = ClaimHygiene.builder().authorization(HygieneMode.OFF)
                .personalData(HygieneMode.OFF).build();
        HygieneResult r = off.check(Claims.keycloak());
        assertThat(r.refused()).isFalse();
        assertThat(r.allowedClaims()).isEqualTo(Claims.keycloak());
        assertThat(off.counts().reports()).containsOnly(
                Map.entry(ClaimCategory.AUTHORIZATION, 0L), Map.entry(ClaimCategory.PERSONAL_DATA, 0L));
    }

    // ---- Keycloak ---------------------------------------------------------------------------

    @Test
    void checkWhenKeycloakTokenUnderDefaultsThenRefusedNamingBothCategories() {
        HygieneResult r = defaults.check(Claims.keycloak());
        assertThat(r.reason()).contains(Reason.FORBIDDEN_CLAIMS);
        assertThat(r.description()).isEqualTo("token carries authorization and personal-data claims");
        assertThat(r.violations()).containsExactly(
                HygieneViolation.category(ClaimCategory.AUTHORIZATION,
                        List.of("realm_access", "resource_access"), true),
                HygieneViolation.category(ClaimCategory.PERSONAL_DATA,
                        List.of("email_verified", "name", "preferred_username", "given_name",
                                "family_name", "email"), true));
        assertThat(defaults.counts().refusals(Reason.FORBIDDEN_CLAIMS)).isEqualTo(1);
    }

    @Test
    void checkWhenKeycloakTokenInReportModeThenAcceptedWithCountersAndIdentityOnly() {
        RecordingLogger log = new RecordingLogger();
        ClaimHygiene report = ClaimHygiene.builder().settings(Settings.of(Map.of(
                SettingNames.HYGIENE_AUTHORIZATION, "report", SettingNames.HYGIENE_PERSONAL_DATA, "report")))
                .logger(log).build();
        HygieneResult r1 = report.check(Claims.keycloak());
        HygieneResult r2 = report.check(Claims.keycloak());
        assertThat(r1.refused()).isFalse();
        assertThat(r2.refused()).isFalse();
        assertThat(r1.allowedClaims()).containsOnlyKeys("exp", "iat", "jti", "iss", "aud", "sub", "typ",
                "azp", "sid", "acr", "allowed-origins", "scope");
        HygieneCounts counts = report.counts();
        assertThat(counts.reports(ClaimCategory.AUTHORIZATION)).isEqualTo(2);
        assertThat(counts.reports(ClaimCategory.PERSONAL_DATA)).isEqualTo(2);
        assertThat(counts.refusals().values()).containsOnly(0L);
        assertThat(log.at(Level.WARN)).hasSize(2).allSatisfy(l -> assertThat(l)
                .contains("realm_access", "resource_access", "email", "preferred_username")
                .doesNotContain("alice", "Alice", "manage-account"));
    }

    // ---- strict allowlist -------------------------------------------------------------------

    @Test
    void checkWhenAllowOnlyAndUnlistedClaimThenRefusedAsOther() {
        ClaimHygiene strict = ClaimHygiene.builder().allowOnly(List.of("tenant")).build();
        HygieneResult r = strict.check(Claims.identityWith("department", "sales"));
        assertThat(r.reason()).contains(Reason.FORBIDDEN_CLAIMS);
        assertThat(r.violations()).containsExactly(
                HygieneViolation.category(ClaimCategory.OTHER, List.of("department"), true));
        assertThat(r.description()).isEqualTo("token carries claims outside the allowlist");
    }

    @Test
    void checkWhenAllowOnlyAndListedClaimThenAccepted() {
        ClaimHygiene strict = ClaimHygiene.builder().allowOnly(List.of("tenant")).build();
        assertThat(strict.check(Claims.identityWith("tenant", "acme")).refused()).isFalse();
        assertThat(strict.check(Claims.identity()).refused()).isFalse();
    }

    @Test
    void checkWhenAllowOnlyNoneThenIdentityOnly() {
        ClaimHygiene strict = ClaimHygiene.fromSettings(Settings.of(Map.of(SettingNames.HYGIENE_ALLOW_ONLY, "none")));
        assertThat(strict.allowOnly()).contains(java.util.Set.of());
        assertThat(strict.check(Claims.identity()).refused()).isFalse();
        assertThat(strict.check(Claims.identityWith("tenant", "acme")).refused()).isTrue();
    }

    @Test
    void checkWhenAllowOnlyMatchesExactlyThenNamespacedFormNotAllowed() {
        ClaimHygiene strict = ClaimHygiene.builder().allowOnly(List.of("tenant")).build();
        assertThat(strict.check(Claims.identityWith("https://example.com/tenant", "acme")).refused()).isTrue();
        assertThat(strict.check(Claims.identityWith("tenant", "acme")).refused()).isFalse();
    }

    @Test
    void buildWhenAllowOnlyNamesEnforcedCategoryThenConfigurationError() {
        assertThatThrownBy(() -> ClaimHygiene.builder().allowOnly(List.of("email")).build())
                .isInstanceOf(ConfigurationException.class)
                .extracting(e -> ((ConfigurationException) e).setting())
                .isEqualTo(SettingNames.HYGIENE_ALLOW_ONLY);
        ClaimHygiene ok = ClaimHygiene.builder().personalData(HygieneMode.OFF)
                .allowOnly(List.of("email")).build();
        assertThat(ok.check(Claims.identityWith("email", "a@example.com")).refused()).isFalse();
    }

    @Test
    void checkWhenAllowOnlyAndCategoryOffButNotListedThenRefusedAsOther() {
        ClaimHygiene strict = ClaimHygiene.builder().authorization(HygieneMode.OFF)
                .allowOnly(List.of("tenant")).build();
        HygieneResult r = strict.check(Claims.identityWith("roles", List.of("admin")));
        assertThat(r.violations()).containsExactly(
                HygieneViolation.category(ClaimCategory.OTHER, List.of("roles"), true));
        assertThat(strict.check(Claims.identityWith("tenant", "x")).refused()).isFalse();
    }

    // ---- extra-forbidden and settings -----------------------------------------------------

    @Test
    void fromSettingsWhenExtraForbiddenThenClaimsRefusedInTheirCategory() {
        ClaimHygiene h = ClaimHygiene.fromSettings(Settings.of(Map.of(SettingNames.HYGIENE_EXTRA_FORBIDDEN,
                "authorization:tenant_roles, personal-data:ssn,authorization:https://example.com/acl")));
        assertThat(h.check(Claims.identityWith("tenant_roles", "x")).violations()).containsExactly(
                HygieneViolation.category(ClaimCategory.AUTHORIZATION, List.of("tenant_roles"), true));
        assertThat(h.categoryOf("https://example.com/tenant_roles")).isEqualTo(ClaimCategory.AUTHORIZATION);
        assertThat(h.categoryOf("https://example.com/acl")).isEqualTo(ClaimCategory.AUTHORIZATION);
        assertThat(h.check(Claims.identityWith("ssn", "x")).violations()).containsExactly(
                HygieneViolation.category(ClaimCategory.PERSONAL_DATA, List.of("ssn"), true));
        assertThat(defaults.check(Claims.identityWith("tenant_roles", "x")).refused()).isFalse();
        assertThat(defaults.check(Claims.identityWith("ssn", "x")).refused()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tenant_roles", "identity:tenant", "other:x", "authorization:",
        ":tenant", "authorization:sub", "personal-data:roles"})
    void fromSettingsWhenExtraForbiddenMalformedThenConfigurationErrorNamingSetting(String value) {
        assertThatThrownBy(() -> ClaimHygiene.fromSettings(
                Settings.of(Map.of(SettingNames.HYGIENE_EXTRA_FORBIDDEN, value))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(SettingNames.HYGIENE_EXTRA_FORBIDDEN + ": ");
    }

    @Test
    void fromSettingsWhenAllValidThenConfigured() {
        ClaimHygiene h = ClaimHygiene.fromSettings(Settings.of(Map.of(
                SettingNames.HYGIENE_AUTHORIZATION, "report",
                SettingNames.HYGIENE_PERSONAL_DATA, "OFF",
                SettingNames.HYGIENE_MAX_CLAIMS, "40",
                SettingNames.HYGIENE_MAX_STRING_LENGTH, "512",
                SettingNames.HYGIENE_MAX_ARRAY_LENGTH, "8",
                SettingNames.HYGIENE_MAX_DEPTH, "3",
                SettingNames.HYGIENE_ALLOW_ONLY, "tenant,department")));
        assertThat(h.modeOf(ClaimCategory.AUTHORIZATION)).isEqualTo(HygieneMode.REPORT);
        assertThat(h.modeOf(ClaimCategory.PERSONAL_DATA)).isEqualTo(HygieneMode.OFF);
        assertThat(h.maxClaims()).isEqualTo(40);
        assertThat(h.maxStringLength()).isEqualTo(512);
        assertThat(h.maxArrayLength()).isEqualTo(8);
        assertThat(h.maxDepth()).isEqualTo(3);
        assertThat(h.allowOnly()).contains(java.util.Set.of("tenant", "department"));
    }

    @Test
    void fromSettingsWhenEmptyThenDefaults() {
        ClaimHygiene h = ClaimHygiene.fromSettings(Settings.of(Map.of()));
        assertThat(h.modeOf(ClaimCategory.AUTHORIZATION)).isEqualTo(HygieneMode.ENFORCE);
        assertThat(h.modeOf(ClaimCategory.PERSONAL_DATA)).isEqualTo(HygieneMode.ENFORCE);
        assertThat(h.maxClaims()).isEqualTo(32);
        assertThat(h.maxStringLength()).isEqualTo(256);
        assertThat(h.maxArrayLength()).isEqualTo(32);
        assertThat(h.maxDepth()).isEqualTo(4);
        assertThat(h.allowOnly()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"portcullis.hygiene.authorization=block", "portcullis.hygiene.personal-data=sometimes",
        "portcullis.hygiene.max-claims=0", "portcullis.hygiene.max-string-length=-1",
        "portcullis.hygiene.max-array-length=many", "portcullis.hygiene.max-depth=0",
        "portcullis.hygiene.allow-only=none,tenant"})
    void fromSettingsWhenInvalidValueThenConfigurationErrorNamingSetting(String assignment) {
        String setting = assignment.substring(0, assignment.indexOf('='));
        String value = assignment.substring(assignment.indexOf('=') + 1);
        assertThatThrownBy(() -> ClaimHygiene.fromSettings(Settings.of(Map.of(setting, value))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(setting + ": ")
                .extracting(e -> ((ConfigurationException) e).setting()).isEqualTo(setting);
    }

    @Test
    void builderWhenInvalidArgumentsThenConfigurationErrorNamingSetting() {
        assertThatThrownBy(() -> ClaimHygiene.builder().maxDepth(0))
                .hasMessage(SettingNames.HYGIENE_MAX_DEPTH + ": must be at least 1, was 0");
        assertThatThrownBy(() -> ClaimHygiene.builder().authorization(null))
                .hasMessageStartingWith(SettingNames.HYGIENE_AUTHORIZATION);
        assertThatThrownBy(() -> ClaimHygiene.builder().forbid(ClaimCategory.IDENTITY, "x"))
                .hasMessageStartingWith(SettingNames.HYGIENE_EXTRA_FORBIDDEN);
        assertThatThrownBy(() -> ClaimHygiene.builder().forbid(ClaimCategory.AUTHORIZATION, "a b"))
                .hasMessageStartingWith(SettingNames.HYGIENE_EXTRA_FORBIDDEN);
        assertThatThrownBy(() -> ClaimHygiene.builder().allowOnly(List.of("")))
                .hasMessageStartingWith(SettingNames.HYGIENE_ALLOW_ONLY);
        assertThat(ClaimHygiene.builder().maxDepth(1).forbid(ClaimCategory.AUTHORIZATION, "acl")
                .allowOnly(List.of("tenant")).build().maxDepth()).isEqualTo(1);
    }
}
