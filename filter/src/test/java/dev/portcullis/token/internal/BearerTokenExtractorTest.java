package dev.portcullis.token.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class BearerTokenExtractorTest {
    private static final String TOKEN = Tokens.signedWith(TestKeys.rsa()).sign();
    private final BearerTokenExtractor extractor = BearerTokenExtractor.builder().build();

    private String extract(String... headers) throws PortcullisException {
        return extractor.extract(List.of(headers), List.of());
    }

    private static Reason reasonOf(ThrowingCall call) {
        PortcullisException e = catchThrowableOfType(PortcullisException.class, call::run);
        assertThat(e).as("expected a refusal").isNotNull();
        return e.reason();
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws PortcullisException;
    }

    @Test
    void extractWhenBearerHeaderThenToken() throws PortcullisException {
        assertThat(extract("Bearer " + TOKEN)).isEqualTo(TOKEN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bearer", "BEARER", "BeArEr"})
    void extractWhenSchemeInAnyCaseThenToken(String scheme) throws PortcullisException {
        assertThat(extract(scheme + " " + TOKEN)).isEqualTo(TOKEN);
    }

    @Test
    void extractWhenNoHeaderThenNull() throws PortcullisException {
        assertThat(extract()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic dXNlcjpwYXNz", "Digest username=\"x\"", "Negotiate abc"})
    void extractWhenOtherSchemeThenNull(String header) throws PortcullisException {
        assertThat(extract(header)).isNull();
    }

    @Test
    void extractWhenTwoAuthorizationHeadersThenInvalidRequest() {
        assertThat(reasonOf(() -> extract("Bearer " + TOKEN, "Bearer " + TOKEN))).isEqualTo(Reason.INVALID_REQUEST);
    }

    @Test
    void extractWhenTwoHeadersEvenIfOneIsBasicThenInvalidRequest() {
        assertThat(reasonOf(() -> extract("Basic dXNlcjpwYXNz", "Bearer " + TOKEN))).isEqualTo(Reason.INVALID_REQUEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer:%s", "Bearer\t%s", "Bearer%s", "Bearer  %s", "Bearer %s %s", "Bearer %s,%s",
            "Bearer %s ", "Bearer", "Bearer ", "Bearer\t"})
    void extractWhenBrokenBearerSyntaxThenInvalidRequest(String format) {
        String header = format.replace("%s", TOKEN);
        assertThat(reasonOf(() -> extract(header))).isEqualTo(Reason.INVALID_REQUEST);
    }

    @Test
    void extractWhenQueryTokenAndSwitchOffThenInvalidRequest() {
        assertThat(reasonOf(() -> extractor.extract(List.of(), List.of(TOKEN)))).isEqualTo(Reason.INVALID_REQUEST);
    }

    @Test
    void extractWhenQueryTokenAndSwitchOnThenToken() throws PortcullisException {
        BearerTokenExtractor insecure = BearerTokenExtractor.builder().allowInsecureQueryParameterTokens().build();
        assertThat(insecure.extract(List.of(), List.of(TOKEN))).isEqualTo(TOKEN);
    }

    @Test
    void extractWhenHeaderAndQueryTokenThenInvalidRequest() {
        BearerTokenExtractor insecure = BearerTokenExtractor.builder().allowInsecureQueryParameterTokens().build();
        assertThat(reasonOf(() -> insecure.extract(List.of("Bearer " + TOKEN), List.of(TOKEN))))
                .isEqualTo(Reason.INVALID_REQUEST);
        assertThat(reasonOf(() -> extractor.extract(List.of("Bearer " + TOKEN), List.of(TOKEN))))
                .isEqualTo(Reason.INVALID_REQUEST);
    }

    @Test
    void extractWhenTwoQueryTokensThenInvalidRequest() {
        BearerTokenExtractor insecure = BearerTokenExtractor.builder().allowInsecureQueryParameterTokens().build();
        assertThat(reasonOf(() -> insecure.extract(List.of(), List.of(TOKEN, TOKEN)))).isEqualTo(Reason.INVALID_REQUEST);
    }

    @Test
    void extractWhenQueryTokenMalformedAndSwitchOnThenMalformed() {
        BearerTokenExtractor insecure = BearerTokenExtractor.builder().allowInsecureQueryParameterTokens().build();
        assertThat(reasonOf(() -> insecure.extract(List.of(), List.of("a+b.c.d")))).isEqualTo(Reason.MALFORMED_TOKEN);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "abc", "abc.def", "a.b.c.d", "abc.def.ghi.jkl.mno.pqr", ".def.ghi", "abc..ghi", "abc.def.",
        "YWJj.ZGVm.Z2hp=", "YWJj.ZGVm.Z2h+", "YWJj.ZGVm.Z2h/", "YWJj.ZGVm.Z2%41", "YWJj.ZGVm.Z2\u00e9",
        "YWJjZ.ZGVm.Z2hp", "YWJj.ZGVm.Z\""})
    void extractWhenNotCompactJwsThenMalformed(String token) {
        assertThat(reasonOf(() -> extract("Bearer " + token))).isEqualTo(Reason.MALFORMED_TOKEN);
    }

    @Test
    void extractWhenCompactJwsOfAnyValidSegmentLengthsThenToken() throws PortcullisException {
        assertThat(extract("Bearer YWJj.ZGVmZw.Z2hpams")).isEqualTo("YWJj.ZGVmZw.Z2hpams");
        assertThat(extract("Bearer " + Tokens.signedWith(TestKeys.ec()).sign())).isNotNull();
        assertThat(extract("Bearer " + Tokens.signedWith(TestKeys.ed25519()).sign())).isNotNull();
    }

    @Test
    void extractWhenFiveSegmentsThenEncryptedToken() {
        assertThat(reasonOf(() -> extract("Bearer eyJhbGciOiJSU0EtT0FFUCJ9.a2V5.aXY.Y2lwaGVy.dGFn")))
                .isEqualTo(Reason.ENCRYPTED_TOKEN);
    }

    @Test
    void extractWhenDirectJweWithEmptyKeySegmentThenEncryptedToken() {
        // "alg":"dir" JWEs have an empty encrypted-key segment: still a JWE, not a malformed JWS
        assertThat(reasonOf(() -> extract("Bearer eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..aXY.Y2lwaGVy.dGFn")))
                .isEqualTo(Reason.ENCRYPTED_TOKEN);
    }

    @Test
    void extractWhenTokenLongerThanDefaultLimitThenTooLarge() {
        String big = Tokens.signedWith(TestKeys.rsa()).claim("pad", "x".repeat(4096)).sign();
        assertThat(big.length()).isGreaterThan(BearerTokenExtractor.DEFAULT_MAX_TOKEN_BYTES);
        assertThat(reasonOf(() -> extract("Bearer " + big))).isEqualTo(Reason.TOKEN_TOO_LARGE);
    }

    @Test
    void extractWhenOversizedGarbageThenTooLargeBeforeSyntax() {
        String garbage = "!".repeat(5000);
        assertThat(reasonOf(() -> extract("Bearer " + garbage))).isEqualTo(Reason.TOKEN_TOO_LARGE);
    }

    @Test
    void extractWhenTokenAtExactLimitThenAccepted() throws PortcullisException {
        BearerTokenExtractor small = BearerTokenExtractor.builder().maxTokenBytes(256).build();
        String token = "YWJj." + "A".repeat(256 - 5 - 5) + ".Z2hp";
        assertThat(token).hasSize(256);
        assertThat(small.extract(List.of("Bearer " + token), List.of())).isEqualTo(token);
        assertThat(reasonOf(() -> small.extract(List.of("Bearer " + token + "A"), List.of())))
                .isEqualTo(Reason.TOKEN_TOO_LARGE);
    }

    @Test
    void extractWhenConfiguredLargerLimitThenBigTokenAccepted() throws PortcullisException {
        BearerTokenExtractor large = BearerTokenExtractor.builder().maxTokenBytes(16384).build();
        String big = Tokens.signedWith(TestKeys.rsa()).claim("pad", "x".repeat(4096)).sign();
        assertThat(large.extract(List.of("Bearer " + big), List.of())).isEqualTo(big);
        assertThat(large.maxTokenBytes()).isEqualTo(16384);
    }

    @Test
    void extractWhenHeaderSegmentDecodesPastLimitThenTooLarge() {
        String bigHeader = Tokens.signedWith(TestKeys.rsa()).header("pad", "x".repeat(1100)).sign();
        assertThat(reasonOf(() -> extract("Bearer " + bigHeader))).isEqualTo(Reason.TOKEN_TOO_LARGE);
    }

    @Test
    void extractWhenHeaderJustUnderLimitThenAccepted() throws PortcullisException {
        String header = Tokens.b64("{\"alg\":\"RS256\",\"pad\":\"" + "x".repeat(1000) + "\"}");
        String token = header + ".YWJj.ZGVm";
        assertThat(extract("Bearer " + token)).isEqualTo(token);
        BearerTokenExtractor strict = BearerTokenExtractor.builder().maxHeaderBytes(512).build();
        assertThat(reasonOf(() -> strict.extract(List.of("Bearer " + token), List.of())))
                .isEqualTo(Reason.TOKEN_TOO_LARGE);
    }

    @Test
    void builderWhenLimitsOutOfRangeThenRefusedNamingTheSetting() {
        assertThatThrownBy(() -> BearerTokenExtractor.builder().maxTokenBytes(100))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("portcullis.max-token-bytes: maxTokenBytes").hasMessageContaining("100");
        assertThatThrownBy(() -> BearerTokenExtractor.builder().maxTokenBytes(70000))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxTokenBytes");
        assertThatThrownBy(() -> BearerTokenExtractor.builder().maxHeaderBytes(10))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxHeaderBytes");
        assertThat(BearerTokenExtractor.builder().maxTokenBytes(256).maxHeaderBytes(64).build().maxTokenBytes())
                .isEqualTo(256);
    }

    @Test
    void extractWhenRefusedThenMessageNeverContainsTheToken() {
        String secretish = Tokens.signedWith(TestKeys.rsa()).sign();
        PortcullisException e = catchThrowableOfType(PortcullisException.class,
                () -> extract("Bearer " + secretish + " " + secretish));
        assertThat(e.getMessage()).doesNotContain(secretish.substring(0, 20));
    }
}
