package dev.portcullis.token.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.testing.MutableClock;
import dev.portcullis.testing.TestKeys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TokenSettingsTest {
    private static final String JWKS = "https://idp.test/jwks";
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private static Map<String, String> valid() {
        Map<String, String> m = new HashMap<>();
        m.put(SettingNames.ISSUER, "https://idp.test");
        m.put(SettingNames.AUDIENCE, "api");
        m.put(SettingNames.JWKS_URI, JWKS);
        return m;
    }

    private static Map<String, String> with(Map<String, String> base, String... pairs) {
        Map<String, String> m = new HashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                m.remove(pairs[i]);
            } else {
                m.put(pairs[i], pairs[i + 1]);
            }
        }
        return m;
    }

    private static TokenValidator validator(Map<String, String> values) {
        return TokenSettings.validator(Settings.of(values), Clock.systemUTC(), (i, k) -> { });
    }

    /** Asserts that the settings fail, naming {@code setting}, and returns the message. */
    private static String failure(Map<String, String> values, String setting) {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> {
            TokenSettings.extractor(Settings.of(values));
            validator(values);
        });
        assertThat(e).as("settings should be refused: " + values).isNotNull();
        assertThat(e.setting()).isEqualTo(setting);
        assertThat(e.getMessage()).startsWith(setting + ": ");
        return e.getMessage();
    }

    @Test
    void validatorWhenMinimalSettingsThenBuilt() {
        TokenValidator v = validator(valid());
        assertThat(v.issuers()).containsExactly("https://idp.test");
        assertThat(TokenSettings.issuers(Settings.of(valid())).get(0).keyUri()).hasToString(JWKS);
    }

    @Test
    void validatorWhenIssuerMissingThenNamesIssuer() {
        assertThat(failure(with(valid(), SettingNames.ISSUER, null), SettingNames.ISSUER))
                .contains(SettingNames.ISSUERS);
    }

    @Test
    void validatorWhenAudienceMissingThenNamesAudience() {
        failure(with(valid(), SettingNames.AUDIENCE, null), SettingNames.AUDIENCE);
    }

    @Test
    void validatorWhenNoKeySourceThenNamesJwksUri() {
        failure(with(valid(), SettingNames.JWKS_URI, null), SettingNames.JWKS_URI);
    }

    @Test
    void validatorWhenTwoKeySourcesThenNamesTheSecond() {
        String m = failure(with(valid(), SettingNames.DISCOVERY_URI, "https://idp.test/.well-known/openid-configuration"),
                SettingNames.DISCOVERY_URI);
        assertThat(m).contains(SettingNames.JWKS_URI);
        failure(with(valid(), SettingNames.HMAC_SECRET, SECRET), SettingNames.HMAC_SECRET);
    }

    @Test
    void validatorWhenHmacAlgorithmWithJwksThenNamesAlgorithms() {
        assertThat(failure(with(valid(), SettingNames.ALGORITHMS, "HS256"), SettingNames.ALGORITHMS)).contains("HS256");
        assertThat(failure(with(valid(), SettingNames.ALGORITHMS, "RS256,HS512"), SettingNames.ALGORITHMS)).contains("HS512");
    }

    @Test
    void validatorWhenHmacSecretShortThenNamesSecretWithoutShowingIt() {
        String m = failure(with(valid(), SettingNames.JWKS_URI, null, SettingNames.HMAC_SECRET, "short-secret"),
                SettingNames.HMAC_SECRET);
        assertThat(m).contains("32 bytes").contains("12 bytes").doesNotContain("short-secret");
    }

    @Test
    void validatorWhenHmacSecretLongEnoughThenBuilt() {
        assertThat(validator(with(valid(), SettingNames.JWKS_URI, null, SettingNames.HMAC_SECRET, SECRET)).issuers())
                .containsExactly("https://idp.test");
        String b64 = "base64:" + java.util.Base64.getEncoder().encodeToString(TestKeys.randomSecret(64));
        assertThat(validator(with(valid(), SettingNames.JWKS_URI, null, SettingNames.HMAC_SECRET, b64,
                SettingNames.ALGORITHMS, "HS512")).issuers()).hasSize(1);
    }

    @Test
    void validatorWhenHmacSecretTooShortForHs512ThenNamesAlgorithms() {
        failure(with(valid(), SettingNames.JWKS_URI, null, SettingNames.HMAC_SECRET, SECRET,
                SettingNames.ALGORITHMS, "HS512"), SettingNames.ALGORITHMS);
    }

    @Test
    void validatorWhenSkewOverFiveMinutesThenNamesSkewAndValue() {
        assertThat(failure(with(valid(), SettingNames.CLOCK_SKEW, "6m"), SettingNames.CLOCK_SKEW)).contains("PT6M");
        failure(with(valid(), SettingNames.CLOCK_SKEW, "soon"), SettingNames.CLOCK_SKEW);
        assertThat(validator(with(valid(), SettingNames.CLOCK_SKEW, "5m")).issuers()).hasSize(1);
    }

    @Test
    void validatorWhenUnknownOrNoneAlgorithmThenNamesAlgorithmsAndValue() {
        assertThat(failure(with(valid(), SettingNames.ALGORITHMS, "RS256,XS256"), SettingNames.ALGORITHMS)).contains("XS256");
        assertThat(failure(with(valid(), SettingNames.ALGORITHMS, "none"), SettingNames.ALGORITHMS)).contains("none");
        assertThat(validator(with(valid(), SettingNames.ALGORITHMS, "RS256 ES384")).issuers()).hasSize(1);
    }

    @Test
    void validatorWhenKeyUrlIsNotHttpsThenNamesIt() {
        assertThat(failure(with(valid(), SettingNames.JWKS_URI, "http://idp.test/jwks"), SettingNames.JWKS_URI))
                .contains("http://idp.test/jwks");
        failure(with(valid(), SettingNames.JWKS_URI, "not a url"), SettingNames.JWKS_URI);
        failure(with(valid(), SettingNames.JWKS_URI, "/relative/jwks"), SettingNames.JWKS_URI);
    }

    @Test
    void validatorWhenKeyFileMissingOrBadThenNamesIt() throws Exception {
        Map<String, String> fileBased = with(valid(), SettingNames.JWKS_URI, null);
        assertThat(failure(with(fileBased, SettingNames.JWKS_FILE, dir.resolve("nope.json").toString()),
                SettingNames.JWKS_FILE)).contains("nope.json");
        Path bad = Files.writeString(dir.resolve("bad.json"), "{not json");
        failure(with(fileBased, SettingNames.JWKS_FILE, bad.toString()), SettingNames.JWKS_FILE);
        Path empty = Files.writeString(dir.resolve("empty.json"), "{\"keys\":[]}");
        failure(with(fileBased, SettingNames.JWKS_FILE, empty.toString()), SettingNames.JWKS_FILE);
        Path badPem = Files.writeString(dir.resolve("bad.pem"), "hello");
        failure(with(fileBased, SettingNames.PUBLIC_KEY_FILE, badPem.toString()), SettingNames.PUBLIC_KEY_FILE);
    }

    @Test
    void validatorWhenKeyFilesValidThenBuilt() throws Exception {
        Map<String, String> fileBased = with(valid(), SettingNames.JWKS_URI, null);
        Path jwks = Files.writeString(dir.resolve("k.json"), TestKeys.jwks(TestKeys.rsa()));
        Path pem = Files.writeString(dir.resolve("k.pem"), TestKeys.pem(TestKeys.ec()));
        assertThat(validator(with(fileBased, SettingNames.JWKS_FILE, jwks.toString())).issuers()).hasSize(1);
        assertThat(validator(with(fileBased, SettingNames.PUBLIC_KEY_FILE, pem.toString())).issuers()).hasSize(1);
    }

    @Test
    void validatorWhenJwksSettingsOutOfRangeThenNamesThem() {
        failure(with(valid(), SettingNames.JWKS_REFRESH_INTERVAL, "0s"), SettingNames.JWKS_REFRESH_INTERVAL);
        failure(with(valid(), SettingNames.JWKS_TIMEOUT, "10ms"), SettingNames.JWKS_TIMEOUT);
        failure(with(valid(), SettingNames.JWKS_CACHE_TTL, "1s"), SettingNames.JWKS_CACHE_TTL);
        failure(with(valid(), SettingNames.JWKS_STALE_IF_ERROR, "30d"), SettingNames.JWKS_STALE_IF_ERROR);
        failure(with(valid(), SettingNames.JWKS_MAX_BYTES, "12"), SettingNames.JWKS_MAX_BYTES);
        failure(with(valid(), SettingNames.MAX_TOKEN_LIFETIME, "2d"), SettingNames.MAX_TOKEN_LIFETIME);
        assertThat(validator(with(valid(), SettingNames.JWKS_REFRESH_INTERVAL, "1s", SettingNames.JWKS_TIMEOUT, "500ms",
                SettingNames.JWKS_CACHE_TTL, "1m", SettingNames.JWKS_STALE_IF_ERROR, "1h",
                SettingNames.JWKS_MAX_BYTES, "4096", SettingNames.MAX_TOKEN_LIFETIME, "8h")).issuers()).hasSize(1);
    }

    @Test
    void extractorWhenLimitsConfiguredThenApplied() {
        assertThat(TokenSettings.extractor(Settings.of(Map.of())).maxTokenBytes()).isEqualTo(4096);
        assertThat(TokenSettings.extractor(Settings.of(Map.of(SettingNames.MAX_TOKEN_BYTES, "8192"))).maxTokenBytes())
                .isEqualTo(8192);
        failure(with(valid(), SettingNames.MAX_TOKEN_BYTES, "10"), SettingNames.MAX_TOKEN_BYTES);
        failure(with(valid(), SettingNames.MAX_TOKEN_BYTES, "lots"), SettingNames.MAX_TOKEN_BYTES);
        failure(with(valid(), SettingNames.MAX_HEADER_BYTES, "9000"), SettingNames.MAX_HEADER_BYTES);
        failure(with(valid(), SettingNames.ALLOW_INSECURE_QUERY_PARAMETER_TOKENS, "sometimes"),
                SettingNames.ALLOW_INSECURE_QUERY_PARAMETER_TOKENS);
    }

    @Test
    void issuersWhenSeveralThenEachWithItsOwnAudienceAndKeys() throws Exception {
        Path jwks = Files.writeString(dir.resolve("b.json"), TestKeys.jwks(TestKeys.ec()));
        Map<String, String> m = with(valid(), SettingNames.ISSUERS, "corp, partner",
                "portcullis.issuers.corp.issuer", "https://corp.test",
                "portcullis.issuers.corp.audience", "corp-api",
                "portcullis.issuers.corp.discovery-uri", "https://corp.test/.well-known/openid-configuration",
                "portcullis.issuers.partner.issuer", "https://partner.test",
                "portcullis.issuers.partner.audience", "partner-api",
                "portcullis.issuers.partner.jwks-file", jwks.toString(),
                "portcullis.issuers.partner.required-type", "at+jwt");
        var issuers = TokenSettings.issuers(Settings.of(m));
        assertThat(issuers).extracting(IssuerConfig::issuer)
                .containsExactly("https://idp.test", "https://corp.test", "https://partner.test");
        assertThat(issuers.get(1).audiences()).containsExactly("corp-api");
        assertThat(issuers.get(1).keySource()).isEqualTo(IssuerConfig.KeySourceKind.DISCOVERY_URI);
        assertThat(issuers.get(2).requiredType()).isEqualTo("at+jwt");
        assertThat(TokenSettings.validator(Settings.of(m), MutableClock.now(), (i, k) -> { }).issuers()).hasSize(3);
    }

    @Test
    void issuersWhenListedIssuerIncompleteThenNamesItsSetting() {
        Map<String, String> m = with(valid(), SettingNames.ISSUERS, "corp",
                "portcullis.issuers.corp.issuer", "https://corp.test",
                "portcullis.issuers.corp.jwks-uri", JWKS);
        failure(m, "portcullis.issuers.corp.audience");
        failure(with(m, "portcullis.issuers.corp.issuer", null), "portcullis.issuers.corp.issuer");
    }

    @Test
    void issuersWhenSameIssuerTwiceThenNamesTheSecond() {
        Map<String, String> m = with(valid(), SettingNames.ISSUERS, "again",
                "portcullis.issuers.again.issuer", "https://idp.test",
                "portcullis.issuers.again.audience", "api",
                "portcullis.issuers.again.jwks-uri", JWKS);
        assertThat(failure(m, "portcullis.issuers.again.issuer")).contains("twice");
    }
}
