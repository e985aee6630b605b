package dev.portcullis.token;

import dev.portcullis.config.ConfigurationException;
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
        m.put(TokenSettings.ISSUER, "https://idp.test");
        m.put(TokenSettings.AUDIENCE, "api");
        m.put(TokenSettings.JWKS_URI, JWKS);
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
        assertThat(failure(with(valid(), TokenSettings.ISSUER, null), TokenSettings.ISSUER))
                .contains(TokenSettings.ISSUERS);
    }

    @Test
    void validatorWhenAudienceMissingThenNamesAudience() {
        failure(with(valid(), TokenSettings.AUDIENCE, null), TokenSettings.AUDIENCE);
    }

    @Test
    void validatorWhenNoKeySourceThenNamesJwksUri() {
        failure(with(valid(), TokenSettings.JWKS_URI, null), TokenSettings.JWKS_URI);
    }

    @Test
    void validatorWhenTwoKeySourcesThenNamesTheSecond() {
        String m = failure(with(valid(), TokenSettings.DISCOVERY_URI, "https://idp.test/.well-known/openid-configuration"),
                TokenSettings.DISCOVERY_URI);
        assertThat(m).contains(TokenSettings.JWKS_URI);
        failure(with(valid(), TokenSettings.HMAC_SECRET, SECRET), TokenSettings.HMAC_SECRET);
    }

    @Test
    void validatorWhenHmacAlgorithmWithJwksThenNamesAlgorithms() {
        assertThat(failure(with(valid(), TokenSettings.ALGORITHMS, "HS256"), TokenSettings.ALGORITHMS)).contains("HS256");
        assertThat(failure(with(valid(), TokenSettings.ALGORITHMS, "RS256,HS512"), TokenSettings.ALGORITHMS)).contains("HS512");
    }

    @Test
    void validatorWhenHmacSecretShortThenNamesSecretWithoutShowingIt() {
        String m = failure(with(valid(), TokenSettings.JWKS_URI, null, TokenSettings.HMAC_SECRET, "short-secret"),
                TokenSettings.HMAC_SECRET);
        assertThat(m).contains("32 bytes").contains("12 bytes").doesNotContain("short-secret");
    }

    @Test
    void validatorWhenHmacSecretLongEnoughThenBuilt() {
        assertThat(validator(with(valid(), TokenSettings.JWKS_URI, null, TokenSettings.HMAC_SECRET, SECRET)).issuers())
                .containsExactly("https://idp.test");
        String b64 = "base64:" + java.util.Base64.getEncoder().encodeToString(TestKeys.randomSecret(64));
        assertThat(validator(with(valid(), TokenSettings.JWKS_URI, null, TokenSettings.HMAC_SECRET, b64,
                TokenSettings.ALGORITHMS, "HS512")).issuers()).hasSize(1);
    }

    @Test
    void validatorWhenHmacSecretTooShortForHs512ThenNamesAlgorithms() {
        failure(with(valid(), TokenSettings.JWKS_URI, null, TokenSettings.HMAC_SECRET, SECRET,
                TokenSettings.ALGORITHMS, "HS512"), TokenSettings.ALGORITHMS);
    }

    @Test
    void validatorWhenSkewOverFiveMinutesThenNamesSkewAndValue() {
        assertThat(failure(with(valid(), TokenSettings.CLOCK_SKEW, "6m"), TokenSettings.CLOCK_SKEW)).contains("PT6M");
        failure(with(valid(), TokenSettings.CLOCK_SKEW, "soon"), TokenSettings.CLOCK_SKEW);
        assertThat(validator(with(valid(), TokenSettings.CLOCK_SKEW, "5m")).issuers()).hasSize(1);
    }

    @Test
    void validatorWhenUnknownOrNoneAlgorithmThenNamesAlgorithmsAndValue() {
        assertThat(failure(with(valid(), TokenSettings.ALGORITHMS, "RS256,XS256"), TokenSettings.ALGORITHMS)).contains("XS256");
        assertThat(failure(with(valid(), TokenSettings.ALGORITHMS, "none"), TokenSettings.ALGORITHMS)).contains("none");
        assertThat(validator(with(valid(), TokenSettings.ALGORITHMS, "RS256 ES384")).issuers()).hasSize(1);
    }

    @Test
    void validatorWhenKeyUrlIsNotHttpsThenNamesIt() {
        assertThat(failure(with(valid(), TokenSettings.JWKS_URI, "http://idp.test/jwks"), TokenSettings.JWKS_URI))
                .contains("http://idp.test/jwks");
        failure(with(valid(), TokenSettings.JWKS_URI, "not a url"), TokenSettings.JWKS_URI);
        failure(with(valid(), TokenSettings.JWKS_URI, "/relative/jwks"), TokenSettings.JWKS_URI);
    }

    @Test
    void validatorWhenKeyFileMissingOrBadThenNamesIt() throws Exception {
        Map<String, String> fileBased = with(valid(), TokenSettings.JWKS_URI, null);
        assertThat(failure(with(fileBased, TokenSettings.JWKS_FILE, dir.resolve("nope.json").toString()),
                TokenSettings.JWKS_FILE)).contains("nope.json");
        Path bad = Files.writeString(dir.resolve("bad.json"), "{not json");
        failure(with(fileBased, TokenSettings.JWKS_FILE, bad.toString()), TokenSettings.JWKS_FILE);
        Path empty = Files.writeString(dir.resolve("empty.json"), "{\"keys\":[]}");
        failure(with(fileBased, TokenSettings.JWKS_FILE, empty.toString()), TokenSettings.JWKS_FILE);
        Path badPem = Files.writeString(dir.resolve("bad.pem"), "hello");
        failure(with(fileBased, TokenSettings.PUBLIC_KEY_FILE, badPem.toString()), TokenSettings.PUBLIC_KEY_FILE);
    }

    @Test
    void validatorWhenKeyFilesValidThenBuilt() throws Exception {
        Map<String, String> fileBased = with(valid(), TokenSettings.JWKS_URI, null);
        Path jwks = Files.writeString(dir.resolve("k.json"), TestKeys.jwks(TestKeys.rsa()));
        Path pem = Files.writeString(dir.resolve("k.pem"), TestKeys.pem(TestKeys.ec()));
        assertThat(validator(with(fileBased, TokenSettings.JWKS_FILE, jwks.toString())).issuers()).hasSize(1);
        assertThat(validator(with(fileBased, TokenSettings.PUBLIC_KEY_FILE, pem.toString())).issuers()).hasSize(1);
    }

    @Test
    void validatorWhenJwksSettingsOutOfRangeThenNamesThem() {
        failure(with(valid(), TokenSettings.JWKS_REFRESH_INTERVAL, "0s"), TokenSettings.JWKS_REFRESH_INTERVAL);
        failure(with(valid(), TokenSettings.JWKS_TIMEOUT, "10ms"), TokenSettings.JWKS_TIMEOUT);
        failure(with(valid(), TokenSettings.JWKS_CACHE_TTL, "1s"), TokenSettings.JWKS_CACHE_TTL);
        failure(with(valid(), TokenSettings.JWKS_STALE_IF_ERROR, "30d"), TokenSettings.JWKS_STALE_IF_ERROR);
        failure(with(valid(), TokenSettings.JWKS_MAX_BYTES, "12"), TokenSettings.JWKS_MAX_BYTES);
        failure(with(valid(), TokenSettings.MAX_TOKEN_LIFETIME, "2d"), TokenSettings.MAX_TOKEN_LIFETIME);
        assertThat(validator(with(valid(), TokenSettings.JWKS_REFRESH_INTERVAL, "1s", TokenSettings.JWKS_TIMEOUT, "500ms",
                TokenSettings.JWKS_CACHE_TTL, "1m", TokenSettings.JWKS_STALE_IF_ERROR, "1h",
                TokenSettings.JWKS_MAX_BYTES, "4096", TokenSettings.MAX_TOKEN_LIFETIME, "8h")).issuers()).hasSize(1);
    }

    @Test
    void extractorWhenLimitsConfiguredThenApplied() {
        assertThat(TokenSettings.extractor(Settings.of(Map.of())).maxTokenBytes()).isEqualTo(4096);
        assertThat(TokenSettings.extractor(Settings.of(Map.of(TokenSettings.MAX_TOKEN_BYTES, "8192"))).maxTokenBytes())
                .isEqualTo(8192);
        failure(with(valid(), TokenSettings.MAX_TOKEN_BYTES, "10"), TokenSettings.MAX_TOKEN_BYTES);
        failure(with(valid(), TokenSettings.MAX_TOKEN_BYTES, "lots"), TokenSettings.MAX_TOKEN_BYTES);
        failure(with(valid(), TokenSettings.MAX_HEADER_BYTES, "9000"), TokenSettings.MAX_HEADER_BYTES);
        failure(with(valid(), TokenSettings.ALLOW_INSECURE_QUERY_PARAMETER_TOKENS, "sometimes"),
                TokenSettings.ALLOW_INSECURE_QUERY_PARAMETER_TOKENS);
    }

    @Test
    void issuersWhenSeveralThenEachWithItsOwnAudienceAndKeys() throws Exception {
        Path jwks = Files.writeString(dir.resolve("b.json"), TestKeys.jwks(TestKeys.ec()));
        Map<String, String> m = with(valid(), TokenSettings.ISSUERS, "corp, partner",
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
        Map<String, String> m = with(valid(), TokenSettings.ISSUERS, "corp",
                "portcullis.issuers.corp.issuer", "https://corp.test",
                "portcullis.issuers.corp.jwks-uri", JWKS);
        failure(m, "portcullis.issuers.corp.audience");
        failure(with(m, "portcullis.issuers.corp.issuer", null), "portcullis.issuers.corp.issuer");
    }

    @Test
    void issuersWhenSameIssuerTwiceThenNamesTheSecond() {
        Map<String, String> m = with(valid(), TokenSettings.ISSUERS, "again",
                "portcullis.issuers.again.issuer", "https://idp.test",
                "portcullis.issuers.again.audience", "api",
                "portcullis.issuers.again.jwks-uri", JWKS);
        assertThat(failure(m, "portcullis.issuers.again.issuer")).contains("twice");
    }
}
