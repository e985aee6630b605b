package dev.portcullis.internal.audit;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision log line written straight into a buffer is, character for character, the line the
 * former map-and-jose4j writer produced: for full and sparse records and for values that need
 * escaping (quotes, backslashes, slashes, control characters, non-ASCII, lone surrogates).
 */
class DecisionRecordJsonTest {
    private static DecisionRecord full(String text) {
        return DecisionRecord.builder(Instant.parse("2026-12-01T10:00:00.123456Z"), "ab12cd34-1f")
                .request("GET", "/api/documents/" + text)
                .principal("https://idp.example/realms/" + text, text, "jti-" + text)
                .resource("document", text, "read")
                .effect("DENY", "access_denied")
                .rule("resource.document.vdefault", "rule-" + text, List.of("owner", text))
                .attributes("v-" + text, 1234)
                .latencyMicros(56)
                .build();
    }

    @Test
    void toJsonWhenValuesNeedEscapingThenSameLineAsTheMapWriter() {
        for (String text : List.of("plain", "q\"uote", "back\\slash", "sl/ash", "tab\tnew\nline\r\f\b", "\u0000\u001f\u007f",
                "ünïcødé ✓", "emoji \ud83d\ude00", "lone \ud800 surrogate", "</script>", "")) {
            DecisionRecord r = full(text);
            assertThat(r.toJson()).as(text).isEqualTo(r.toJsonByMap());
        }
    }

    @Test
    void toJsonWhenEveryCharacterThenEscapedAsTheMapWriterEscapesIt() {
        // every UTF-16 code unit, the ends of each escaped range included, one per value
        StringBuilder all = new StringBuilder();
        for (int c = 0; c <= 0xffff; c++) {
            all.append((char) c);
        }
        DecisionRecord r = full(all.toString());
        assertThat(r.toJson()).isEqualTo(r.toJsonByMap());
        for (char c : new char[] {0x1f, 0x20, 0x7e, 0x7f, 0x9f, 0xa0, 0x1fff, 0x2000, 0x20ff, 0x2100}) {
            DecisionRecord one = full(String.valueOf(c));
            assertThat(one.toJson()).as("U+%04X", (int) c).isEqualTo(one.toJsonByMap());
        }
    }

    @Test
    void appendJsonWhenBufferReusedThenEachLineWholeAndAlone() {
        // the writer's one buffer: a long line, then a short one, must not leave a tail behind
        StringBuilder b = new StringBuilder();
        DecisionRecord longer = full("x".repeat(3000) + "\"");
        DecisionRecord shorter = DecisionRecord.builder(Instant.EPOCH, "x-1").effect("ALLOW", null).build();
        longer.appendJson(b);
        assertThat(b.toString()).isEqualTo(longer.toJsonByMap());
        b.setLength(0);
        shorter.appendJson(b);
        assertThat(b.toString()).isEqualTo(shorter.toJsonByMap());
    }

    @Test
    void toJsonWhenFieldsAbsentThenLeftOutAsBefore() {
        DecisionRecord sparse = DecisionRecord.builder(Instant.EPOCH, "x-1").effect("ALLOW", null).build();
        assertThat(sparse.toJson()).isEqualTo(sparse.toJsonByMap());
        assertThat(sparse.toJson()).doesNotContain("reason").contains("\"derived_roles\":[]");
    }

    @Test
    void toJsonWhenRandomStringsThenSameLineAndValidJson() throws Exception {
        Random random = new Random(19);
        for (int i = 0; i < 2000; i++) {
            char[] chars = new char[random.nextInt(12)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = (char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000));
            }
            String text = new String(chars);
            DecisionRecord r = full(text);
            String line = r.toJson();
            assertThat(line).isEqualTo(r.toJsonByMap());
            Map<String, Object> parsed = JsonUtil.parseJson(line);
            assertThat(parsed.get("subject")).isEqualTo(text);
        }
    }

    @Test
    void instantWhenAnyPrecisionThenWrittenAsInstantToString() {
        Random random = new Random(1919);
        List<Instant> instants = new java.util.ArrayList<>(List.of(Instant.EPOCH, Instant.parse("1969-12-31T23:59:59.999999999Z"),
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999Z"),
                Instant.parse("2026-12-01T10:00:00.100Z"), Instant.parse("2026-12-01T10:00:00.000100Z"),
                Instant.parse("2026-12-01T10:00:00.000000100Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("-0001-12-31T23:59:59Z"), Instant.MIN, Instant.MAX));
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong() % 253_402_300_800L;
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(seconds, nanos));
        }
        for (Instant instant : instants) {
            StringBuilder b = new StringBuilder();
            DecisionRecord.instant(b, instant);
            assertThat(b.toString()).as("%s", instant).isEqualTo(instant.toString());
        }
    }
}
