package dev.portcullis.servlet;

import dev.portcullis.config.ConfigurationException;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PathMatcherTest {
    private static final String SETTING = "portcullis.public-paths";

    @Test
    void matchesWhenExactPathThenOnlyThatPath() {
        PathMatcher m = PathMatcher.of(SETTING, List.of("/health"));
        assertThat(m.matches("/health")).isTrue();
        assertThat(m.matches("/health/")).isFalse();
        assertThat(m.matches("/healthz")).isFalse();
        assertThat(m.matches("/health/x")).isFalse();
        assertThat(m.matches("/")).isFalse();
    }

    @Test
    void matchesWhenPrefixThenItAndEverythingBelow() {
        PathMatcher m = PathMatcher.of(SETTING, List.of("/static/*"));
        assertThat(m.matches("/static")).isTrue();
        assertThat(m.matches("/static/")).isTrue();
        assertThat(m.matches("/static/a/b.js")).isTrue();
        assertThat(m.matches("/staticky")).isFalse();
        assertThat(m.matches("/other/static/x")).isFalse();
    }

    @Test
    void matchesWhenAnyPathThenAsTheDefinitionSays() {
        List<String> patterns = List.of("/a/*", "/ab", "/a/b/*", "/b/*");
        PathMatcher m = PathMatcher.of(SETTING, patterns);
        java.util.Random random = new java.util.Random(5);
        int matched = 0;
        for (int i = 0; i < 50_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(7);
            for (int j = 0; j < n; j++) {
                b.append("/ab".charAt(random.nextInt(3)));
            }
            String path = b.toString();
            // the definition: an exact path, or a prefix itself, or the prefix followed by '/'
            boolean expected = path.equals("/ab");
            for (String prefix : List.of("/a", "/a/b", "/b")) {
                expected |= path.equals(prefix) || path.startsWith(prefix + "/");
            }
            assertThat(m.matches(path)).as("'%s'", path).isEqualTo(expected);
            if (expected) {
                matched++;
            }
        }
        assertThat(matched).as("paths matched").isGreaterThan(1_000);
        assertThat(PathMatcher.of(SETTING, List.of("/*")).matches("/anything/at/all")).isTrue();
    }

    @Test
    void matchesWhenNoPatternsThenNothing() {
        PathMatcher m = PathMatcher.of(SETTING, List.of());
        assertThat(m.matches("/")).isFalse();
        assertThat(m.matches("/health")).isFalse();
        assertThat(m).hasToString("[]");
    }

    @Test
    void ofWhenPatternInvalidThenExceptionNamesSettingAndPattern() {
        assertThatThrownBy(() -> PathMatcher.of(SETTING, List.of("health")))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith(SETTING + ": ").hasMessageContaining("'health'");
        assertThatThrownBy(() -> PathMatcher.of(SETTING, List.of("/a/*/b")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'/a/*/b'");
        assertThatThrownBy(() -> PathMatcher.of(SETTING, List.of("/*.js")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'/*.js'");
        assertThat(PathMatcher.of(SETTING, List.of("/a", "/b/*")).matches("/b/c")).isTrue();
    }
}
