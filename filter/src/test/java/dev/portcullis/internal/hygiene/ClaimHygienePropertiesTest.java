package dev.portcullis.internal.hygiene;

import dev.portcullis.Reason;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimHygienePropertiesTest {
    private static final Set<String> IDENTITY = Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti",
            "azp", "client_id", "scope", "scp", "sid", "auth_time", "acr", "amr", "typ", "cnf", "tid");
    private static final Set<String> AUTHORIZATION = Set.of("roles", "role", "groups", "permissions",
            "perms", "authorities", "entitlements", "realm_access", "resource_access", "cognito:groups",
            "wids", "group");
    private static final Set<String> PERSONAL = Set.of("email", "email_verified", "phone_number",
            "phone_number_verified", "name", "given_name", "family_name", "middle_name", "nickname",
            "preferred_username", "address", "birthdate", "gender", "picture", "profile", "website",
            "zoneinfo", "locale", "upn", "unique_name");

    private final ClaimHygiene defaults = ClaimHygiene.defaults();

    /** The definition, written independently of the implementation. */
    private static ClaimCategory expected(String name) {
        if (IDENTITY.contains(name)) {
            return ClaimCategory.IDENTITY;
        }
        if (AUTHORIZATION.contains(name)) {
            return ClaimCategory.AUTHORIZATION;
        }
        if (PERSONAL.contains(name)) {
            return ClaimCategory.PERSONAL_DATA;
        }
        int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf(':'));
        if (cut >= 0) {
            String segment = name.substring(cut + 1);
            if (AUTHORIZATION.contains(segment)) {
                return ClaimCategory.AUTHORIZATION;
            }
            if (PERSONAL.contains(segment)) {
                return ClaimCategory.PERSONAL_DATA;
            }
        }
        return ClaimCategory.OTHER;
    }

    @Provide
    Arbitrary<String> names() {
        Arbitrary<String> prefix = Arbitraries.of("", "", "https://example.com/", "urn:x:", "a/b:",
                "cognito:", "https://example.com/ns/");
        Arbitrary<String> core = Arbitraries.oneOf(
                Arbitraries.of(List.copyOf(IDENTITY)), Arbitraries.of(List.copyOf(AUTHORIZATION)),
                Arbitraries.of(List.copyOf(PERSONAL)),
                Arbitraries.strings().withChars("abcRSx_-:/").ofMinLength(0).ofMaxLength(12));
        Arbitrary<String> suffix = Arbitraries.of("", "", "", "/", "s", "X");
        return Combinators.combine(prefix, core, suffix).as((p, c, s) -> p + c + s);
    }

    @Property(tries = 2000)
    void categoryOfWhenAnyNameThenMatchesDefinition(@ForAll("names") String name) {
        assertThat(defaults.categoryOf(name)).isEqualTo(expected(name));
        boolean forbidden = expected(name) == ClaimCategory.AUTHORIZATION
                || expected(name) == ClaimCategory.PERSONAL_DATA;
        assertThat(defaults.check(Claims.identityWith(name, "v")).refused()).isEqualTo(forbidden);
    }

    @Property(tries = 300)
    void checkWhenAnyNestingThenRefusedExactlyBeyondMaxDepth(@ForAll @IntRange(max = 60) int levels,
                                                             @ForAll boolean lists,
                                                             @ForAll @IntRange(min = 1, max = 8) int maxDepth) {
        ClaimHygiene h = ClaimHygiene.builder().maxDepth(maxDepth).build();
        HygieneResult r = h.check(Claims.identityWith("cnf", Claims.nested(levels, lists)));
        // the leaf string sits at depth levels + 1
        if (levels + 1 > maxDepth) {
            assertThat(r.reason()).contains(Reason.CLAIMS_TOO_DEEP);
        } else {
            assertThat(r.refused()).isFalse();
        }
    }
}
