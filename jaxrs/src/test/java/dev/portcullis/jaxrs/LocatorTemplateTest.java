package dev.portcullis.jaxrs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocatorTemplateTest {
    @Test
    void matchesWhenDefaultVariableThenOneSegmentOnly() {
        LocatorTemplate t = LocatorTemplate.parse("/item/{id}/");

        assertThat(t.matches("item/5")).isTrue();
        assertThat(t.matches("item/5/x")).isFalse();
        assertThat(t.matches("items/5")).isFalse();
    }

    @Test
    void matchesWhenVariableHasRegexThenRegexApplies() {
        LocatorTemplate t = LocatorTemplate.parse("item/{id: [0-9]{1,3}}");

        assertThat(t.matches("item/123")).isTrue();
        assertThat(t.matches("item/abc")).isFalse();
    }

    @Test
    void matchesWhenLiteralHasRegexCharactersThenTakenLiterally() {
        LocatorTemplate t = LocatorTemplate.parse("a.b");

        assertThat(t.matches("a.b")).isTrue();
        assertThat(t.matches("axb")).isFalse();
    }

    @Test
    void compareSpecificityWhenMoreLiteralsThenMoreSpecific() {
        assertThat(LocatorTemplate.parse("item/special").compareSpecificity(LocatorTemplate.parse("item/{id}")))
                .isPositive();
        assertThat(LocatorTemplate.parse("{a}/{b}").compareSpecificity(LocatorTemplate.parse("{a: .+}")))
                .isPositive();
        assertThat(LocatorTemplate.parse("{a: [0-9]+}").compareSpecificity(LocatorTemplate.parse("{a}")))
                .isPositive();
        assertThat(LocatorTemplate.parse("x/{a}").compareSpecificity(LocatorTemplate.parse("y/{b}"))).isZero();
    }

    @Test
    void parseWhenUnbalancedOrBadRegexThenNull() {
        assertThat(LocatorTemplate.parse("item/{id")).isNull();
        assertThat(LocatorTemplate.parse("item/{id: [}")).isNull();
        assertThat(LocatorTemplate.parse("/").isEmpty()).isTrue();
    }
}
