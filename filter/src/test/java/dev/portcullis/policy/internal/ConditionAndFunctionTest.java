package dev.portcullis.policy.internal;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.portcullis.policy.internal.PolicyFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

class ConditionAndFunctionTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-10T12:00:00Z"), ZoneOffset.UTC);
    private static final String HEADER = "apiVersion: api.cerbos.dev/v1\n";

    @TempDir
    Path dir;

    private Decision decide(String expr, Map<String, ?> principalAttr, Map<String, ?> resourceAttr) {
        return PolicyFixtures.decideExpr(dir, CLOCK, expr, principalAttr, resourceAttr);
    }

    private boolean allowed(String expr, Map<String, ?> principalAttr, Map<String, ?> resourceAttr) {
        Decision d = decide(expr, principalAttr, resourceAttr);
        assertThat(d.error()).as("evaluation error").isEmpty();
        return d.isAllowed();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "R.attr.owner == P.id | true",
        "R.attr.owner != P.id | false",
        "request.resource.attr.owner == request.principal.id | true",
        "'user' in P.roles | true",
        "'admin' in P.roles | false",
        "R.kind == 'doc' && R.id == 'd1' | true",
        "R.policyVersion == 'other' | false",
        "P.attr.level > 2 | true",
        "P.attr.level > 20 | false",
        "P.attr.score >= 1.5 | true",
        "has(R.attr.owner) | true",
        "has(R.attr.nothing) | false",
        "R.attr.tags.exists(t, t.startsWith('fin')) | true",
        "R.attr.tags.all(t, t.startsWith('fin')) | false",
        "R.attr.owner.upperAscii() == 'P1' | true",
    })
    void conditionWhenStandardCelThenEvaluated(String expr, boolean expected) {
        assertThat(allowed(expr, Map.of("level", 3, "score", 1.5f),
                Map.of("owner", "p1", "tags", List.of("finance", "hr")))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "hasIntersection(P.attr.teams, R.attr.teams) | a,b | b,c | true",
        "hasIntersection(P.attr.teams, R.attr.teams) | a,b | c,d | false",
        "intersect(P.attr.teams, R.attr.teams) == ['b'] | a,b | b,c | true",
        "intersect(P.attr.teams, R.attr.teams) == ['b'] | a,b | c,d | false",
        "P.attr.teams.except(R.attr.teams) == ['a'] | a,b | b,c | true",
        "P.attr.teams.except(R.attr.teams) == ['a'] | a,b | a,c | false",
        "P.attr.teams.isSubset(R.attr.teams) | a,b | a,b,c | true",
        "P.attr.teams.isSubset(R.attr.teams) | a,d | a,b,c | false",
    })
    void conditionWhenListFunctionThenCerbosSemantics(String expr, String mine, String theirs, boolean expected) {
        assertThat(allowed(expr, Map.of("teams", List.of(mine.split(","))),
                Map.of("teams", List.of(theirs.split(","))))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "P.attr.ip.inIPAddrRange('10.20.0.0/16') | 10.20.3.4 | true",
        "P.attr.ip.inIPAddrRange('10.20.0.0/16') | 10.21.3.4 | false",
        "P.attr.ip.inIPAddrRange('2001:db8::/48') | 2001:db8:0:1::5 | true",
        "P.attr.ip.inIPAddrRange('2001:db8::/48') | 2001:db9::5 | false",
        "P.attr.ip.inIPAddrRange('10.0.0.0/8') | 2001:db8::1 | false",
    })
    void conditionWhenInIpAddrRangeThenCidrMatch(String expr, String ip, boolean expected) {
        assertThat(allowed(expr, Map.of("ip", ip), Map.of())).isEqualTo(expected);
    }

    @Test
    void conditionWhenIpAddressMalformedThenDenyWithError() {
        Decision d = decide("P.attr.ip.inIPAddrRange('10.0.0.0/8')", Map.of("ip", "intranet.example"), Map.of());
        assertThat(d.isAllowed()).isFalse();
        assertThat(d.error()).hasValueSatisfying(m -> assertThat(m).contains("invalid IP address"));
        assertThat(allowed("P.attr.ip.inIPAddrRange('10.0.0.0/8')", Map.of("ip", "10.1.1.1"), Map.of())).isTrue();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "hierarchy(P.attr.scope).ancestorOf(hierarchy(R.attr.scope)) | a.b | a.b.c.d | true",
        "hierarchy(P.attr.scope).ancestorOf(hierarchy(R.attr.scope)) | a.b | a.c.d | false",
        "hierarchy(P.attr.scope).descendentOf(hierarchy(R.attr.scope)) | a.b.c | a | true",
        "hierarchy(P.attr.scope).descendentOf(hierarchy(R.attr.scope)) | a | a.b.c | false",
        "hierarchy(P.attr.scope).immediateChildOf(hierarchy(R.attr.scope)) | a.b.c | a.b | true",
        "hierarchy(P.attr.scope).immediateChildOf(hierarchy(R.attr.scope)) | a.b.c.d | a.b | false",
        "hierarchy(P.attr.scope).immediateParentOf(hierarchy(R.attr.scope)) | a.b | a.b.c | true",
        "hierarchy(P.attr.scope).immediateParentOf(hierarchy(R.attr.scope)) | a.b | a.b.c.d | false",
        "hierarchy(P.attr.scope).siblingOf(hierarchy(R.attr.scope)) | a.b.c | a.b.d | true",
        "hierarchy(P.attr.scope).siblingOf(hierarchy(R.attr.scope)) | a.b.c | a.x.d | false",
        "hierarchy(P.attr.scope).overlaps(hierarchy(R.attr.scope)) | a.b | a.b.c | true",
        "hierarchy(P.attr.scope).overlaps(hierarchy(R.attr.scope)) | a.b | a.c | false",
        "hierarchy(P.attr.scope).commonAncestors(hierarchy(R.attr.scope)) == hierarchy('foo.bar') | foo.bar.baz.qux | foo.bar | true",
        "hierarchy(P.attr.scope).commonAncestors(hierarchy(R.attr.scope)) == hierarchy('foo.bar') | foo.x | foo.bar | false",
        "hierarchy(P.attr.scope).size() == 3 | a.b.c | x | true",
        "size(hierarchy(P.attr.scope)) == 3 | a.b | x | false",
        "hierarchy(P.attr.scope)[1] == 'b' | a.b.c | x | true",
        "hierarchy(P.attr.scope)[1] == 'b' | a.x.c | x | false",
        "hierarchy(P.attr.scope, ':') == hierarchy(R.attr.scope) | a:b | a.b | true",
        "hierarchy(P.attr.scope, ':') == hierarchy(R.attr.scope) | a:c | a.b | false",
    })
    void conditionWhenHierarchyFunctionThenCerbosSemantics(String expr, String mine, String theirs, boolean expected) {
        assertThat(allowed(expr, Map.of("scope", mine), Map.of("scope", theirs))).isEqualTo(expected);
    }

    @Test
    void conditionWhenTimeSinceBeyondDurationThenTrue() {
        String expr = "timestamp(R.attr.lastAccessed).timeSince() > duration('1h')";
        assertThat(allowed(expr, Map.of(), Map.of("lastAccessed", "2026-01-10T10:00:00Z"))).isTrue();
        assertThat(allowed(expr, Map.of(), Map.of("lastAccessed", "2026-01-10T11:30:00Z"))).isFalse();
    }

    @Test
    void conditionWhenNowComparedThenUsesInjectedClock() {
        String expr = "now() < timestamp(R.attr.expires)";
        assertThat(allowed(expr, Map.of(), Map.of("expires", "2026-01-11T00:00:00Z"))).isTrue();
        assertThat(allowed(expr, Map.of(), Map.of("expires", "2026-01-09T00:00:00Z"))).isFalse();
    }

    private void matchPolicy(String match) {
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n  rules:\n"
                + "    - actions: [act]\n      effect: EFFECT_ALLOW\n      roles: ['*']\n"
                + "      condition:\n        match:\n" + match);
    }

    private boolean allowedWith(Map<String, ?> resourceAttr) {
        CerbosPolicyEvaluator e = CerbosPolicyEvaluator.load(dir);
        Decision d = e.decide(PrincipalContext.of("p", Set.of("user")), ResourceContext.of("doc", "1", resourceAttr), "act");
        assertThat(d.error()).isEmpty();
        return d.isAllowed();
    }

    @Test
    void matchAllWhenEveryMemberTrueThenAllow() {
        matchPolicy("          all:\n            of:\n              - expr: R.attr.a == 1\n              - expr: R.attr.b == 2\n");
        assertThat(allowedWith(Map.of("a", 1, "b", 2))).isTrue();
        assertThat(allowedWith(Map.of("a", 1, "b", 3))).isFalse();
    }

    @Test
    void matchAnyWhenOneMemberTrueThenAllow() {
        matchPolicy("          any:\n            of:\n              - expr: R.attr.a == 1\n              - expr: R.attr.b == 2\n");
        assertThat(allowedWith(Map.of("a", 0, "b", 2))).isTrue();
        assertThat(allowedWith(Map.of("a", 0, "b", 0))).isFalse();
    }

    @Test
    void matchNoneWhenNoMemberTrueThenAllow() {
        matchPolicy("          none:\n            of:\n              - expr: R.attr.a == 1\n              - expr: R.attr.b == 2\n");
        assertThat(allowedWith(Map.of("a", 0, "b", 0))).isTrue();
        assertThat(allowedWith(Map.of("a", 0, "b", 2))).isFalse();
    }

    @Test
    void matchWhenNestedThenCombinedLikeTheDocumentedEquivalent() {
        matchPolicy("          all:\n            of:\n"
                + "              - expr: R.attr.status == 'DRAFT'\n"
                + "              - any:\n                  of:\n"
                + "                    - expr: R.attr.dev == true\n"
                + "                    - expr: R.attr.id.matches('^[98][0-9]+')\n"
                + "              - none:\n                  of:\n"
                + "                    - expr: R.attr.qa == true\n"
                + "                    - expr: R.attr.canary == true\n");
        assertThat(allowedWith(Map.of("status", "DRAFT", "dev", false, "id", "9123", "qa", false, "canary", false))).isTrue();
        assertThat(allowedWith(Map.of("status", "DRAFT", "dev", false, "id", "9123", "qa", false, "canary", true))).isFalse();
        assertThat(allowedWith(Map.of("status", "DRAFT", "dev", false, "id", "7123", "qa", false, "canary", false))).isFalse();
    }

    @Test
    void variablesWhenLocalAndImportedThenUsableInConditions() {
        write(dir, "vars.yaml", HEADER + "exportVariables:\n  name: common\n  definitions:\n"
                + "    is_owner: R.attr.owner == P.id\n");
        write(dir, "consts.yaml", HEADER + "exportConstants:\n  name: limits\n  definitions:\n    max_size: 100\n");
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n"
                + "  variables:\n    import: [common]\n    local:\n      small: R.attr.size <= C.max_size\n"
                + "      owner_and_small: V.is_owner && V.small\n"
                + "  constants:\n    import: [limits]\n    local:\n      region: eu\n"
                + "  rules:\n    - actions: [act]\n      effect: EFFECT_ALLOW\n      roles: ['*']\n"
                + "      condition:\n        match:\n          expr: V.owner_and_small && P.attr.region == C.region\n");
        CerbosPolicyEvaluator e = CerbosPolicyEvaluator.load(dir);
        PrincipalContext p = PrincipalContext.of("p", Set.of("user"), Map.of("region", "eu"));
        assertThat(e.decide(p, ResourceContext.of("doc", "1", Map.of("owner", "p", "size", 10)), "act").isAllowed()).isTrue();
        assertThat(e.decide(p, ResourceContext.of("doc", "1", Map.of("owner", "p", "size", 1000)), "act").isAllowed()).isFalse();
        assertThat(e.decide(p, ResourceContext.of("doc", "1", Map.of("owner", "q", "size", 10)), "act").isAllowed()).isFalse();
    }

    @Test
    void variablesWhenDerivedRolesPolicyDefinesThemThenUsedInItsConditions() {
        write(dir, "roles.yaml", HEADER + "derivedRoles:\n  name: common\n"
                + "  variables:\n    local:\n      same_team: P.attr.team == R.attr.team\n"
                + "  definitions:\n    - name: teammate\n      parentRoles: [user]\n"
                + "      condition:\n        match:\n          expr: V.same_team\n");
        write(dir, "doc.yaml", HEADER + "resourcePolicy:\n  resource: doc\n  version: default\n"
                + "  importDerivedRoles: [common]\n  rules:\n"
                + "    - actions: [act]\n      effect: EFFECT_ALLOW\n      derivedRoles: [teammate]\n");
        CerbosPolicyEvaluator e = CerbosPolicyEvaluator.load(dir);
        PrincipalContext p = PrincipalContext.of("p", Set.of("user"), Map.of("team", "red"));
        assertThat(e.decide(p, ResourceContext.of("doc", "1", Map.of("team", "red")), "act").isAllowed()).isTrue();
        assertThat(e.decide(p, ResourceContext.of("doc", "1", Map.of("team", "blue")), "act").isAllowed()).isFalse();
    }

    @Test
    void variablesWhenPrincipalPolicyThenScopedToIt() {
        write(dir, "zed.yaml", HEADER + "principalPolicy:\n  principal: zed\n  version: default\n"
                + "  variables:\n    local:\n      weekend_ok: R.attr.kind == 'leisure'\n"
                + "  rules:\n    - resource: doc\n      actions:\n        - action: act\n          effect: EFFECT_ALLOW\n"
                + "          condition:\n            match:\n              expr: V.weekend_ok\n");
        CerbosPolicyEvaluator e = CerbosPolicyEvaluator.load(dir);
        PrincipalContext zed = PrincipalContext.of("zed", Set.of("user"));
        assertThat(e.decide(zed, ResourceContext.of("doc", "1", Map.of("kind", "leisure")), "act").isAllowed()).isTrue();
        assertThat(e.decide(zed, ResourceContext.of("doc", "1", Map.of("kind", "work")), "act").isAllowed()).isFalse();
    }
}
