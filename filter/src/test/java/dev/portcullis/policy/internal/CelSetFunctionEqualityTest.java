package dev.portcullis.policy.internal;

import dev.portcullis.policy.Decision;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Cerbos set functions agree with the CEL runtime's own equality: each is checked against an
 * expression that uses only CEL's {@code in}, comprehensions or cel-java's {@code sets} extension,
 * over lists that mix {@code int}, {@code uint} and {@code double} (as attribute stores and
 * literals do). Before, {@code 1 in [1.0]} was true but {@code hasIntersection([1], [1.0])} false.
 */
class CelSetFunctionEqualityTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-10T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private boolean allowed(String expr) {
        Decision d = PolicyFixtures.decideExpr(dir, CLOCK, expr, Map.of(), Map.of());
        assertThat(d.error()).as("evaluation error of %s", expr).isEmpty();
        return d.isAllowed();
    }

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "[1]              | [1.0]               | true",
        "[1u]             | [1.0]               | true",
        "[1]              | [1u]                | true",
        "[2, 3]           | [1.0, 2.5]          | false",
        // cel-java compares int with double through double (2^53 + 1 == 2^53 there)
        "[9007199254740993] | [9007199254740992.0] | true",
        "[double('NaN')]  | [double('NaN')]     | false",
        "[[1, 2]]         | [[1.0, 2u]]         | true",
        "[{'a': 1}]       | [{'a': 1.0}]        | true",
        "[[1, 2]]         | [[1, 2]]            | true",
        "['1']            | [1]                 | false",
        "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10] | [20, 30, 40, 50, 60, 70, 80, 90, 100, 10.0] | true",
    })
    void setFunctionsWhenMixedNumbersThenAgreeWithCelEquality(String left, String right, boolean intersects) {
        // dyn(): attribute values reach conditions untyped; literals would be refused by the type checker
        String a = "dyn(" + left + ")";
        String b = "dyn(" + right + ")";
        assertThat(allowed("hasIntersection(" + a + ", " + b + ")")).isEqualTo(intersects);
        // CEL's own answers, as oracles: its == (cel-java's `in` takes a shortcut through Java's
        // List.contains, so it finds NaN in [NaN] and misses [1, 2] in [[1.0, 2u]]; == does not)
        assertThat(allowed(a + ".exists(x, " + b + ".exists(y, x == y))")).isEqualTo(intersects);
        assertThat(allowed("sets.intersects(" + a + ", " + b + ")")).isEqualTo(intersects);
        assertThat(allowed("hasIntersection(" + a + ", " + b + ") == sets.intersects(" + a + ", " + b + ")")).isTrue();
        assertThat(allowed(a + ".isSubset(" + b + ") == sets.contains(" + b + ", " + a + ")")).isTrue();
        assertThat(allowed(a + ".isSubset(" + b + ") == " + a + ".all(x, " + b + ".exists(y, x == y))")).isTrue();
        assertThat(allowed("size(intersect(" + a + ", " + b + ")) == size(" + a + ".filter(x, " + b
                + ".exists(y, x == y)))")).isTrue();
        assertThat(allowed("size(" + a + ".except(" + b + ")) == size(" + a + ".filter(x, !" + b
                + ".exists(y, x == y)))")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "intersect(dyn([1, 2, 2.0, 3u]), dyn([2.0, 3])) == dyn([2, 3u])",
        "dyn([1, 2.0, 3u]).except(dyn([2, 3.0])) == [1]",
        "dyn([1u, 2]).isSubset(dyn([1.0, 2.0, 4]))",
        "!dyn([1, 5]).isSubset(dyn([1.0, 2.0]))",
        "hasIntersection(P.roles, ['user'])",
    })
    void setFunctionsWhenMixedNumbersThenResultByCelEquality(String expr) {
        assertThat(allowed(expr)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "math.greatest([1, 5, 3]) == 5",
        "math.least(2.5, 1) == 1",
        "math.abs(-3) == 3",
        "[3, 1, 2].sort() == [1, 2, 3]",
        "[[1], [2, 3]].flatten() == [1, 2, 3]",
        "[1, 1, 2].distinct() == [1, 2]",
        "base64.encode(b'hi') == 'aGk='",
        "base64.decode('aGk=') == b'hi'",
        "sets.contains(dyn([1, 2, 3]), dyn([2.0]))",
        "sets.equivalent(dyn([1, 2]), dyn([2u, 1.0]))",
        "'a,b'.split(',') == ['a', 'b']",
    })
    void extensionsWhenCerbosOffersThemThenEnabled(String expr) {
        assertThat(allowed(expr)).isTrue();
    }
}
