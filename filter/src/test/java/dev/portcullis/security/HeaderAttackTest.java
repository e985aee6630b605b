package dev.portcullis.security;

import dev.portcullis.Reason;
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

import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.Function;

import static dev.portcullis.security.AttackSupport.assertNotEchoed;
import static dev.portcullis.security.AttackSupport.assertRefused;
import static dev.portcullis.security.AttackSupport.getWithAuthorization;
import static dev.portcullis.security.AttackSupport.prompt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks on how the token is carried: repeated {@code Authorization} headers (on the wire, in
 * both orders), tokens in the query and the header, other schemes, broken separators, several
 * tokens, and oversized tokens below and above the container's header limit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeaderAttackTest {
    private JwksServer idp;
    private FilterServer app;

    @BeforeAll
    void start() throws Exception {
        idp = JwksServer.serving(TestKeys.rsa(), TestKeys.ec(), TestKeys.ed25519());
        app = FilterServer.builder().trusting(idp).start();
        AttackSupport.warmUp(app);
    }

    @AfterAll
    void stop() {
        app.close();
        idp.close();
    }

    private static String token() {
        return Tokens.signedWith(TestKeys.rsa()).sign();
    }

    private String raw(String... headerLines) {
        StringBuilder req = new StringBuilder("GET /x HTTP/1.1\r\nHost: localhost\r\n");
        for (String h : headerLines) {
            req.append(h).append("\r\n");
        }
        req.append("Connection: close\r\n\r\n");
        return prompt(() -> app.raw(req.toString()));
    }

    /** One named request shape: the Authorization value built from a valid token. */
    record Shape(String name, Function<String, String> authorization, Reason reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Shape> shapes() {
        return List.of(
                new Shape("Basic credentials", t -> "Basic dXNlcjpwYXNz", Reason.MISSING_TOKEN),
                new Shape("Digest credentials", t -> "Digest username=\"alice\"", Reason.MISSING_TOKEN),
                new Shape("other scheme carrying the token", t -> "Token " + t, Reason.MISSING_TOKEN),
                new Shape("Bearer:x", t -> "Bearer:" + t, Reason.INVALID_REQUEST),
                new Shape("tab separator", t -> "Bearer\t" + t, Reason.INVALID_REQUEST),
                new Shape("no separator", t -> "Bearer" + t, Reason.INVALID_REQUEST),
                new Shape("two spaces", t -> "Bearer  " + t, Reason.INVALID_REQUEST),
                new Shape("scheme alone", t -> "Bearer", Reason.INVALID_REQUEST),
                new Shape("two tokens, space", t -> "Bearer " + t + " " + t, Reason.INVALID_REQUEST),
                new Shape("two tokens, comma", t -> "Bearer " + t + "," + t, Reason.INVALID_REQUEST),
                new Shape("two Bearer credentials in one header", t -> "Bearer " + t + ", Bearer " + t,
                        Reason.INVALID_REQUEST),
                new Shape("token then Basic in one header", t -> "Bearer " + t + ", Basic dXNlcjpwYXNz",
                        Reason.INVALID_REQUEST),
                new Shape("quoted token", t -> "Bearer \"" + t + "\"", Reason.MALFORMED_TOKEN),
                new Shape("token=value form", t -> "Bearer token=" + t, Reason.MALFORMED_TOKEN),
                new Shape("oversized token below the container limit", t -> "Bearer " + t + "A".repeat(5_000 - t.length()),
                        Reason.TOKEN_TOO_LARGE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void requestWhenAuthorizationHeaderIsMisshapenThenRefused(Shape s) {
        String t = token();
        int before = app.invocations();
        HttpResponse<String> r = getWithAuthorization(app, "/x", s.authorization().apply(t));
        assertRefused(app, before, r, s.reason(), t);
    }

    @Test
    void requestWhenLowerOrUpperCaseSchemeThenAccepted() {
        assertThat(getWithAuthorization(app, "/x", "bearer " + token()).statusCode()).isEqualTo(200);
        assertThat(getWithAuthorization(app, "/x", "BEARER " + token()).statusCode()).isEqualTo(200);
        assertThat(raw("authorization: Bearer " + token())).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void requestWhenTwoAuthorizationHeadersInEitherOrderThen400() {
        String t = token();
        List<List<String>> orders = List.of(
                List.of("Authorization: Bearer " + t, "Authorization: Basic dXNlcjpwYXNz"),
                List.of("Authorization: Basic dXNlcjpwYXNz", "Authorization: Bearer " + t),
                List.of("Authorization: Bearer " + t, "Authorization: Bearer " + token()),
                List.of("Authorization: Bearer " + t, "authorization: Bearer " + t),
                List.of("Authorization: Bearer " + t, "Authorization: "));
        for (List<String> lines : orders) {
            int before = app.invocations();
            String response = raw(lines.toArray(new String[0]));
            assertThat(response).as(lines.toString()).startsWith("HTTP/1.1 400 ")
                    .contains("error=\"invalid_request\"").contains("application/problem+json")
                    .contains("\"reason\":\"invalid_request\"");
            assertThat(app.invocations()).isEqualTo(before);
            assertNotEchoed(response, t);
        }
        assertThat(raw("Authorization: Bearer " + t)).as("positive twin").startsWith("HTTP/1.1 200 ");
    }

    @Test
    void requestWhenTokenInQueryAndHeaderThen400() {
        String t = token();
        int before = app.invocations();
        HttpResponse<String> r = prompt(() -> app.get("/x?access_token=" + t, "Authorization", "Bearer " + t));
        assertRefused(app, before, r, Reason.INVALID_REQUEST, t);
        r = prompt(() -> app.get("/x?access_token=" + t));
        assertRefused(app, before, r, Reason.INVALID_REQUEST, t);
        r = prompt(() -> app.get("/x?a=1&access_token=" + t + "&access_token=" + t));
        assertRefused(app, before, r, Reason.INVALID_REQUEST, t);
        assertThat(prompt(() -> app.get("/x?other=1", "Authorization", "Bearer " + t)).statusCode()).isEqualTo(200);
    }

    @Test
    void requestWhenTokenAboveContainerHeaderLimitThenContainerRefusesAndResourceNeverRuns() {
        String t = token();
        String huge = t + "A".repeat(9_000);
        int before = app.invocations();
        HttpResponse<String> r = getWithAuthorization(app, "/x", "Bearer " + huge);
        assertThat(r.statusCode()).isIn(400, 413, 431);
        assertThat(app.invocations()).isEqualTo(before);
        assertNotEchoed(r, huge);
        String response = raw("Authorization: Bearer " + huge);
        assertThat(response).matches("(?s)HTTP/1.1 4(00|13|31) .*");
        assertThat(app.invocations()).isEqualTo(before);
    }

    @Test
    void requestWhenHttp10OrHeaderWithSurroundingSpacesThenSameRules() {
        String t = token();
        int before = app.invocations();
        String response = prompt(() -> app.raw("GET /x HTTP/1.0\r\nAuthorization: Bearer " + t + " " + t + "\r\n\r\n"));
        assertThat(response).startsWith("HTTP/1.1 400 ");
        assertThat(app.invocations()).isEqualTo(before);
        assertThat(raw("Authorization:    Bearer " + t + "   ")).as("optional whitespace around the value")
                .startsWith("HTTP/1.1 200 ");
    }
}
