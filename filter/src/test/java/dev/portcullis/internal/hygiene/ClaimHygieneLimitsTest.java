package dev.portcullis.internal.hygiene;

import dev.portcullis.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimHygieneLimitsTest {

    private final ClaimHygiene defaults = ClaimHygiene.defaults();

    private static HygieneViolation limit(Reason reason, List<String> claims, int limit, long measured) {
        return HygieneViolation.limit(reason, claims, limit, measured);
    }

    @Test
    void checkWhenClaimCountAtLimitThenAccepted() {
        assertThat(defaults.check(Claims.withClaimCount(32)).refused()).isFalse();
    }

    @Test
    void checkWhenClaimCountOverLimitThenTooManyClaims() {
        HygieneResult r = defaults.check(Claims.withClaimCount(33));
        assertThat(r.reason()).contains(Reason.TOO_MANY_CLAIMS);
        assertThat(r.violations()).containsExactly(limit(Reason.TOO_MANY_CLAIMS, List.of(), 32, 33));
        assertThat(r.description()).isEqualTo("token carries too many claims");
        assertThat(defaults.counts().refusals(Reason.TOO_MANY_CLAIMS)).isEqualTo(1);
    }

    @Test
    void checkWhenNestedObjectHasTooManyMembersThenTooManyClaims() {
        Map<String, Object> big = new LinkedHashMap<>();
        for (int i = 0; i < 33; i++) {
            big.put("k" + i, (long) i);
        }
        HygieneResult r = defaults.check(Claims.identityWith("cnf", big));
        assertThat(r.violations()).containsExactly(limit(Reason.TOO_MANY_CLAIMS, List.of("cnf"), 32, 33));
        big.remove("k0");
        assertThat(defaults.check(Claims.identityWith("cnf", big)).refused()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sub", "iss", "department"})
    void checkWhenStringAtLimitThenAccepted(String name) {
        assertThat(defaults.check(Claims.identityWith(name, "a".repeat(256))).refused()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sub", "iss", "department"})
    void checkWhenStringOverLimitThenClaimTooLongEvenForIdentityClaims(String name) {
        HygieneResult r = defaults.check(Claims.identityWith(name, "a".repeat(257)));
        assertThat(r.reason()).contains(Reason.CLAIM_TOO_LONG);
        assertThat(r.violations()).containsExactly(limit(Reason.CLAIM_TOO_LONG, List.of(name), 256, 257));
        assertThat(r.toString()).doesNotContain("aaaa");
    }

    @Test
    void checkWhenNestedStringOrMemberNameOverLimitThenClaimTooLong() {
        HygieneResult inArray = defaults.check(Claims.identityWith("amr", List.of("pwd", "x".repeat(300))));
        assertThat(inArray.violations()).containsExactly(limit(Reason.CLAIM_TOO_LONG, List.of("amr"), 256, 300));
        HygieneResult key = defaults.check(Claims.identityWith("cnf", Map.of("k".repeat(257), "v")));
        assertThat(key.reason()).contains(Reason.CLAIM_TOO_LONG);
        HygieneResult name = defaults.check(Claims.identityWith("n".repeat(257), "v"));
        assertThat(name.reason()).contains(Reason.CLAIM_TOO_LONG);
        assertThat(defaults.check(Claims.identityWith("amr", List.of("pwd", "x".repeat(256)))).refused())
                .isFalse();
    }

    @Test
    void checkWhenArrayAtLimitThenAccepted() {
        assertThat(defaults.check(Claims.identityWith("scp", Claims.list(32))).refused()).isFalse();
    }

    @Test
    void checkWhenRunawayScopeListThenClaimArrayTooLong() {
        HygieneResult r = defaults.check(Claims.identityWith("scp", Claims.list(33)));
        assertThat(r.reason()).contains(Reason.CLAIM_ARRAY_TOO_LONG);
        assertThat(r.violations()).containsExactly(limit(Reason.CLAIM_ARRAY_TOO_LONG, List.of("scp"), 32, 33));
        assertThat(r.description()).isEqualTo("token carries a claim array longer than allowed");
    }

    @Test
    void checkWhenNestedArrayOverLimitThenClaimArrayTooLong() {
        HygieneResult r = defaults.check(Claims.identityWith("cnf", Map.of("x5t", Claims.list(40))));
        assertThat(r.violations()).containsExactly(limit(Reason.CLAIM_ARRAY_TOO_LONG, List.of("cnf"), 32, 40));
        assertThat(defaults.check(Claims.identityWith("cnf", Map.of("x5t", Claims.list(31)))).refused())
                .isFalse();
    }

    @Test
    void checkWhenDepthAtLimitThenAccepted() {
        // object at depth 1, 2, 3; the leaf string at depth 4
        assertThat(defaults.check(Claims.identityWith("cnf", Claims.nested(3, false))).refused()).isFalse();
        assertThat(defaults.check(Claims.identityWith("amr", Claims.nested(3, true))).refused()).isFalse();
    }

    @Test
    void checkWhenDepthOverLimitThenClaimsTooDeep() {
        HygieneResult r = defaults.check(Claims.identityWith("cnf", Claims.nested(4, false)));
        assertThat(r.reason()).contains(Reason.CLAIMS_TOO_DEEP);
        assertThat(r.violations()).containsExactly(limit(Reason.CLAIMS_TOO_DEEP, List.of("cnf"), 4, 5));
        assertThat(r.description()).isEqualTo("token carries claims nested deeper than allowed");
    }

    @Test
    void checkWhenEmptyContainerAtLimitThenAccepted() {
        // an empty object at depth 4 holds nothing at depth 5
        Map<String, Object> empty = Map.of();
        Object v = Map.of("a", Map.of("b", Map.of("c", empty)));
        assertThat(defaults.check(Claims.identityWith("cnf", v)).refused()).isFalse();
    }

    @Test
    void checkWhenMaxDepthOneThenOnlyScalarsOrEmptyContainers() {
        ClaimHygiene flat = ClaimHygiene.builder().maxDepth(1).build();
        assertThat(flat.check(Claims.identityWith("amr", List.of())).refused()).isFalse();
        assertThat(flat.check(Claims.identityWith("amr", List.of("pwd"))).reason())
                .contains(Reason.CLAIMS_TOO_DEEP);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void checkWhenNestedTenThousandLevelsThenRefusedWithoutStackOverflow(boolean lists) {
        Object deep = Claims.nested(10_000, lists);
        HygieneResult r = defaults.check(Claims.identityWith("cnf", deep));
        assertThat(r.reason()).contains(Reason.CLAIMS_TOO_DEEP);
        assertThat(r.violations()).containsExactly(limit(Reason.CLAIMS_TOO_DEEP, List.of("cnf"), 4, 5));
        ClaimHygiene lenient = ClaimHygiene.builder().maxDepth(20_000).build();
        assertThat(lenient.check(Claims.identityWith("cnf", deep)).refused()).isFalse();
    }

    @Test
    void checkWhenKeycloakResourceAccessThenWithinDepthLimit() {
        ClaimHygiene off = ClaimHygiene.builder().authorization(HygieneMode.OFF)
                .personalData(HygieneMode.OFF).build();
        assertThat(off.check(Claims.keycloak()).refused()).isFalse();
    }

    @Test
    void checkWhenForbiddenAndLimitThenForbiddenClaimsWinsAndBothListed() {
        Map<String, Object> c = Claims.identityWith("roles", Claims.list(40));
        c.put("amr", Claims.nested(6, true));
        HygieneResult r = defaults.check(c);
        assertThat(r.reason()).contains(Reason.FORBIDDEN_CLAIMS);
        assertThat(r.violations()).containsExactly(
                HygieneViolation.category(ClaimCategory.AUTHORIZATION, List.of("roles"), true),
                limit(Reason.CLAIMS_TOO_DEEP, List.of("amr"), 4, 5),
                limit(Reason.CLAIM_ARRAY_TOO_LONG, List.of("roles"), 32, 40));
        assertThat(r.description()).isEqualTo("token carries authorization claims; "
                + "token carries claims nested deeper than allowed; "
                + "token carries a claim array longer than allowed");
        assertThat(defaults.counts().refusals(Reason.FORBIDDEN_CLAIMS)).isEqualTo(1);
        assertThat(defaults.counts().refusals(Reason.CLAIMS_TOO_DEEP)).isZero();
    }

    @Test
    void checkWhenReportedClaimExceedsLimitThenStillRefused() {
        ClaimHygiene report = ClaimHygiene.builder().authorization(HygieneMode.REPORT).build();
        HygieneResult r = report.check(Claims.identityWith("groups", Claims.list(33)));
        assertThat(r.reason()).contains(Reason.CLAIM_ARRAY_TOO_LONG);
        assertThat(report.check(Claims.identityWith("groups", Claims.list(3))).refused()).isFalse();
    }

    @Test
    void checkWhenValuesOfEveryJsonTypeThenAccepted() {
        Map<String, Object> c = Claims.identity();
        c.put("n", null);
        c.put("d", 1.5d);
        c.put("b", Boolean.TRUE);
        c.put("big", new java.math.BigInteger("123456789012345678901234567890"));
        c.put("mixed", java.util.Arrays.asList(1L, null, "s", Map.of(), List.of()));
        assertThat(defaults.check(c).refused()).isFalse();
    }
}
