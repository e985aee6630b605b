package dev.portcullis.policy.internal;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.EvaluationMode;
import dev.portcullis.policy.PrincipalContext;
import dev.portcullis.policy.ResourceContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Conditions answer as Cerbos's do, one case per difference found; each case says where Cerbos's
 * answer comes from. "Lenient" is Cerbos's default evaluation, in which an expression that fails
 * is not satisfied; the strict twin shows the same failure as a denial carrying the error.
 */
class CerbosSemanticsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-10T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Decision decide(EvaluationMode mode, String expr, Map<String, ?> resourceAttr) {
        PolicyFixtures.write(dir, "doc.yaml", PolicyFixtures.conditionPolicy(expr));
        CerbosPolicyEvaluator e = CerbosPolicyEvaluator.builder().directory(dir).clock(CLOCK)
                .evaluationMode(mode).build();
        return e.decide(PrincipalContext.of("p1", Set.of("user"), Map.of()),
                ResourceContext.of("doc", "d1", resourceAttr), "act");
    }

    private boolean allowed(String expr, Map<String, ?> resourceAttr) {
        Decision lenient = decide(EvaluationMode.LENIENT, expr, resourceAttr);
        Decision strict = decide(EvaluationMode.STRICT, expr, resourceAttr);
        assertThat(strict.error()).as("strict evaluation error of %s", expr).isEmpty();
        assertThat(strict.isAllowed()).as("strict and lenient agree on %s", expr).isEqualTo(lenient.isAllowed());
        return lenient.isAllowed();
    }

    private void failsAtRunTime(String expr, Map<String, ?> resourceAttr, String error) {
        Decision lenient = decide(EvaluationMode.LENIENT, expr, resourceAttr);
        assertThat(lenient.isAllowed()).as("lenient %s", expr).isFalse();
        assertThat(lenient.error()).isEmpty();
        Decision strict = decide(EvaluationMode.STRICT, expr, resourceAttr);
        assertThat(strict.isAllowed()).isFalse();
        assertThat(strict.error()).hasValueSatisfying(m -> assertThat(m).contains(error));
    }

    // Cerbos receives attributes as google.protobuf.Value (JSON), whose only number is a double;
    // cel-go has no '%' for doubles and no '+' for double with int ("no matching overload"), while
    // '==' and '<' compare across int and double (cel-spec: heterogeneous numeric equality;
    // Cerbos StdEnv sets cel.CrossTypeNumericComparisons(true)). The old long model allowed these.
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"R.attr.n % 2 == 1", "R.attr.n + 1 == 4", "R.attr.n * 2 == 6", "R.attr.n - 1 == 2",
        "R.attr.n / 3 == 1", "R.attr.list[0] + 1 == 2"})
    void numberWhenIntArithmeticOnAttributeThenNoMatchingOverload(String expr) {
        failsAtRunTime(expr, Map.of("n", 3, "list", List.of(1L)), "No matching overload");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "R.attr.n == 3                     | true",
        "R.attr.n == 3.0                   | true",
        "R.attr.n < 5 && R.attr.n > 2u     | true",
        "R.attr.n + 1.0 == 4.0             | true",
        "int(R.attr.n) % 2 == 1            | true",
        "3 in R.attr.list                  | true",
        "type(R.attr.n) == double          | true",
        "type(R.attr.big) == double        | true",
        "R.attr.big == 9007199254740992.0  | true",
        "hasIntersection(R.attr.list, [3]) | true",
        "R.attr.list.isSubset([1.0, 2.0, 3.0]) | true",
        "intersect(R.attr.list, [2.0, 9.0]) == [2.0] | true",
    })
    void numberWhenAttributeThenDouble(String expr, boolean expected) {
        // 2^53 + 1 does not survive JSON's double, in Cerbos or here
        assertThat(allowed(expr, Map.of("n", 3, "list", List.of(1, 2L, 3), "big", 9007199254740993L)))
                .isEqualTo(expected);
    }

    // A JSON null in Cerbos is a structpb NullValue: the key is present and equals null.
    // Before, null attributes were dropped: has() was false and == null failed.
    @Test
    void nullWhenAttributeNullThenKeptAsCelNull() {
        Map<String, Object> attr = new HashMap<>();
        attr.put("gone", null);
        attr.put("list", Arrays.asList("a", null));
        Map<String, Object> nested = new HashMap<>();
        nested.put("z", null);
        attr.put("nested", nested);
        assertThat(allowed("has(R.attr.gone)", attr)).isTrue();
        assertThat(allowed("R.attr.gone == null", attr)).isTrue();
        assertThat(allowed("R.attr.list == ['a', null]", attr)).isTrue();
        assertThat(allowed("has(R.attr.nested.z) && R.attr.nested.z == null", attr)).isTrue();
        assertThat(allowed("has(R.attr.absent)", attr)).isFalse();
        failsAtRunTime("R.attr.gone.size() > 0", attr, "No matching overload");
    }

    // cel-go ext/strings.go (the version Cerbos enables) with ext/formatting_v2.go.
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "'%s:%d'.format(['a', 1]) == 'a:1'",
        "'%s'.format([R.attr.n]) == '3'",
        "'%s'.format([1.5]) == '1.5'",
        "'%.2f'.format([3.14159]) == '3.14'",
        "'%f'.format([1]) == '1.000000'",
        "'%e'.format([1234.5678]) == '1.234568e+03'",
        "'%x'.format(['hi']) == '6869'",
        "'%X'.format([255]) == 'FF'",
        "'%o'.format([8]) == '10'",
        "'%b'.format([5]) == '101'",
        "'%s'.format([[1, 'a']]) == '[1, a]'",
        "'%s'.format([{'b': 1, 'a': 2}]) == '{a: 2, b: 1}'",
        "'%s'.format([duration('90s')]) == '90s'",
        "'%s'.format([timestamp('2026-01-10T12:00:00.5Z')]) == '2026-01-10T12:00:00.5Z'",
        "'100%%'.format([]) == '100%'",
        "'abc'.charAt(1) == 'b' && 'abcb'.lastIndexOf('b') == 3 && 'abc'.indexOf('c') == 2",
        "'AbC'.lowerAscii() == 'abc' && 'abc'.upperAscii() == 'ABC' && ' x '.trim() == 'x'",
        "'a-b'.replace('-', '+') == 'a+b' && 'a,b'.split(',') == ['a', 'b'] && 'abc'.substring(1) == 'bc'",
        "['a', 'b'].join('/') == 'a/b' && 'abc'.reverse() == 'cba' && strings.quote('a\"b') == '\"a\\\\\"b\"'",
        "[[1], [2, [3]]].flatten() == [1, 2, [3]] && [1, 2, 3, 4].slice(1, 3) == [2, 3]",
        "lists.range(3) == [0, 1, 2] && [3, 1, 2].sort() == [1, 2, 3] && [1, 1, 2].distinct() == [1, 2]",
        "sets.contains([1, 2], [2]) && sets.equivalent([1, 2], [2, 1]) && sets.intersects([1], [1, 3])",
        "math.greatest(1, 5, 3) == 5 && math.least([2.5, 1.0]) == 1.0 && math.abs(-3) == 3",
        "math.ceil(1.2) == 2.0 && math.floor(1.8) == 1.0 && math.round(1.5) == 2.0 && math.trunc(-1.5) == -1.0",
        "math.sign(-2) == -1 && math.bitAnd(6, 3) == 2 && math.bitShiftLeft(1, 3) == 8 && math.isNaN(0.0 / 0.0)",
        "base64.encode(b'hi') == 'aGk=' && base64.decode('aGk=') == b'hi'",
        "cel.bind(x, R.attr.n, x > 2.0 && x < 4.0)",
        "optional.of(1).hasValue() && R.attr.?absent.orValue(7) == 7 && R.attr.?n.value() == 3.0",
        "regex.replace('a1b2', '[0-9]', '#') == 'a#b#'",
        "regex.extract('ab12', '[0-9]+') == optional.of('12') && regex.extractAll('a1b2', '[0-9]') == ['1', '2']",
        "[1, 2].reverse() == [2, 1] && math.isInf(1.0 / 0.0) && math.isFinite(1.0) && math.sqrt(4) == 2.0",
        "[10, 20].all(i, v, v > i) && {'a': 1}.exists(k, v, k == 'a' && v == 1)",
    })
    void extensionWhenCerbosEnablesItThenAvailable(String expr) {
        assertThat(allowed(expr, Map.of("n", 3))).isTrue();
    }

    // cel-go types.DurationGetMilliseconds returns Int(d.Milliseconds()), the whole duration
    // (Go truncates toward zero); cel-java gave only the millisecond part (500 for 1.5s).
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "duration('1.5s').getMilliseconds() == 1500",
        "duration('-1.5s').getMilliseconds() == -1500",
        "duration('-0.0015s').getMilliseconds() == -1",
        "duration('90m').getHours() == 1 && duration('-90m').getHours() == -1",
        "duration('3725s').getMinutes() == 62 && duration('3725s').getSeconds() == 3725",
        "timestamp('2026-01-10T12:00:00.250Z').getMilliseconds() == 250",
    })
    void durationWhenAccessorThenAsCelGo(String expr) {
        assertThat(allowed(expr, Map.of())).isTrue();
    }

    // Cerbos cerbos_lib.go intersect walks the shorter list (the first when as long) and keeps
    // what the other holds, duplicates included. Before, duplicates were dropped.
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "intersect([1, 1, 2], [2, 1, 3, 4]) == [1, 1, 2]",
        "intersect([2, 1, 3, 4], [1, 1, 2]) == [1, 1, 2]",
        "intersect(['b', 'a'], ['a', 'b']) == ['b', 'a']",
        "intersect([1, 2, 3, 4], [2, 2]) == [2, 2]",
        "intersect([], [1]) == []",
    })
    void intersectWhenDuplicatesThenKeptInTheShorterListsOrder(String expr) {
        assertThat(allowed(expr, Map.of())).isTrue();
    }

    // Cerbos inIPAddrRange: net.ParseIP and net.ParseCIDR, both on net/netip.ParseAddr, which
    // refuses a leading zero in an IPv4 field and zones; IPNet.Contains compares IPv4-mapped IPv6
    // addresses as IPv4. Before, Java's InetAddress read 010 as 10 (allowed) and refused a
    // ::ffff:a.b.c.d network.
    @ParameterizedTest(name = "{0} in {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "10.1.2.3          | 10.0.0.0/8            | true",
        "::ffff:10.1.2.3   | 10.0.0.0/8            | true",
        "10.1.2.3          | ::ffff:10.0.0.0/104   | true",
        "10.1.2.3          | ::ffff:0:0/96         | true",
        "::1               | ::ffff:10.0.0.0/8     | true",
        "10.1.2.3          | ::ffff:10.0.0.0/8     | false",
        "10.1.2.3          | 10.0.0.0/08           | true",
        "2001:db8::1       | 2001:db8::/32         | true",
        "2001:DB8:0:0:0:0:0:1 | 2001:db8::/32      | true",
        "::ffff:1.2.3.4    | 2001:db8::/32         | false",
        "2001:db8::1       | 10.0.0.0/8            | false",
        "1::2:3.4.5.6      | 1::/16                | true",
    })
    void inIpAddrRangeWhenGoParsesThenSameAnswer(String ip, String range, boolean expected) {
        assertThat(allowed("R.attr.ip.inIPAddrRange(R.attr.range)", Map.of("ip", ip, "range", range)))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} in {1}")
    @CsvSource(delimiter = '|', value = {
        "010.1.2.3       | 10.0.0.0/8    | invalid IP address",
        "10.1.2.03       | 10.0.0.0/8    | invalid IP address",
        "10.1.2          | 10.0.0.0/8    | invalid IP address",
        "fe80::1%eth0    | fe80::/10     | invalid IP address",
        "intranet.example | 10.0.0.0/8   | invalid IP address",
        "1:2:3:4:5:6:7:8:9 | ::/0        | invalid IP address",
        "12345::1        | ::/0          | invalid IP address",
        "10.1.2.3        | 010.0.0.0/8   | invalid CIDR address",
        "10.1.2.3        | 10.0.0.0/33   | invalid CIDR address",
        "10.1.2.3        | 10.0.0.0/+8   | invalid CIDR address",
        "10.1.2.3        | 10.0.0.0      | invalid CIDR address",
    })
    void inIpAddrRangeWhenGoRefusesThenEvaluationError(String ip, String range, String error) {
        failsAtRunTime("R.attr.ip.inIPAddrRange(R.attr.range)", Map.of("ip", ip, "range", range), error);
    }

    // Cerbos internal/util/globs_common.go: a name with '*' is glob.Compile(name, ':'), a lone
    // '*' is '**'; gobwas/glob syntax.
    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "view:*          | view:public | true",
        "view:*          | view        | false",
        "view:*          | view:a:b    | false",
        "view:**         | view:a:b    | true",
        "{view,edit}*    | viewer      | true",
        "{view,edit}*    | edit        | true",
        "{view,edit}*    | edit:x      | false",
        "{view,edit}     | view        | false",
        "{view,edit}     | {view,edit} | true",
        "v?ew*           | view        | true",
        "v?ew*           | v:ew        | false",
        "[a-c]*          | bee         | true",
        "[!a-c]*         | bee         | false",
        "us*             | user        | true",
        "*               | a:b:c       | true",
        "a\\*b*          | a*bc        | true",
        "a.b*            | axb         | false",
    })
    void globWhenCerbosPatternThenSameMatch(String pattern, String value, boolean expected) {
        assertThat(CerbosGlob.matches(pattern, null, value)).isEqualTo(expected);
    }

    // Cerbos's constants are google.protobuf.Value too: numbers are doubles
    @Test
    void constantWhenNumberThenDouble() {
        PolicyFixtures.write(dir, "doc.yaml", "apiVersion: api.cerbos.dev/v1\nresourcePolicy:\n  resource: doc\n"
                + "  version: default\n  constants:\n    local:\n      limit: 10\n  rules:\n"
                + "    - actions: [under]\n      effect: EFFECT_ALLOW\n      roles: [user]\n"
                + "      condition:\n        match:\n          expr: R.attr.size < C.limit && C.limit == 10\n"
                + "    - actions: [next]\n      effect: EFFECT_ALLOW\n      roles: [user]\n"
                + "      condition:\n        match:\n          expr: C.limit + 1 == 11\n");
        CerbosPolicyEvaluator e = CerbosPolicyEvaluator.load(dir);
        PrincipalContext p = PrincipalContext.of("p", Set.of("user"));
        assertThat(e.decide(p, ResourceContext.of("doc", "1", Map.of("size", 3)), "under").isAllowed()).isTrue();
        assertThat(e.decide(p, ResourceContext.of("doc", "1", Map.of("size", 30)), "under").isAllowed()).isFalse();
        Decision next = e.decide(p, ResourceContext.of("doc", "1", Map.of("size", 3)), "next");
        assertThat(next.isAllowed()).isFalse();
        assertThat(next.error()).hasValueSatisfying(m -> assertThat(m).contains("No matching overload"));
    }

    // Cerbos's StdEnv validates duration, timestamp and regex literals when it compiles
    // (cel.ASTValidators(ValidateDurationLiterals, ValidateRegexLiterals, ValidateTimestampLiterals))
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"timeSince(now()) > duration('1x')", "now() > timestamp('yesterday')",
        "R.attr.s.matches('[a-')"})
    void literalWhenMalformedThenConditionDoesNotCompile(String expr) {
        PolicyFixtures.write(dir, "doc.yaml", PolicyFixtures.conditionPolicy(expr));
        assertThatThrownBy(() -> CerbosPolicyEvaluator.load(dir)).hasMessageContaining("doc.yaml")
                .hasMessageContaining("condition does not compile");
        PolicyFixtures.write(dir, "doc.yaml", PolicyFixtures.conditionPolicy(
                "now() > timestamp('2026-01-01T00:00:00Z') && duration('1h') > duration('1m') && 'ab'.matches('[a-b]+')"));
        assertThat(CerbosPolicyEvaluator.load(dir).resourceKinds()).containsExactly("doc");
    }

    // cel-go's Network extension (ip(), cidr()) has no cel-java counterpart: refused at load
    @Test
    void networkExtensionWhenUsedThenConditionDoesNotCompile() {
        PolicyFixtures.write(dir, "doc.yaml", PolicyFixtures.conditionPolicy("ip(R.attr.ip).isLoopback()"));
        assertThatThrownBy(() -> CerbosPolicyEvaluator.load(dir)).hasMessageContaining("doc.yaml")
                .hasMessageContaining("undeclared reference to 'ip'");
    }

    @Test
    void globWhenMalformedThenRefusedAtLoad() {
        PolicyFixtures.write(dir, "doc.yaml", "apiVersion: api.cerbos.dev/v1\nresourcePolicy:\n  resource: doc\n"
                + "  version: default\n  rules:\n    - actions: ['{view*']\n      effect: EFFECT_ALLOW\n      roles: [user]\n");
        assertThatThrownBy(() -> CerbosPolicyEvaluator.load(dir)).hasMessageContaining("doc.yaml")
                .hasMessageContaining("malformed glob '{view*'");
    }

    @Test
    void roleGlobWhenRuleRolesAndParentRolesThenMatched() {
        PolicyFixtures.write(dir, "roles.yaml", "apiVersion: api.cerbos.dev/v1\nderivedRoles:\n  name: staff\n"
                + "  definitions:\n    - name: staff\n      parentRoles: ['emp*']\n");
        PolicyFixtures.write(dir, "doc.yaml", "apiVersion: api.cerbos.dev/v1\nresourcePolicy:\n  resource: doc\n"
                + "  version: default\n  importDerivedRoles: [staff]\n  rules:\n"
                + "    - actions: ['read:*']\n      effect: EFFECT_ALLOW\n      roles: ['us*']\n"
                + "    - actions: [archive]\n      effect: EFFECT_ALLOW\n      derivedRoles: [staff]\n");
        PolicyFixtures.write(dir, "bob.yaml", "apiVersion: api.cerbos.dev/v1\nprincipalPolicy:\n  principal: bob\n"
                + "  version: default\n  rules:\n    - resource: 'd*'\n      actions:\n"
                + "        - action: '{purge,wipe}*'\n          effect: EFFECT_ALLOW\n");
        CerbosPolicyEvaluator e = CerbosPolicyEvaluator.load(dir);
        ResourceContext doc = ResourceContext.of("doc", "1");
        assertThat(e.decide(PrincipalContext.of("u", Set.of("user")), doc, "read:x").isAllowed()).isTrue();
        assertThat(e.decide(PrincipalContext.of("u", Set.of("guest")), doc, "read:x").isAllowed()).isFalse();
        assertThat(e.decide(PrincipalContext.of("u", Set.of("user")), doc, "read").isAllowed()).isFalse();
        assertThat(e.decide(PrincipalContext.of("u", Set.of("employee")), doc, "archive").isAllowed()).isTrue();
        assertThat(e.decide(PrincipalContext.of("u", Set.of("user")), doc, "archive").isAllowed()).isFalse();
        assertThat(e.decide(PrincipalContext.of("bob", Set.of()), doc, "wipeout").isAllowed()).isTrue();
        assertThat(e.decide(PrincipalContext.of("bob", Set.of()), doc, "wipe:all").isAllowed()).isFalse();
        assertThat(e.decide(PrincipalContext.of("amy", Set.of()), doc, "wipeout").isAllowed()).isFalse();
    }
}
