package dev.portcullis.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Paths for decision records and log lines lose their path parameters (issue 14, 5d); the servlet
 * filter's requests are tested over HTTP in {@code PathAttackTest} and on real servers in
 * {@code ContextPathContractTests}.
 */
class RequestPathsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/app/admin, /app/admin",
            "/app/admin;jsessionid=ABC, /app/admin",
            "/app;jsessionid=ABC/admin, /app/admin",
            "/app;a=1;b=2/x;y/z;, /app/x/z",
            "'/;', '/'"})
    void withoutParametersWhenPathParametersThenRemovedFromEverySegment(String raw, String expected) {
        assertThat(RequestPaths.withoutParameters(raw)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/api/documents/1, /api/documents/1",
            "/api/documents/1;jsessionid=ABC, /api/documents/1",
            "/api;x=1/%64ocuments//1, /api/documents/1",
            "/api/./x/../documents/1/, /api/documents/1/",
            "/, /",
            "/api/documents%2f1;jsessionid=ABC, /api/documents%2f1"})
    void forRecordWhenRawPathThenNormalisedWithoutParameters(String raw, String expected) {
        assertThat(RequestPaths.forRecord(raw)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} plain: {1}")
    @CsvSource({
            "/api/documents/1, true", "/, true", "/a/, true", "/a-b_c.d~e/F9, true", "/.a/..b/a.., true",
            "'', false", "api, false", "/a//b, false", "/a//, false", "//, false", "/., false", "/a/./b, false",
            "/a/../b, false", "/a/.., false", "/a/./, false", "/a;x, false", "/a%2fb, false", "/a b, false",
            "/ü, false", "/a?b, false", "/a\\b, false"})
    void plainWhenPathThenOnlyWhenNormalisingChangesNothing(String raw, boolean plain) {
        assertThat(RequestPaths.plain(raw)).isEqualTo(plain);
        if (plain) {
            assertThat(RequestPaths.normalisedForRecord(raw)).isEqualTo(raw);
        }
    }

    @Test
    void forRecordWhenRandomPathsThenShortcutGivesWhatNormalisingGives() {
        // the shortcut must never change a record: compared with the full normalisation on paths
        // built from the characters that matter (separators, dots, escapes, parameters)
        String alphabet = "/////...a-_~Z9%2f;=?\\ ü";
        Random random = new Random(12);
        int plain = 0;
        for (int i = 0; i < 200_000; i++) {
            char[] chars = new char[1 + random.nextInt(12)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            String raw = new String(chars);
            if (RequestPaths.plain(raw)) {
                plain++;
            }
            assertThat(RequestPaths.forRecord(raw)).as(raw).isEqualTo(RequestPaths.normalisedForRecord(raw));
        }
        assertThat(plain).as("paths that took the shortcut").isGreaterThan(1_000);
    }
}
