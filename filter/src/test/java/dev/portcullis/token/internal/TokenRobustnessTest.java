package dev.portcullis.token.internal;

import dev.portcullis.PortcullisException;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a client sends, extraction and validation end in a verified token or a
 * {@link PortcullisException}: never another exception (which the filter would turn into a 500).
 */
class TokenRobustnessTest {
    private static final BearerTokenExtractor EXTRACTOR = BearerTokenExtractor.builder().build();
    private static final TokenValidator VALIDATOR = validator();

    private static TokenValidator validator() {
        try {
            Path jwks = Files.createTempFile("robustness", ".json");
            jwks.toFile().deleteOnExit();
            Files.writeString(jwks, TestKeys.jwks(TestKeys.rsa(), TestKeys.ec(), TestKeys.ed25519()));
            return TokenValidator.builder()
                    .issuer(IssuerConfig.builder(Tokens.ISSUER).audiences(Tokens.AUDIENCE).jwksFile(jwks).build())
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the whole token path; returns normally for a success or a refusal. */
    private static void authenticate(String authorization) {
        try {
            String token = EXTRACTOR.extract(List.of(authorization), List.of());
            if (token != null) {
                VALIDATOR.validate(token);
            }
        } catch (PortcullisException e) {
            assertThat(e.reason()).isNotNull();
            assertThat(e.getMessage()).doesNotStartWith("malformed token: ");
        }
    }

    @Property(tries = 500)
    void authenticateWhenAnyHeaderTextThenRefusalNeverCrash(@ForAll String header) {
        authenticate(header);
        authenticate("Bearer " + header);
    }

    @Property(tries = 500)
    void authenticateWhenAnyBase64UrlSegmentsThenRefusalNeverCrash(
            @ForAll("segments") String a, @ForAll("segments") String b, @ForAll("segments") String c) {
        authenticate("Bearer " + a + "." + b + "." + c);
    }

    @Example
    void authenticateWhenThumbprintHeaderIsANumberThenRefusedByTheRulesNotByACrash() {
        // found by the property below (seed 242248978273668128): key selection cast x5t to a String
        authenticate("Bearer " + Tokens.signedWith(TestKeys.rsa()).rawHeader("{\"alg\":\"RS256\",\"x5t\":1}")
                .rawPayload("{\"iss\":\"" + Tokens.ISSUER + "\"}").sign());
        authenticate("Bearer " + Tokens.signedWith(TestKeys.rsa()).rawHeader("{\"alg\":\"RS256\",\"x5t#S256\":[1]}")
                .rawPayload("{\"iss\":\"" + Tokens.ISSUER + "\"}").sign());
    }

    @Property(tries = 300)
    void authenticateWhenSignedTokenWithOddHeaderAndClaimsThenRefusalNeverCrash(
            @ForAll("headers") String header, @ForAll("payloads") String payload) {
        authenticate("Bearer " + Tokens.signedWith(TestKeys.rsa()).rawHeader(header).rawPayload(payload).sign());
    }

    @Provide
    Arbitrary<String> segments() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
                        .ofMinLength(1).ofMaxLength(60),
                json().map(Tokens::b64));
    }

    @Provide
    Arbitrary<String> headers() {
        Arbitrary<String> alg = Arbitraries.of("\"RS256\"", "\"ES256\"", "\"EdDSA\"", "\"none\"", "\"HS256\"", "7",
                "null", "[\"RS256\"]", "{}", "\"\"");
        Arbitrary<String> extra = Arbitraries.of("", ",\"kid\":\"rsa-1\"", ",\"kid\":5", ",\"kid\":null",
                ",\"typ\":[1]", ",\"typ\":\"at+jwt\"", ",\"crit\":[\"exp\"]", ",\"crit\":null", ",\"jwk\":{}",
                ",\"b64\":false", ",\"zip\":\"DEF\"", ",\"x5t\":1", ",\"kid\":\"" + "k".repeat(300) + "\"");
        return Combinators.combine(alg, extra).as((a, e) -> "{\"alg\":" + a + e + "}");
    }

    @Provide
    Arbitrary<String> payloads() {
        Arbitrary<String> value = Arbitraries.of("\"" + Tokens.ISSUER + "\"", "\"api\"", "1", "-1", "1e300", "-1e300",
                "9223372036854775807", "-9223372036854775808", "99999999999999999999999", "1.5", "true", "null",
                "[]", "[\"api\",1]", "{}", "{\"a\":{\"b\":[1,{}]}}", "\"\"", "NaN");
        Arbitrary<String> name = Arbitraries.of("iss", "aud", "sub", "exp", "iat", "nbf", "jti", "x");
        Arbitrary<String> member = Combinators.combine(name, value).as((n, v) -> "\"" + n + "\":" + v);
        return member.list().ofMaxSize(8).map(m -> "{" + String.join(",", m) + "}");
    }

    private static Arbitrary<String> json() {
        return Arbitraries.of("{}", "[]", "null", "{\"alg\":\"RS256\"}", "{\"alg\":\"none\"}", "\"x\"", "{", "{\"a\":}",
                "{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", "{\"iss\":\"" + Tokens.ISSUER + "\",\"exp\":1}");
    }
}
