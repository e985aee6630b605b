package dev.portcullis.security;

import dev.portcullis.Reason;
import dev.portcullis.security.AttackSupport.Case;
import dev.portcullis.testing.FilterServer;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.util.List;
import java.util.Map;

import static dev.portcullis.security.AttackSupport.assertNotEchoed;
import static dev.portcullis.security.AttackSupport.assertRefused;
import static dev.portcullis.security.AttackSupport.b64;
import static dev.portcullis.security.AttackSupport.getWithAuthorization;
import static dev.portcullis.security.AttackSupport.prompt;
import static dev.portcullis.security.AttackSupport.segments;
import static dev.portcullis.security.AttackSupport.signed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks on the token's syntax and its JSON, through the real filter over HTTP: what is not a
 * strict compact JWS (three base64url segments, no padding, no whitespace, no JSON serialization,
 * no JWE) and what is not a well-formed JSON object is refused before any key is used.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenFormatAttackTest {
    private static final Key RSA = TestKeys.rsa().getPrivateKey();
    private JwksServer idp;
    private FilterServer app;
    /** Allows long tokens so that deep nesting reaches the JSON parser instead of the size gate. */
    private FilterServer roomy;

    @BeforeAll
    void start() throws Exception {
        idp = JwksServer.serving(TestKeys.rsa(), TestKeys.ec(), TestKeys.ed25519());
        app = FilterServer.builder().trusting(idp).start();
        AttackSupport.warmUp(app);
        roomy = FilterServer.builder().trusting(idp).param("portcullis.max-token-bytes", "7900")
                .param("portcullis.max-header-bytes", "5800").start();
    }

    @AfterAll
    void stop() {
        roomy.close();
        app.close();
        idp.close();
    }

    private static String valid() {
        return Tokens.signedWith(TestKeys.rsa()).sign();
    }

    private static String header() {
        return b64("{\"alg\":\"RS256\",\"kid\":\"" + TestKeys.RSA_KID + "\"}");
    }

    private static String payload() {
        return segments(valid())[1];
    }

    static List<Case> formats() {
        String t = valid();
        String[] s = segments(t);
        String stdHeader = java.util.Base64.getEncoder().encodeToString(
                "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"x\":\"~~~???>>>\"}".getBytes(StandardCharsets.UTF_8));
        return List.of(
                new Case("empty credentials", "Bearer ", Reason.INVALID_REQUEST),
                new Case("single dot", "Bearer .", Reason.MALFORMED_TOKEN),
                new Case("two dots", "Bearer ..", Reason.MALFORMED_TOKEN),
                new Case("two segments", "Bearer " + s[0] + "." + s[1], Reason.MALFORMED_TOKEN),
                new Case("trailing dot, empty signature", "Bearer " + s[0] + "." + s[1] + ".", Reason.MALFORMED_TOKEN),
                new Case("four segments", "Bearer " + t + "." + s[2], Reason.MALFORMED_TOKEN),
                new Case("six segments", "Bearer " + t + "." + t, Reason.MALFORMED_TOKEN),
                new Case("standard base64 header (+ /), re-signed",
                        "Bearer " + signed("RS256", RSA, stdHeader.replace("=", ""), s[1]), Reason.MALFORMED_TOKEN),
                new Case("plus in payload, re-signed", "Bearer " + signed("RS256", RSA, s[0], s[1] + "+A"),
                        Reason.MALFORMED_TOKEN),
                new Case("tilde in payload, re-signed", "Bearer " + signed("RS256", RSA, s[0], "~" + s[1]),
                        Reason.MALFORMED_TOKEN),
                new Case("percent-encoded dot", "Bearer " + s[0] + "%2E" + s[1] + "." + s[2], Reason.MALFORMED_TOKEN),
                new Case("padding on header, re-signed", "Bearer " + signed("RS256", RSA, s[0] + "==", s[1]),
                        Reason.MALFORMED_TOKEN),
                new Case("padding on signature", "Bearer " + t + "==", Reason.MALFORMED_TOKEN),
                new Case("padding on payload, re-signed", "Bearer " + signed("RS256", RSA, s[0], s[1] + "="),
                        Reason.MALFORMED_TOKEN),
                new Case("space inside", "Bearer " + s[0] + ". " + s[1] + "." + s[2], Reason.INVALID_REQUEST),
                new Case("tab inside", "Bearer " + s[0] + "\t." + s[1] + "." + s[2], Reason.INVALID_REQUEST),
                new Case("JSON flattened serialization", "Bearer {\"protected\":\"" + s[0] + "\",\"payload\":\""
                        + s[1] + "\",\"signature\":\"" + s[2] + "\"}", Reason.INVALID_REQUEST),
                new Case("JSON flattened serialization, one member", "Bearer {\"payload\":\"" + s[1] + "\"}",
                        Reason.MALFORMED_TOKEN),
                new Case("JSON general serialization", "Bearer {\"payload\":\"" + s[1] + "\",\"signatures\":[{"
                        + "\"protected\":\"" + s[0] + "\",\"signature\":\"" + s[2] + "\"}]}", Reason.INVALID_REQUEST),
                new Case("JSON serialization, base64url as one segment", "Bearer " + b64("{\"payload\":\"" + s[1]
                        + "\",\"signatures\":[{\"protected\":\"" + s[0] + "\",\"signature\":\"" + s[2] + "\"}]}"),
                        Reason.MALFORMED_TOKEN),
                new Case("JWE (5 segments) in place of JWS", "Bearer " + b64("{\"alg\":\"RSA-OAEP\",\"enc\":\"A128GCM\"}")
                        + ".AAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA", Reason.ENCRYPTED_TOKEN),
                new Case("JWE dir with empty key segment", "Bearer " + b64("{\"alg\":\"dir\",\"enc\":\"A128GCM\"}")
                        + "..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA", Reason.ENCRYPTED_TOKEN),
                new Case("unicode letters", "Bearer " + s[0] + "é." + s[1] + "." + s[2], Reason.MALFORMED_TOKEN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void requestWhenTokenIsNotStrictCompactJwsThenRefused(Case c) {
        int before = app.invocations();
        HttpResponse<String> r = getWithAuthorization(app, "/x", c.value());
        assertRefused(app, before, r, c.reason(), c.value().substring(7));
    }

    @Test
    void requestWhenNewlineFoldedIntoTokenThenContainerOrFilterRefusesAndResourceNeverRuns() {
        String[] s = segments(valid());
        int before = app.invocations();
        String response = prompt(() -> app.raw("GET /x HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + s[0]
                + ".\r\n " + s[1] + "." + s[2] + "\r\nConnection: close\r\n\r\n"));
        assertThat(response).matches("(?s)HTTP/1.1 40[01] .*");
        assertThat(app.invocations()).isEqualTo(before);
        assertNotEchoed(response, s[1]);
    }

    @Test
    void requestWhenStrictCompactJwsOfEachAlgorithmThenAccepted() {
        for (Map.Entry<String, org.jose4j.jwk.PublicJsonWebKey> alg : Tokens.allDefaultAlgorithms()) {
            String t = Tokens.signedWith(alg.getValue()).alg(alg.getKey()).sign();
            assertThat(getWithAuthorization(app, "/x", "Bearer " + t).statusCode()).as(alg.getKey()).isEqualTo(200);
        }
        assertThat(getWithAuthorization(app, "/x", "bearer " + valid()).statusCode()).isEqualTo(200);
        assertThat(getWithAuthorization(app, "/x", "Bearer " + signed("RS256", RSA, header(), payload()))
                .statusCode()).as("a hand-made compact JWS").isEqualTo(200);
    }

    // ---------------------------------------------------------------- JSON

    private static String nested(int depth, String leaf) {
        return "[".repeat(depth) + leaf + "]".repeat(depth);
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static List<Case> jsonAttacks() {
        String p = payload();
        String h = header();
        String claims = new String(AttackSupport.unb64(p), StandardCharsets.UTF_8);
        String claimsBody = claims.substring(1, claims.length() - 1);
        byte[] badUtf8 = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE};
        return List.of(
                new Case("header is an array", signed("RS256", RSA, b64("[{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}]"), p),
                        Reason.MALFORMED_TOKEN),
                new Case("header is a string", signed("RS256", RSA, b64("\"RS256\""), p), Reason.MALFORMED_TOKEN),
                new Case("header is a number", signed("RS256", RSA, b64("256"), p), Reason.MALFORMED_TOKEN),
                new Case("header is null", signed("RS256", RSA, b64("null"), p), Reason.MALFORMED_TOKEN),
                new Case("header is not JSON", signed("RS256", RSA, b64("alg=RS256"), p), Reason.MALFORMED_TOKEN),
                new Case("header with trailing garbage", signed("RS256", RSA,
                        b64("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}xyz"), p), Reason.MALFORMED_TOKEN),
                new Case("header with a second object", signed("RS256", RSA,
                        b64("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}{\"alg\":\"none\"}"), p), Reason.MALFORMED_TOKEN),
                new Case("payload with trailing garbage", signed("RS256", RSA, h, b64(claims + "]")),
                        Reason.MALFORMED_TOKEN),
                new Case("payload is an array", signed("RS256", RSA, h, b64("[" + claims + "]")),
                        Reason.MALFORMED_TOKEN),
                new Case("payload is not JSON", signed("RS256", RSA, h, b64("sub=alice")), Reason.MALFORMED_TOKEN),
                new Case("invalid UTF-8 in header", signed("RS256", RSA, b64(concat("{\"alg\":\"RS256\",\"kid\":\"rsa-1\","
                        + "\"x\":\"", badUtf8, "\"}")), p), Reason.MALFORMED_TOKEN),
                new Case("invalid UTF-8 in payload", signed("RS256", RSA, h, b64(concat("{" + claimsBody
                        + ",\"x\":\"", badUtf8, "\"}"))), Reason.MALFORMED_TOKEN),
                new Case("UTF-16 payload", signed("RS256", RSA, h, b64(claims.getBytes(StandardCharsets.UTF_16))),
                        Reason.MALFORMED_TOKEN),
                new Case("duplicate alg (none first)", signed("RS256", RSA,
                        b64("{\"alg\":\"none\",\"kid\":\"rsa-1\",\"alg\":\"RS256\"}"), p), Reason.MALFORMED_TOKEN),
                new Case("duplicate alg (none last)", signed("RS256", RSA,
                        b64("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"alg\":\"none\"}"), p), Reason.MALFORMED_TOKEN),
                new Case("duplicate sub", signed("RS256", RSA, h, b64("{" + claimsBody + ",\"sub\":\"admin\"}")),
                        Reason.MALFORMED_TOKEN),
                new Case("duplicate kid", signed("RS256", RSA,
                        b64("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"kid\":\"rsa-2\"}"), p), Reason.MALFORMED_TOKEN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jsonAttacks")
    void requestWhenJsonIsNotOneWellFormedObjectThenRefused(Case c) {
        int before = app.invocations();
        HttpResponse<String> r = getWithAuthorization(app, "/x", "Bearer " + c.value());
        assertRefused(app, before, r, c.reason(), c.value());
    }

    @Test
    void requestWhenHeaderNestedThousandsOfLevelsThenAnsweredWithoutCrashAndForgeryRefused() {
        String h = b64("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"x\":" + nested(2000, "1") + "}");
        // signed by an attacker: refused on the signature, after an iterative parse of the header
        String forged = signed("RS256", TestKeys.otherRsa().getPrivateKey(), h, payload());
        int before = roomy.invocations();
        assertRefused(roomy, before, getWithAuthorization(roomy, "/x", "Bearer " + forged), Reason.BAD_SIGNATURE, forged);
        // within the default gate the header is refused by size before any parsing
        before = app.invocations();
        assertRefused(app, before, getWithAuthorization(app, "/x", "Bearer " + forged), Reason.TOKEN_TOO_LARGE, forged);
        // positive twin: the issuer itself signed it; an unknown header member is ignored (RFC 7515 §4)
        String genuine = signed("RS256", RSA, h, payload());
        assertThat(getWithAuthorization(roomy, "/x", "Bearer " + genuine).statusCode()).isEqualTo(200);
    }

    @Test
    void requestWhenSignedPayloadNestedThousandsOfLevelsThenRefusedAsTooDeep() {
        String claims = new String(AttackSupport.unb64(payload()), StandardCharsets.UTF_8);
        String deep = "{" + claims.substring(1, claims.length() - 1) + ",\"x\":" + nested(2400, "1") + "}";
        String t = signed("RS256", RSA, header(), b64(deep));
        int before = roomy.invocations();
        assertRefused(roomy, before, getWithAuthorization(roomy, "/x", "Bearer " + t), Reason.CLAIMS_TOO_DEEP, t);
        String objects = "{" + claims.substring(1, claims.length() - 1) + ",\"x\":"
                + "{\"a\":".repeat(700) + "1" + "}".repeat(700) + "}";
        String t2 = signed("RS256", RSA, header(), b64(objects));
        assertRefused(roomy, before, getWithAuthorization(roomy, "/x", "Bearer " + t2), Reason.CLAIMS_TOO_DEEP, t2);
    }

    @Test
    void requestWhenShallowNestingWithinLimitsThenAccepted() {
        String claims = new String(AttackSupport.unb64(payload()), StandardCharsets.UTF_8);
        String shallow = "{" + claims.substring(1, claims.length() - 1) + ",\"x\":" + nested(2, "1") + "}";
        String t = signed("RS256", RSA, header(), b64(shallow));
        assertThat(getWithAuthorization(roomy, "/x", "Bearer " + t).statusCode()).isEqualTo(200);
    }
}
