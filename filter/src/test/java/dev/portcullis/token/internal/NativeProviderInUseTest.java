package dev.portcullis.token.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Which JCA provider verifies signatures ({@value SettingNames#CRYPTO_PROVIDER}). Surefire runs it
 * twice: on the plain JDK ({@code auto} finds no native provider: {@code jdk}) and in the execution
 * {@code with-native-provider}, which sets {@code portcullis.test.expected-provider} and puts the
 * Amazon Corretto Crypto Provider on the class path; there this test proves that the suites of that
 * run really went through it.
 */
class NativeProviderInUseTest {
    private static final String EXPECTED = System.getProperty("portcullis.test.expected-provider", SignatureProvider.JDK);

    @TempDir
    Path dir;

    private TokenValidator.Builder builder() throws Exception {
        Path file = Files.writeString(dir.resolve("jwks.json"), TestKeys.jwks(TestKeys.rsa(), TestKeys.ec(), TestKeys.ed25519()));
        return TokenValidator.builder().issuer(IssuerConfig.builder(Tokens.ISSUER).audiences(Tokens.AUDIENCE).jwksFile(file).build());
    }

    @Test
    void autoWhenRunThenTheProviderThisRunExpectsAndNeverInstalledJvmWide() throws Exception {
        TokenValidator v = builder().build();
        assertThat(v.signatureProvider()).isEqualTo(EXPECTED);
        for (var e : Tokens.allDefaultAlgorithms()) {
            assertThat(v.validate(Tokens.signedWith(e.getValue()).alg(e.getKey()).sign()).subject()).isEqualTo(Tokens.SUBJECT);
        }
        assertThat(Security.getProvider(SignatureProvider.ACCP_NAME)).isNull();
        SignatureProvider auto = SignatureProvider.of("auto");
        for (String alg : new String[] {"RS256", "ES256", "EdDSA"}) {
            // with ACCP the signature itself is its; on the JDK jose4j's path runs
            assertThat(auto.verifies(alg)).as(alg).isEqualTo(!EXPECTED.equals(SignatureProvider.JDK));
        }
        assertThat(auto.verifies("PS256")).isFalse();
        assertThat(auto.verifies("HS256")).isFalse();
    }

    @Test
    void jdkWhenNamedThenJdkWhateverTheClassPath() throws Exception {
        TokenValidator v = builder().cryptoProvider("jdk").build();
        assertThat(v.signatureProvider()).isEqualTo("jdk");
        assertThat(v.validate(Tokens.signedWith(TestKeys.ec()).sign()).subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void namedRegisteredProviderWhenSetThenUsedForEs256AndEd25519() throws Exception {
        TokenValidator v = builder().cryptoProvider("SunEC").build();
        assertThat(v.signatureProvider()).isEqualTo("SunEC");
        assertThat(v.validate(Tokens.signedWith(TestKeys.ec()).sign()).subject()).isEqualTo(Tokens.SUBJECT);
        assertThat(v.validate(Tokens.signedWith(TestKeys.ed25519()).sign()).subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void namedProviderWhenAbsentThenStartupFailsNamingTheSetting() throws Exception {
        ConfigurationException e = catchThrowableOfType(() -> builder().cryptoProvider("NoSuchProvider"), ConfigurationException.class);
        assertThat(e.setting()).isEqualTo(SettingNames.CRYPTO_PROVIDER);
        assertThat(e.getMessage()).contains("NoSuchProvider");
        ConfigurationException fromSettings = catchThrowableOfType(() -> TokenSettings.validator(
                dev.portcullis.config.Settings.of(Map.of(SettingNames.ISSUER, Tokens.ISSUER, SettingNames.AUDIENCE, Tokens.AUDIENCE,
                        SettingNames.JWKS_FILE, Files.writeString(dir.resolve("k.json"), TestKeys.jwks(TestKeys.rsa())).toString(),
                        SettingNames.CRYPTO_PROVIDER, "NoSuchProvider")),
                java.time.Clock.systemUTC(), (i, k) -> { }), ConfigurationException.class);
        assertThat(fromSettings.setting()).isEqualTo(SettingNames.CRYPTO_PROVIDER);
    }

    @Test
    void accpWhenNamedThenUsedOnlyIfOnTheClassPath() throws Exception {
        if (EXPECTED.equals(SignatureProvider.ACCP_NAME)) {
            assertThat(builder().cryptoProvider(SignatureProvider.ACCP_NAME).build().signatureProvider())
                    .isEqualTo(SignatureProvider.ACCP_NAME);
        } else {
            ConfigurationException e = catchThrowableOfType(() -> builder().cryptoProvider(SignatureProvider.ACCP_NAME),
                    ConfigurationException.class);
            assertThat(e.setting()).isEqualTo(SettingNames.CRYPTO_PROVIDER);
        }
    }
}
