package dev.portcullis.config;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {
    private static final String NAME = "portcullis.settings-test.value";

    enum Mode { REPORT, ENFORCE_STRICT }

    @AfterEach
    void clearSystemProperty() {
        System.clearProperty(NAME);
    }

    @Test
    void getWhenOnlyInFileThenFileValue() {
        Settings s = Settings.of(Map.of(), Map.of(NAME, "file"), Map.of());
        assertThat(s.get(NAME)).contains("file");
    }

    @Test
    void getWhenInitParamAndFileThenInitParamWins() {
        Settings s = Settings.of(Map.of(NAME, "param"), Map.of(NAME, "file"), Map.of());
        assertThat(s.get(NAME)).contains("param");
    }

    @Test
    void getWhenEnvironmentAndInitParamThenEnvironmentWins() {
        Settings s = Settings.of(Map.of(NAME, "param"), Map.of(NAME, "file"),
                Map.of("PORTCULLIS_SETTINGS_TEST_VALUE", "env"));
        assertThat(s.get(NAME)).contains("env");
    }

    @Test
    void getWhenSystemPropertyThenItWinsOverEverything() {
        System.setProperty(NAME, "sys");
        Settings s = Settings.of(Map.of(NAME, "param"), Map.of(NAME, "file"),
                Map.of("PORTCULLIS_SETTINGS_TEST_VALUE", "env"));
        assertThat(s.get(NAME)).contains("sys");
        assertThat(s.names()).contains(NAME);
    }

    @Test
    void getWhenEnvironmentVariableWithoutPrefixThenIgnored() {
        Settings s = Settings.of(Map.of(NAME, "param"), Map.of(), Map.of("SETTINGS_TEST_VALUE", "env"));
        assertThat(s.get(NAME)).contains("param");
    }

    @Test
    void getWhenBlankValuesThenAbsent() {
        Settings s = Settings.of(Map.of(NAME, "  "), Map.of(NAME, "file"), Map.of("PORTCULLIS_SETTINGS_TEST_VALUE", " "));
        assertThat(s.get(NAME)).contains("file");
        assertThat(Settings.of(Map.of(NAME, " ")).get(NAME)).isEmpty();
    }

    @Test
    void ofWhenNameWithoutPrefixThenPrefixed() {
        Settings s = Settings.of(Map.of("issuer", " https://idp.test ", "portcullis.audience", "api"));
        assertThat(s.get("portcullis.issuer")).contains("https://idp.test");
        assertThat(s.get("portcullis.audience")).contains("api");
        assertThat(s.names()).containsExactly("portcullis.audience", "portcullis.issuer");
    }

    @ParameterizedTest
    @CsvSource({
        "portcullis.jwks-uri, PORTCULLIS_JWKS_URI",
        "portcullis.issuer, PORTCULLIS_ISSUER",
        "portcullis.jwks.refresh-interval, PORTCULLIS_JWKS_REFRESH_INTERVAL",
        "portcullis.issuers.corp.audience, PORTCULLIS_ISSUERS_CORP_AUDIENCE"})
    void environmentNameWhenSettingThenUpperSnakeCase(String setting, String env) {
        assertThat(Settings.environmentName(setting)).isEqualTo(env);
    }

    @Test
    void withWhenOverridesThenTheyWinOverExplicitValues() {
        Settings s = Settings.of(Map.of(NAME, "a")).with(Map.of(NAME, "b"));
        assertThat(s.get(NAME)).contains("b");
    }

    @Test
    void requireWhenMissingThenExceptionNamesSettingAndEnvironmentName() {
        assertThatThrownBy(() -> Settings.of(Map.of()).require("portcullis.audience"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("portcullis.audience: ")
                .hasMessageContaining("PORTCULLIS_AUDIENCE")
                .extracting(e -> ((ConfigurationException) e).setting()).isEqualTo("portcullis.audience");
        assertThat(Settings.of(Map.of("portcullis.audience", "api")).require("portcullis.audience")).isEqualTo("api");
    }

    @Test
    void getListWhenCommaOrWhitespaceSeparatedThenItems() {
        Settings s = Settings.of(Map.of(NAME, " a, b  c,,d "));
        assertThat(s.getList(NAME)).containsExactly("a", "b", "c", "d");
        assertThat(s.getList("portcullis.unset")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"true,true", "YES,true", "on,true", "false,false", "No,false", "OFF,false"})
    void getBooleanWhenKnownWordThenValue(String value, boolean expected) {
        assertThat(Settings.of(Map.of(NAME, value)).getBoolean(NAME, !expected)).isEqualTo(expected);
    }

    @Test
    void getBooleanWhenUnknownWordThenExceptionNamesSettingAndValue() {
        assertThatThrownBy(() -> Settings.of(Map.of(NAME, "maybe")).getBoolean(NAME, false))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(NAME).hasMessageContaining("'maybe'");
        assertThat(Settings.of(Map.of()).getBoolean(NAME, true)).isTrue();
    }

    @Test
    void getIntWhenNotANumberThenExceptionNamesSettingAndValue() {
        assertThatThrownBy(() -> Settings.of(Map.of(NAME, "4k")).getInt(NAME, 1))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(NAME).hasMessageContaining("'4k'");
        assertThat(Settings.of(Map.of(NAME, "4096")).getInt(NAME, 1)).isEqualTo(4096);
        assertThat(Settings.of(Map.of()).getInt(NAME, 7)).isEqualTo(7);
    }

    @ParameterizedTest
    @CsvSource({"30s,PT30S", "10m,PT10M", "1h,PT1H", "2d,PT48H", "500ms,PT0.5S", "45,PT45S", "PT1H,PT1H",
            "pt5m,PT5M", "10M,PT10M", "0s,PT0S", "' 15 s ',PT15S"})
    void getDurationWhenValidThenParsed(String value, String expected) {
        assertThat(Settings.of(Map.of(NAME, value)).getDuration(NAME, Duration.ZERO)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1.5s", "-5s", "10x", "s", "PT-5S", "5 minutes"})
    void getDurationWhenInvalidOrNegativeThenExceptionNamesSettingAndValue(String value) {
        assertThatThrownBy(() -> Settings.of(Map.of(NAME, value)).getDuration(NAME, Duration.ZERO))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(NAME)
                .hasMessageContaining("'" + value.trim() + "'");
    }

    @Test
    void getDurationWhenUnsetThenDefault() {
        assertThat(Settings.of(Map.of()).getDuration(NAME, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void getEnumWhenCaseAndDashesDifferThenMatched() {
        assertThat(Settings.of(Map.of(NAME, "enforce-strict")).getEnum(NAME, Mode.class, Mode.REPORT))
                .isEqualTo(Mode.ENFORCE_STRICT);
        assertThatThrownBy(() -> Settings.of(Map.of(NAME, "audit")).getEnum(NAME, Mode.class, Mode.REPORT))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("[report, enforce-strict]")
                .hasMessageContaining("'audit'");
    }

    @Test
    void getWithParserWhenParserFailsThenExceptionNamesSetting() {
        assertThatThrownBy(() -> Settings.of(Map.of(NAME, "x")).get(NAME, Integer::parseInt))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(NAME).hasMessageContaining("'x'");
        assertThat(Settings.of(Map.of(NAME, "12")).get(NAME, Integer::parseInt)).contains(12);
        assertThat(Settings.of(Map.of(NAME, "a,b")).getList(NAME)).isEqualTo(List.of("a", "b"));
    }
}
