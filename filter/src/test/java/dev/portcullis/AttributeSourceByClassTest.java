package dev.portcullis;

import dev.portcullis.attributes.AttributeSource;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.testing.MutableClock;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;
import dev.portcullis.token.VerifiedToken;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code portcullis.attributes.source} names an application's {@link AttributeSource} by class,
 * as {@code portcullis.resource-resolver} names a resolver: the engine makes it (with its
 * {@code Settings} constructor) and puts it behind the same attribute cache.
 */
class AttributeSourceByClassTest {
    @TempDir
    Path dir;

    /** An application's store: every subject is an active editor of the team in the settings. */
    public static final class TeamSource implements AttributeSource {
        private final String team;

        public TeamSource(Settings settings) {
            this.team = settings.require("portcullis.test.team");
        }

        @Override
        public PrincipalAttributes load(String issuer, String subject) {
            return PrincipalAttributes.builder(issuer, subject).status(PrincipalStatus.ACTIVE).role("editor")
                    .attribute("team", team).loadedAt(Instant.EPOCH).build();
        }
    }

    private Portcullis engine(String source) throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"), TestKeys.jwks(TestKeys.rsa()));
        Map<String, String> m = new HashMap<>(Map.of(
                SettingNames.ISSUER, Tokens.ISSUER, SettingNames.AUDIENCE, Tokens.AUDIENCE,
                SettingNames.JWKS_FILE, jwks.toString(), SettingNames.ATTRIBUTES_SOURCE, source,
                "portcullis.test.team", "blue"));
        return Portcullis.fromSettings(Settings.of(m), MutableClock.now());
    }

    @Test
    void fromSettingsWhenSourceIsAnAttributeSourceClassThenItsAttributesAreUsed() throws Exception {
        try (Portcullis p = engine(TeamSource.class.getName())) {
            VerifiedToken who = p.authenticate(List.of("Bearer " + Tokens.signedWith(TestKeys.rsa()).sign()), List.of());
            PrincipalAttributes attrs = p.principal(who);
            assertThat(attrs.status()).isEqualTo(PrincipalStatus.ACTIVE);
            assertThat(attrs.roles()).containsExactly("editor");
            assertThat(attrs.attributes()).containsEntry("team", "blue");
        }
    }

    @Test
    void fromSettingsWhenSourceClassIsNoAttributeSourceThenRefusedNamingTheSetting() {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> engine(String.class.getName()));
        assertThat(e.setting()).isEqualTo(SettingNames.ATTRIBUTES_SOURCE);
        assertThat(e).hasMessage("portcullis.attributes.source: java.lang.String does not implement "
                + AttributeSource.class.getName());
        ConfigurationException missing = catchThrowableOfType(ConfigurationException.class,
                () -> engine("com.example.NoSuchSource"));
        assertThat(missing.setting()).isEqualTo(SettingNames.ATTRIBUTES_SOURCE);
        assertThat(missing).hasMessage("portcullis.attributes.source: no class com.example.NoSuchSource on the class path");
    }
}
