package dev.portcullis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.Portcullis;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.policy.ResourceResolver;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The one way an extension named by class is created, shared by {@value SettingNames#RESOURCE_RESOLVER}
 * and {@code portcullis.attributes.source} (whose cases are in {@code AttributeSourceByClassTest}).
 */
class ExtensionsTest {
    private static final Settings SETTINGS = Settings.of(Map.of("portcullis.example.owner", "alice"));

    @Test
    void instantiateWhenSettingsConstructorThenCalledWithTheSettings() {
        ResourceResolver r = Extensions.instantiate(SettingNames.RESOURCE_RESOLVER, Owners.class.getName(),
                ResourceResolver.class, SETTINGS);

        assertThat(r.resolve("document", "1")).containsEntry("owner", "alice");
    }

    @Test
    void instantiateWhenMissingClassThenConfigurationExceptionNamingTheSetting() {
        assertThatThrownBy(() -> Extensions.instantiate(SettingNames.RESOURCE_RESOLVER, "com.example.Owners",
                ResourceResolver.class, SETTINGS))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(SettingNames.RESOURCE_RESOLVER))
                .hasMessage(SettingNames.RESOURCE_RESOLVER + ": no class com.example.Owners on the class path");
    }

    @Test
    void instantiateWhenWrongTypeThenConfigurationExceptionNamingTheSetting() {
        assertThatThrownBy(() -> Extensions.instantiate(SettingNames.RESOURCE_RESOLVER, String.class.getName(),
                ResourceResolver.class, SETTINGS))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(SettingNames.RESOURCE_RESOLVER))
                .hasMessage(SettingNames.RESOURCE_RESOLVER + ": java.lang.String does not implement "
                        + ResourceResolver.class.getName());
    }

    @Test
    void instantiateWhenConstructorFailsThenConfigurationExceptionWithTheCause() {
        assertThatThrownBy(() -> Extensions.instantiate(SettingNames.RESOURCE_RESOLVER, Owners.class.getName(),
                ResourceResolver.class, Settings.of(Map.of())))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("portcullis.example.owner")); // Settings.require's own
        assertThatThrownBy(() -> Extensions.instantiate(SettingNames.RESOURCE_RESOLVER, Failing.class.getName(),
                ResourceResolver.class, SETTINGS))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(SettingNames.RESOURCE_RESOLVER))
                .hasMessage(SettingNames.RESOURCE_RESOLVER + ": cannot create " + Failing.class.getName()
                        + ": java.lang.IllegalStateException: no documents")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    /** A resolver configured by its own setting. */
    public static final class Owners implements ResourceResolver {
        private final String owner;

        public Owners(Settings settings) {
            this.owner = settings.require("portcullis.example.owner");
        }

        @Override
        public Map<String, Object> resolve(String kind, String id) {
            return Map.of("owner", owner);
        }
    }

    /** A resolver whose constructor fails. */
    public static final class Failing implements ResourceResolver {
        public Failing() {
            throw new IllegalStateException("no documents");
        }

        @Override
        public Map<String, Object> resolve(String kind, String id) {
            return Map.of();
        }
    }
}
