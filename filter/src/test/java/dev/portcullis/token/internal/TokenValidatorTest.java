package dev.portcullis.token.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.PortcullisException;
import dev.portcullis.Reason;
import dev.portcullis.testing.MutableClock;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import dev.portcullis.token.VerifiedToken;
import org.jose4j.jwe.ContentEncryptionAlgorithmIdentifiers;
import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.jwe.KeyManagementAlgorithmIdentifiers;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TokenValidatorTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at(T0);
    private Path jwksFile;
    private TokenValidator validator;

    @BeforeEach
    void setUp() throws IOException {
        jwksFile = dir.resolve("jwks.json");
        Files.writeString(jwksFile, TestKeys.jwks(TestKeys.rsa(), TestKeys.ec(), TestKeys.ed25519()));
        validator = validator(issuer().build());
    }

    private IssuerConfig.Builder issuer() {
        return IssuerConfig.builder(Tokens.ISSUER).audiences(Tokens.AUDIENCE).jwksFile(jwksFile);
    }

    private TokenValidator validator(IssuerConfig... configs) {
        TokenValidator.Builder b = TokenValidator.builder().clock(clock);
        for (IssuerConfig c : configs) {
            b.issuer(c);
        }
        return b.build();
    }

    private Tokens.Builder rsa() {
        return Tokens.signedWith(TestKeys.rsa()).at(clock.instant());
    }

    private static Reason refusal(TokenValidator v, String token) {
        PortcullisException e = catchThrowableOfType(PortcullisException.class, () -> v.validate(token));
        assertThat(e).as("token should be refused").isNotNull();
        assertThat(e.getMessage()).doesNotContain(token);
        return e.reason();
    }

    private Reason refusal(String token) {
        return refusal(validator, token);
    }

    static Stream<Map.Entry<String, PublicJsonWebKey>> defaultAlgorithms() {
        return Tokens.allDefaultAlgorithms().stream();
    }

    @ParameterizedTest
    @MethodSource("defaultAlgorithms")
    void validateWhenSignedWithDefaultAlgorithmThenVerified(Map.Entry<String, PublicJsonWebKey> alg)
            throws PortcullisException {
        String token = Tokens.signedWith(alg.getValue()).alg(alg.getKey()).at(clock.instant()).sign();
        VerifiedToken t = validator.validate(token);
        assertThat(t.subject()).isEqualTo(Tokens.SUBJECT);
        assertThat(t.issuer()).isEqualTo(Tokens.ISSUER);
        assertThat(t.algorithm()).isEqualTo(alg.getKey());
        assertThat(t.keyId()).isEqualTo(alg.getValue().getKeyId());
        assertThat(t.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        assertThat(t.issuedAt()).isEqualTo(T0);
        assertThat(t.tokenId()).isNotBlank();
        assertThat(t.claims()).containsEntry("sub", Tokens.SUBJECT);
    }

    @Test
    void validateWhenNoKidThenTheVerifyingKeyIsFound() throws PortcullisException {
        assertThat(validator.validate(rsa().noKid().sign()).subject()).isEqualTo(Tokens.SUBJECT);
        assertThat(validator.validate(Tokens.signedWith(TestKeys.ec()).noKid().at(T0).sign()).algorithm())
                .isEqualTo("ES256");
    }

    @Test
    void validateWhenSignedByAnotherKeyWithKnownKidThenBadSignature() {
        String forged = Tokens.signedWith(TestKeys.otherRsa()).kid(TestKeys.RSA_KID).at(T0).sign();
        assertThat(refusal(forged)).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void validateWhenSignedByAnotherKeyWithoutKidThenBadSignature() {
        String forged = Tokens.signedWith(TestKeys.otherRsa()).noKid().at(T0).sign();
        assertThat(refusal(forged)).isIn(Reason.BAD_SIGNATURE, Reason.UNKNOWN_KEY);
    }

    @Test
    void validateWhenSignatureTamperedThenBadSignature() {
        String token = rsa().sign();
        String other = rsa().subject("mallory").sign();
        String spliced = other.substring(0, other.lastIndexOf('.')) + token.substring(token.lastIndexOf('.'));
        assertThat(refusal(spliced)).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void validateWhenUnknownKidWithStaticKeysThenUnknownKey() {
        String token = Tokens.signedWith(TestKeys.otherRsa()).at(T0).sign();
        assertThat(refusal(token)).isEqualTo(Reason.UNKNOWN_KEY);
    }

    @Test
    void validateWhenAlgNoneThenDisallowedAlgorithm() {
        String payload = "{\"iss\":\"" + Tokens.ISSUER + "\",\"aud\":\"api\",\"sub\":\"alice\",\"iat\":"
                + T0.getEpochSecond() + ",\"exp\":" + (T0.getEpochSecond() + 600) + "}";
        String none = Tokens.signedWith(TestKeys.rsa()).alg("none").rawHeader("{\"alg\":\"none\"}")
                .rawPayload(payload).sign();
        assertThat(refusal(none)).isEqualTo(Reason.DISALLOWED_ALGORITHM);
        String noneWithSignature = Tokens.signedWith(TestKeys.rsa()).rawHeader("{\"alg\":\"none\",\"kid\":\"rsa-1\"}")
                .rawPayload(payload).sign();
        assertThat(refusal(noneWithSignature)).isEqualTo(Reason.DISALLOWED_ALGORITHM);
        String noneUpper = Tokens.signedWith(TestKeys.rsa()).alg("none").rawHeader("{\"alg\":\"NONE\"}")
                .rawPayload(payload).signature("AAAA").sign();
        assertThat(refusal(noneUpper)).isEqualTo(Reason.DISALLOWED_ALGORITHM);
    }

    @Test
    void validateWhenAlgorithmOutsideDefaultAllowlistThenDisallowed() {
        String rs384 = rsa().alg("RS384").sign();
        assertThat(refusal(rs384)).isEqualTo(Reason.DISALLOWED_ALGORITHM);
    }

    @Test
    void validateWhenAlgorithmAddedToAllowlistThenVerified() throws PortcullisException {
        TokenValidator v = validator(issuer().algorithms(List.of("RS384")).build());
        assertThat(v.validate(rsa().alg("RS384").sign()).algorithm()).isEqualTo("RS384");
        assertThat(refusal(v, rsa().sign())).isEqualTo(Reason.DISALLOWED_ALGORITHM);
    }

    @Test
    void validateWhenHs256WithConfiguredSecretThenVerified() throws PortcullisException {
        byte[] secret = TestKeys.randomSecret(32);
        TokenValidator v = validator(IssuerConfig.builder(Tokens.ISSUER).audiences(Tokens.AUDIENCE)
                .hmacSecret(secret).build());
        VerifiedToken t = v.validate(Tokens.hmac(secret).at(T0).sign());
        assertThat(t.algorithm()).isEqualTo("HS256");
        assertThat(refusal(v, Tokens.hmac(TestKeys.randomSecret(32)).at(T0).sign())).isEqualTo(Reason.BAD_SIGNATURE);
        assertThat(refusal(v, rsa().sign())).isEqualTo(Reason.DISALLOWED_ALGORITHM);
    }

    @Test
    void validateWhenHs256SignedWithThePublicKeyBytesThenRefused() throws Exception {
        // The classic key-confusion attack: the RSA public key, which anyone can fetch, used as an HMAC secret.
        PublicJsonWebKey rsa = TestKeys.rsa();
        for (byte[] secret : List.of(rsa.getPublicKey().getEncoded(),
                TestKeys.pem(rsa).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                rsa.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY).getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            String confused = Tokens.signedWith(new HmacKey(secret), "HS256").kid(TestKeys.RSA_KID).at(T0).sign();
            assertThat(refusal(confused)).isEqualTo(Reason.DISALLOWED_ALGORITHM);
        }
        assertThat(validator.validate(rsa().sign()).algorithm()).isEqualTo("RS256");
    }

    @ParameterizedTest
    @ValueSource(strings = {"crit", "jku", "x5u", "jwk", "x5c"})
    void validateWhenForbiddenHeaderThenRefused(String name) throws PortcullisException {
        Object value = name.equals("crit") ? List.of("exp") : name.equals("x5c") ? List.of("MIIB") :
                name.equals("jwk") ? Map.of("kty", "oct", "k", "AAAA") : "https://attacker.test/keys";
        assertThat(refusal(rsa().header(name, value).sign())).isEqualTo(Reason.FORBIDDEN_HEADER);
        assertThat(validator.validate(rsa().header("typ", "JWT").sign()).subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void validateWhenX5tThumbprintHeaderThenVerifiedWithTheIssuersKey() throws Exception {
        // Microsoft Entra ID puts x5t in every access token header: it names a key, it does not carry one.
        PublicJsonWebKey rsa = TestKeys.rsa();
        String token = rsa().header("x5t", rsa.calculateBase64urlEncodedThumbprint("SHA-1")).sign();
        assertThat(validator.validate(token).keyId()).isEqualTo(TestKeys.RSA_KID);
        String forged = Tokens.signedWith(TestKeys.otherRsa()).kid(TestKeys.RSA_KID).header("x5t", "AAAA").at(T0).sign();
        assertThat(refusal(forged)).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void validateWhenEmbeddedJwkIsTheAttackersOwnKeyThenRefused() {
        PublicJsonWebKey attacker = TestKeys.otherRsa();
        String token = Tokens.signedWith(attacker).noKid()
                .header("jwk", attacker.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)).at(T0).sign();
        assertThat(refusal(token)).isEqualTo(Reason.FORBIDDEN_HEADER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"at+jwt", "AT+JWT", "application/at+jwt", "Application/AT+JWT"})
    void validateWhenRequiredTypeMatchesInAnyFormThenVerified(String typ) throws PortcullisException {
        TokenValidator v = validator(issuer().requiredType("at+jwt").build());
        assertThat(v.validate(rsa().typ(typ).sign()).subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void validateWhenRequiredTypeConfiguredWithApplicationPrefixThenMatchesShortForm() throws PortcullisException {
        TokenValidator v = validator(issuer().requiredType("application/AT+JWT").build());
        assertThat(v.validate(rsa().typ("at+jwt").sign()).subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void validateWhenRequiredTypeMissingOrDifferentThenWrongType() {
        TokenValidator v = validator(issuer().requiredType("at+jwt").build());
        assertThat(refusal(v, rsa().sign())).isEqualTo(Reason.WRONG_TYPE);
        assertThat(refusal(v, rsa().typ("JWT").sign())).isEqualTo(Reason.WRONG_TYPE);
        assertThat(refusal(v, rsa().typ("application/jwt").sign())).isEqualTo(Reason.WRONG_TYPE);
        assertThat(refusal(v, rsa().header("typ", 7).sign())).isEqualTo(Reason.WRONG_TYPE);
    }

    @Test
    void validateWhenNoRequiredTypeThenAnyStringTypeAccepted() throws PortcullisException {
        assertThat(validator.validate(rsa().typ("JWT").sign()).subject()).isEqualTo(Tokens.SUBJECT);
        assertThat(refusal(rsa().header("typ", 7).sign())).isEqualTo(Reason.MALFORMED_TOKEN);
    }

    @Test
    void validateWhenRequiredClaimMissingThenRefused() {
        assertThat(refusal(rsa().without("exp").sign())).isEqualTo(Reason.INVALID_CLAIMS);
        assertThat(refusal(rsa().without("sub").sign())).isEqualTo(Reason.INVALID_CLAIMS);
        assertThat(refusal(rsa().subject("").sign())).isEqualTo(Reason.INVALID_CLAIMS);
        assertThat(refusal(rsa().without("iss").sign())).isEqualTo(Reason.UNTRUSTED_ISSUER);
        assertThat(refusal(rsa().without("aud").sign())).isEqualTo(Reason.WRONG_AUDIENCE);
    }

    @Test
    void validateWhenClaimOfWrongTypeThenRefused() {
        assertThat(refusal(rsa().claim("exp", "tomorrow").sign())).isEqualTo(Reason.INVALID_CLAIMS);
        assertThat(refusal(rsa().claim("iat", true).sign())).isEqualTo(Reason.INVALID_CLAIMS);
        assertThat(refusal(rsa().claim("nbf", "now").sign())).isEqualTo(Reason.INVALID_CLAIMS);
        assertThat(refusal(rsa().claim("sub", 42).sign())).isEqualTo(Reason.INVALID_CLAIMS);
        assertThat(refusal(rsa().claim("iss", List.of(Tokens.ISSUER)).sign())).isEqualTo(Reason.UNTRUSTED_ISSUER);
        assertThat(refusal(rsa().claim("aud", 1).sign())).isEqualTo(Reason.WRONG_AUDIENCE);
        assertThat(refusal(rsa().claim("aud", List.of(Tokens.AUDIENCE, 1)).sign())).isEqualTo(Reason.WRONG_AUDIENCE);
        assertThat(refusal(rsa().claim("jti", 5).sign())).isEqualTo(Reason.INVALID_CLAIMS);
        assertThat(refusal(rsa().header("kid", 5).sign())).isEqualTo(Reason.MALFORMED_TOKEN);
    }

    @Test
    void validateWhenIssuerNotConfiguredThenUntrusted() {
        assertThat(refusal(rsa().issuer("https://other.test").sign())).isEqualTo(Reason.UNTRUSTED_ISSUER);
        assertThat(refusal(rsa().issuer(Tokens.ISSUER + "/").sign())).isEqualTo(Reason.UNTRUSTED_ISSUER);
    }

    @Test
    void validateWhenAudienceDoesNotNameUsThenWrongAudience() {
        assertThat(refusal(rsa().audience("other-api").sign())).isEqualTo(Reason.WRONG_AUDIENCE);
        assertThat(refusal(rsa().audience("other-api", "third").sign())).isEqualTo(Reason.WRONG_AUDIENCE);
        assertThat(refusal(rsa().claim("aud", List.of()).sign())).isEqualTo(Reason.WRONG_AUDIENCE);
    }

    @Test
    void validateWhenAudienceArrayContainsUsThenVerified() throws PortcullisException {
        assertThat(validator.validate(rsa().audience("other-api", Tokens.AUDIENCE).sign()).subject())
                .isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void validateWhenExpiredBeyondSkewThenExpired() {
        String token = rsa().issuedAt(T0.minusSeconds(600)).expiresAt(T0.minusSeconds(31)).sign();
        assertThat(refusal(token)).isEqualTo(Reason.EXPIRED);
        assertThat(refusal(rsa().issuedAt(T0.minusSeconds(600)).expiresAt(T0.minusSeconds(30)).sign()))
                .isEqualTo(Reason.EXPIRED);
    }

    @Test
    void validateWhenExpiredWithinSkewThenVerified() throws PortcullisException {
        String token = rsa().issuedAt(T0.minusSeconds(600)).expiresAt(T0.minusSeconds(29)).sign();
        assertThat(validator.validate(token).subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void validateWhenClockMovesPastExpiryThenExpired() throws PortcullisException {
        String token = rsa().sign();
        assertThat(validator.validate(token).subject()).isEqualTo(Tokens.SUBJECT);
        clock.advance(Duration.ofMinutes(10).plusSeconds(30));
        assertThat(refusal(token)).isEqualTo(Reason.EXPIRED);
    }

    @Test
    void validateWhenSkewConfiguredThenItIsHonoured() throws PortcullisException {
        TokenValidator strict = TokenValidator.builder().clock(clock).clockSkew(Duration.ZERO).issuer(issuer().build()).build();
        TokenValidator lax = TokenValidator.builder().clock(clock).clockSkew(Duration.ofMinutes(5)).issuer(issuer().build()).build();
        String token = rsa().issuedAt(T0.minusSeconds(600)).expiresAt(T0.minusSeconds(10)).sign();
        assertThat(refusal(strict, token)).isEqualTo(Reason.EXPIRED);
        assertThat(lax.validate(token).subject()).isEqualTo(Tokens.SUBJECT);
        String future = rsa().notBefore(T0.plusSeconds(200)).sign();
        assertThat(refusal(strict, future)).isEqualTo(Reason.NOT_YET_VALID);
        assertThat(lax.validate(future).subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void validateWhenNotBeforeInTheFutureBeyondSkewThenNotYetValid() {
        assertThat(refusal(rsa().notBefore(T0.plusSeconds(31)).sign())).isEqualTo(Reason.NOT_YET_VALID);
    }

    @Test
    void validateWhenNotBeforeWithinSkewOrPastThenVerified() throws PortcullisException {
        assertThat(validator.validate(rsa().notBefore(T0.plusSeconds(30)).sign()).subject()).isEqualTo(Tokens.SUBJECT);
        assertThat(validator.validate(rsa().notBefore(T0.minusSeconds(30)).sign()).subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void validateWhenIssuedInTheFutureThenNotYetValid() {
        String token = rsa().issuedAt(T0.plusSeconds(120)).expiresAt(T0.plusSeconds(600)).sign();
        assertThat(refusal(token)).isEqualTo(Reason.NOT_YET_VALID);
    }

    @Test
    void validateWhenIssuedSlightlyInTheFutureWithinSkewThenVerified() throws PortcullisException {
        String token = rsa().issuedAt(T0.plusSeconds(20)).expiresAt(T0.plusSeconds(600)).sign();
        assertThat(validator.validate(token).subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void validateWhenLifetimeExceedsMaximumThenRefused() {
        String token = rsa().issuedAt(T0).expiresAt(T0.plus(Duration.ofHours(1)).plusSeconds(1)).sign();
        assertThat(refusal(token)).isEqualTo(Reason.LIFETIME_TOO_LONG);
    }

    @Test
    void validateWhenLifetimeExactlyMaximumThenVerified() throws PortcullisException {
        String token = rsa().issuedAt(T0).expiresAt(T0.plus(Duration.ofHours(1))).sign();
        assertThat(validator.validate(token).subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void validateWhenMaxLifetimeConfiguredThenItIsHonoured() throws PortcullisException {
        TokenValidator day = TokenValidator.builder().clock(clock).maxLifetime(Duration.ofHours(24)).issuer(issuer().build()).build();
        String token = rsa().issuedAt(T0).expiresAt(T0.plus(Duration.ofHours(8))).sign();
        assertThat(day.validate(token).subject()).isEqualTo(Tokens.SUBJECT);
        assertThat(refusal(token)).isEqualTo(Reason.LIFETIME_TOO_LONG);
    }

    @Test
    void validateWhenNoIatAndExpFarAwayThenLifetimeTooLong() {
        assertThat(refusal(rsa().without("iat").expiresAt(T0.plus(Duration.ofHours(2))).sign()))
                .isEqualTo(Reason.LIFETIME_TOO_LONG);
    }

    @Test
    void validateWhenNoIatAndExpWithinMaximumThenVerified() throws PortcullisException {
        VerifiedToken t = validator.validate(rsa().without("iat").expiresAt(T0.plus(Duration.ofMinutes(50))).sign());
        assertThat(t.issuedAt()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e300", "1.7976931348623157E308", "9223372036854775807", "9223372036854775808",
            "99999999999999999999999999999"})
    void validateWhenExpIsAbsurdlyLargeThenLifetimeTooLong(String exp) {
        String payload = "{\"iss\":\"" + Tokens.ISSUER + "\",\"aud\":\"api\",\"sub\":\"alice\",\"iat\":"
                + T0.getEpochSecond() + ",\"exp\":" + exp + "}";
        assertThat(refusal(rsa().rawHeader("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}").rawPayload(payload).sign()))
                .isEqualTo(Reason.LIFETIME_TOO_LONG);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-9223372036854775808", "-1e300", "-99999999999999999999999999999"})
    void validateWhenIatIsAbsurdlySmallAndExpHugeThenRefused(String iat) {
        // exp - iat must not overflow into a small (or negative) lifetime
        String payload = "{\"iss\":\"" + Tokens.ISSUER + "\",\"aud\":\"api\",\"sub\":\"alice\",\"iat\":" + iat
                + ",\"exp\":9223372036854775807}";
        assertThat(refusal(rsa().rawHeader("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}").rawPayload(payload).sign()))
                .isEqualTo(Reason.LIFETIME_TOO_LONG);
    }

    @Test
    void validateWhenFractionalNumericDatesThenVerified() throws PortcullisException {
        String payload = "{\"iss\":\"" + Tokens.ISSUER + "\",\"aud\":\"api\",\"sub\":\"alice\",\"iat\":"
                + T0.getEpochSecond() + ".5,\"exp\":" + (T0.getEpochSecond() + 600) + ".25}";
        String token = rsa().rawHeader("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}").rawPayload(payload).sign();
        assertThat(validator.validate(token).expiresAt()).isEqualTo(T0.plusSeconds(600));
    }

    @Test
    void validateWhenPayloadIsNotJsonThenMalformed() {
        assertThat(refusal(rsa().rawHeader("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}").rawPayload("not json").sign()))
                .isEqualTo(Reason.MALFORMED_TOKEN);
        assertThat(refusal(rsa().rawHeader("not json").sign())).isEqualTo(Reason.MALFORMED_TOKEN);
        assertThat(refusal(rsa().rawHeader("{\"alg\":7}").sign())).isEqualTo(Reason.MALFORMED_TOKEN);
        assertThat(refusal("YWJj.ZGVm.Z2hp")).isEqualTo(Reason.MALFORMED_TOKEN);
    }

    @Test
    void validateWhenDuplicateMembersThenRefused() {
        String header = "{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}";
        String payload = "{\"iss\":\"" + Tokens.ISSUER + "\",\"aud\":\"api\",\"sub\":\"alice\",\"iat\":"
                + T0.getEpochSecond() + ",\"exp\":" + (T0.getEpochSecond() + 600);
        assertThat(refusal(rsa().rawHeader(header).rawPayload(payload + ",\"sub\":\"admin\"}").sign()))
                .isEqualTo(Reason.MALFORMED_TOKEN);
        assertThat(refusal(rsa().rawHeader("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"alg\":\"none\"}")
                .rawPayload(payload + "}").sign())).isEqualTo(Reason.MALFORMED_TOKEN);
    }

    @Test
    void validateWhenRawTokenWellFormedThenVerified() throws PortcullisException {
        String payload = "{\"iss\":\"" + Tokens.ISSUER + "\",\"aud\":\"api\",\"sub\":\"alice\",\"iat\":"
                + T0.getEpochSecond() + ",\"exp\":" + (T0.getEpochSecond() + 600) + "}";
        assertThat(validator.validate(rsa().rawHeader("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}").rawPayload(payload).sign())
                .subject()).isEqualTo(Tokens.SUBJECT);
    }

    @Test
    void validateWhenJweThenRefusedWithoutDecryption() throws Exception {
        JsonWebEncryption jwe = new JsonWebEncryption();
        jwe.setAlgorithmHeaderValue(KeyManagementAlgorithmIdentifiers.RSA_OAEP_256);
        jwe.setEncryptionMethodHeaderParameter(ContentEncryptionAlgorithmIdentifiers.AES_128_CBC_HMAC_SHA_256);
        jwe.setKey(TestKeys.rsa().getPublicKey());
        jwe.setPayload(rsa().sign());
        String token = jwe.getCompactSerialization();
        assertThat(refusal(token)).isIn(Reason.ENCRYPTED_TOKEN, Reason.MALFORMED_TOKEN, Reason.FORBIDDEN_HEADER);
        PortcullisException e = catchThrowableOfType(PortcullisException.class,
                () -> BearerTokenExtractor.builder().build().extract(List.of("Bearer " + token), List.of()));
        assertThat(e.reason()).isEqualTo(Reason.ENCRYPTED_TOKEN);
    }

    @Test
    void validateWhenSeveralIssuersThenEachUsesItsOwnAudienceAndKeys() throws Exception {
        Path ecFile = dir.resolve("b.json");
        Files.writeString(ecFile, TestKeys.jwks(TestKeys.ec()));
        TokenValidator two = validator(
                IssuerConfig.builder("https://a.test").audiences("api-a").jwksFile(jwksFile).build(),
                IssuerConfig.builder("https://b.test").audiences("api-b").jwksFile(ecFile).build());
        assertThat(two.issuers()).containsExactlyInAnyOrder("https://a.test", "https://b.test");
        assertThat(two.validate(rsa().issuer("https://a.test").audience("api-a").sign()).issuer()).isEqualTo("https://a.test");
        assertThat(two.validate(Tokens.signedWith(TestKeys.ec()).at(T0).issuer("https://b.test").audience("api-b").sign())
                .issuer()).isEqualTo("https://b.test");
        assertThat(refusal(two, rsa().issuer("https://a.test").audience("api-b").sign())).isEqualTo(Reason.WRONG_AUDIENCE);
        // a token claiming issuer B but signed with a key only A trusts
        assertThat(refusal(two, rsa().issuer("https://b.test").audience("api-b").sign())).isEqualTo(Reason.UNKNOWN_KEY);
        assertThat(two.keyFetchCount("https://a.test")).isZero();
    }

    @Test
    void validateWhenPemKeyFileThenVerified() throws Exception {
        Path pem = dir.resolve("keys.pem");
        Files.writeString(pem, TestKeys.pem(TestKeys.rsa()) + TestKeys.pem(TestKeys.ec()) + TestKeys.pem(TestKeys.ed25519()));
        TokenValidator v = validator(IssuerConfig.builder(Tokens.ISSUER).audiences(Tokens.AUDIENCE).publicKeyFile(pem).build());
        for (Map.Entry<String, PublicJsonWebKey> alg : Tokens.allDefaultAlgorithms()) {
            String token = Tokens.signedWith(alg.getValue()).alg(alg.getKey()).at(T0).sign();
            assertThat(v.validate(token).algorithm()).isEqualTo(alg.getKey());
        }
        assertThat(refusal(v, Tokens.signedWith(TestKeys.otherRsa()).at(T0).sign()))
                .isIn(Reason.BAD_SIGNATURE, Reason.UNKNOWN_KEY);
    }

    @Test
    void builderWhenKeyFileUnreadableThenRefused() throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "not a jwks");
        assertThatThrownBy(() -> validator(IssuerConfig.builder(Tokens.ISSUER).audiences("api").jwksFile(bad).build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("bad.json");
        Path badPem = dir.resolve("bad.pem");
        Files.writeString(badPem, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> validator(IssuerConfig.builder(Tokens.ISSUER).audiences("api").publicKeyFile(badPem).build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("bad.pem");
    }

    @Test
    void builderWhenSettingsOutOfRangeThenRefusedWithTheValue() {
        assertThatThrownBy(() -> TokenValidator.builder().clockSkew(Duration.ofMinutes(6)))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("portcullis.clock-skew: clock skew").hasMessageContaining("PT6M");
        assertThatThrownBy(() -> TokenValidator.builder().clockSkew(Duration.ofSeconds(-1)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("clock skew");
        assertThatThrownBy(() -> TokenValidator.builder().maxLifetime(Duration.ofDays(2)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("lifetime");
        assertThatThrownBy(() -> TokenValidator.builder().jwksRefreshInterval(Duration.ZERO))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("refresh interval");
        assertThatThrownBy(() -> TokenValidator.builder().httpTimeout(Duration.ofMillis(10)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> TokenValidator.builder().maxJwksBytes(10))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("JWKS bytes");
        assertThatThrownBy(() -> TokenValidator.builder().build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("issuer");
        assertThatThrownBy(() -> TokenValidator.builder().issuer(issuer().build()).issuer(issuer().build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("twice");
        assertThat(TokenValidator.builder().clockSkew(Duration.ofMinutes(5)).maxLifetime(Duration.ofHours(24))
                .issuer(issuer().build()).build().issuers()).containsExactly(Tokens.ISSUER);
    }
}
