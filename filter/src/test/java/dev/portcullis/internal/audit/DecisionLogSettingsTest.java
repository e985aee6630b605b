package dev.portcullis.internal.audit;

import dev.portcullis.Portcullis;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.EngineParts;
import dev.portcullis.testing.MutableClock;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@value SettingNames#DECISION_LOG_OVERFLOW} and {@value SettingNames#DECISION_LOG_BLOCK_TIMEOUT} as read by {@link Portcullis#fromSettings}. */
class DecisionLogSettingsTest {
    @TempDir
    Path dir;

    private Portcullis engine(String... extra) throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"), TestKeys.jwks(TestKeys.rsa()));
        Map<String, String> m = new HashMap<>(Map.of(
                "portcullis.issuer", Tokens.ISSUER, "portcullis.audience", Tokens.AUDIENCE,
                "portcullis.jwks-file", jwks.toString()));
        for (int i = 0; i < extra.length; i += 2) {
            m.put(extra[i], extra[i + 1]);
        }
        return Portcullis.fromSettings(Settings.of(m), MutableClock.now());
    }

    @Test
    void fromSettingsWhenNoOverflowSettingThenDrop() throws Exception {
        try (Portcullis p = engine()) {
            assertThat(EngineParts.of(p).decisionLog().overflow()).isEqualTo(DecisionLog.Overflow.DROP);
        }
    }

    @Test
    void fromSettingsWhenOverflowBlockWithTimeoutThenBlock() throws Exception {
        try (Portcullis p = engine(SettingNames.DECISION_LOG_OVERFLOW, "Block", SettingNames.DECISION_LOG_BLOCK_TIMEOUT, "250ms")) {
            assertThat(EngineParts.of(p).decisionLog().overflow()).isEqualTo(DecisionLog.Overflow.BLOCK);
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "portcullis.decision-log.overflow, sometimes, 'portcullis.decision-log.overflow: must be one of [drop, block], was ''sometimes'''",
        "portcullis.decision-log.block-timeout, 100ms, 'portcullis.decision-log.block-timeout: applies only with portcullis.decision-log.overflow=block, but portcullis.decision-log.overflow is drop'",
    })
    void fromSettingsWhenBadOverflowSettingThenFailsNamingIt(String name, String value, String message) {
        assertThatThrownBy(() -> engine(name, value)).isInstanceOf(ConfigurationException.class).hasMessage(message);
    }

    @ParameterizedTest(name = "block-timeout={0}")
    @CsvSource({"soon", "0ms", "11s", "-1s"})
    void fromSettingsWhenBlockTimeoutOutOfRangeThenFailsNamingIt(String value) {
        assertThatThrownBy(() -> engine(SettingNames.DECISION_LOG_OVERFLOW, "block", SettingNames.DECISION_LOG_BLOCK_TIMEOUT, value))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("portcullis.decision-log.block-timeout: ");
    }
}
