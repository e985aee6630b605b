package dev.portcullis.internal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The limits of the one YAML front end, each with a positive control just inside it. */
class YamlReaderTest {
    /** {@code levels} anchors, each a list of two aliases to the one before: 2^levels leaves. */
    private static String doubling(int levels) {
        StringBuilder b = new StringBuilder("l0: &l0 [x, x]\n");
        for (int i = 1; i < levels; i++) {
            b.append('l').append(i).append(": &l").append(i).append(" [*l").append(i - 1).append(", *l")
                    .append(i - 1).append("]\n");
        }
        return b.toString();
    }

    @Test
    void loadWhenFewAliasesExpandHugelyThenRefusedWithLine() {
        // 24 levels use 46 aliases (under the alias limit) but expand to ~2^25 values
        assertThatThrownBy(() -> YamlReader.load("a.yaml", doubling(24)))
                .isInstanceOf(YamlInputException.class)
                .hasMessageMatching("a\\.yaml:\\d+: more than 5000000 values once aliases are expanded");
    }

    @Test
    void loadWhenAliasesExpandModeratelyThenRead() {
        Object doc = YamlReader.load("a.yaml", doubling(10));
        assertThat(((Map<?, ?>) doc)).hasSize(10);
    }

    @Test
    void loadWhenMoreThanFiftyAliasesThenRefusedAtTheFirstOneOver() {
        StringBuilder b = new StringBuilder("a: &a x\nlist:\n");
        for (int i = 0; i < 51; i++) {
            b.append("  - *a\n");
        }
        assertThatThrownBy(() -> YamlReader.load("a.yaml", b.toString()))
                .isInstanceOf(YamlInputException.class)
                .hasMessage("a.yaml:53: more than 50 aliases")
                .satisfies(e -> assertThat(((YamlInputException) e).line()).isEqualTo(53));
        assertThat((List<?>) ((Map<?, ?>) YamlReader.load("a.yaml", b.substring(0, b.length() - "  - *a\n".length())))
                .get("list")).hasSize(50);
    }

    @Test
    void loadWhenListHasTooManyEntriesThenRefused() {
        String big = "[" + "1,".repeat(YamlReader.MAX_COLLECTION_ENTRIES) + "1]";
        assertThatThrownBy(() -> YamlReader.load("big.json", big))
                .isInstanceOf(YamlInputException.class)
                .hasMessage("big.json:1: a list or mapping has more than 500000 entries");
        String fits = "[" + "1,".repeat(YamlReader.MAX_COLLECTION_ENTRIES - 1) + "1]";
        assertThat((List<?>) YamlReader.load("fits.json", fits)).hasSize(YamlReader.MAX_COLLECTION_ENTRIES);
        StringBuilder map = new StringBuilder("{");
        for (int i = 0; i <= YamlReader.MAX_COLLECTION_ENTRIES; i++) {
            map.append('k').append(i).append(": 1, ");
        }
        assertThatThrownBy(() -> YamlReader.load("map.json", map.append("}").toString()))
                .hasMessage("map.json:1: a list or mapping has more than 500000 entries");
    }

    @Test
    void loadWhenFileTooLargeThenRefusedBeforeParsing() {
        String huge = "# " + "x".repeat(YamlReader.MAX_CODE_POINTS) + "\n";
        assertThatThrownBy(() -> YamlReader.load("huge.yaml", huge))
                .isInstanceOf(YamlInputException.class)
                .hasMessage("huge.yaml:1: file is larger than 16777216 characters");
    }

    @Test
    void loadWhenNestedAtTheLimitThenReadAndOneMoreRefused() {
        assertThat(YamlReader.load("d.yaml", "[".repeat(50) + "]".repeat(50))).isInstanceOf(List.class);
        assertThatThrownBy(() -> YamlReader.load("d.yaml", "[".repeat(51) + "]".repeat(51)))
                .hasMessage("d.yaml:1: nested deeper than 50 levels");
    }

    @Test
    void loadWhenCoreTagsThenReadAndOthersRefused() {
        assertThat(YamlReader.load("t.yaml", "a: !!str 12\nb: !!int \"7\"\nc: !!map {x: 1}\n"))
                .isEqualTo(Map.of("a", "12", "b", 7, "c", Map.of("x", 1)));
        assertThatThrownBy(() -> YamlReader.load("t.yaml", "a: 1\nb: !!binary aGVsbG8=\n"))
                .hasMessageStartingWith("t.yaml:2: tag tag:yaml.org,2002:binary is not allowed");
        assertThatThrownBy(() -> YamlReader.load("t.yaml", "a: !<tag:example.com,2000:x> 1\n"))
                .hasMessageStartingWith("t.yaml:1: tag tag:example.com,2000:x is not allowed");
    }

    @Test
    void composeAllWhenDuplicateKeyInLaterDocumentThenRefusedWithItsLine() {
        assertThat(YamlReader.composeAll("m.yaml", "a: 1\n---\nb: 2\n---\n")).hasSize(2);
        assertThatThrownBy(() -> YamlReader.composeAll("m.yaml", "a: 1\n---\nb: 2\nc:\n  d: 1\n  d: 2\n"))
                .isInstanceOf(YamlInputException.class)
                .hasMessage("m.yaml:6: duplicate key 'd'");
    }

    @Test
    void loadWhenMergeKeyOverridesThenNotADuplicate() {
        assertThat(YamlReader.load("m.yaml", "base: &b {x: 1, y: 2}\nmine:\n  <<: *b\n  y: 3\n"))
                .isEqualTo(Map.of("base", Map.of("x", 1, "y", 2), "mine", Map.of("x", 1, "y", 3)));
    }

    @Test
    void loadWhenSyntaxErrorThenFileAndLine() {
        assertThatThrownBy(() -> YamlReader.load("s.yaml", "a: 1\nb: [1, 2\n"))
                .isInstanceOf(YamlInputException.class)
                .hasMessageStartingWith("s.yaml:3: ");
        assertThat(YamlReader.load("s.yaml", "")).isNull();
    }
}
