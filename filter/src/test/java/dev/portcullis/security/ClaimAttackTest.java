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

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.portcullis.security.AttackSupport.assertRefused;
import static dev.portcullis.security.AttackSupport.b64;
import static dev.portcullis.security.AttackSupport.getWithAuthorization;
import static dev.portcullis.security.AttackSupport.signed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Genuinely signed tokens whose claims are wrong: time claims of the wrong type or absurd value,
 * audiences missing, empty, of the wrong type or case, wrong or missing issuer, and an ID token
 * minted for another audience. The signature is the issuer's own, so only claim checks stand.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClaimAttackTest {
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

    /** A token signed by the issuer's RSA key whose payload is {@code {<claims>}} verbatim. */
    private static String withClaims(String claims) {
        String header = b64("{\"alg\":\"RS256\",\"kid\":\"" + TestKeys.RSA_KID + "\"}");
        return signed("RS256", TestKeys.rsa().getPrivateKey(), header, b64("{" + claims + "}"));
    }

    private static String base(String... without) {
        long now = Instant.now().getEpochSecond();
        List<String> parts = new ArrayList<>();
        String[][] all = {{"iss", "\"" + Tokens.ISSUER + "\""}, {"aud", "\"" + Tokens.AUDIENCE + "\""},
                {"sub", "\"alice\""}, {"iat", Long.toString(now)}, {"exp", Long.toString(now + 600)}};
        outer:
        for (String[] c : all) {
            for (String w : without) {
                if (w.equals(c[0])) {
                    continue outer;
                }
            }
            parts.add("\"" + c[0] + "\":" + c[1]);
        }
        return String.join(",", parts);
    }

    private static Case claim(String name, String json, Reason reason) {
        return new Case(name + " = " + json, withClaims(base(name) + (base(name).isEmpty() ? "" : ",")
                + "\"" + name + "\":" + json), reason);
    }

    static List<Case> timeClaims() {
        long now = Instant.now().getEpochSecond();
        List<Case> cases = new ArrayList<>();
        cases.add(claim("exp", Long.toString(now - 3600), Reason.EXPIRED));
        cases.add(claim("exp", "\"" + (now + 600) + "\"", Reason.INVALID_CLAIMS));
        cases.add(claim("exp", "true", Reason.INVALID_CLAIMS));
        cases.add(claim("exp", "null", Reason.INVALID_CLAIMS));
        cases.add(claim("exp", "-1", Reason.EXPIRED));
        cases.add(claim("exp", "1e300", Reason.LIFETIME_TOO_LONG));
        cases.add(claim("exp", "9223372036854775808", Reason.LIFETIME_TOO_LONG));
        cases.add(claim("exp", "9223372036854775807", Reason.LIFETIME_TOO_LONG));
        cases.add(claim("exp", "[" + (now + 600) + "]", Reason.INVALID_CLAIMS));
        cases.add(new Case("exp missing", withClaims(base("exp")), Reason.INVALID_CLAIMS));
        cases.add(claim("nbf", Long.toString(now + 3600), Reason.NOT_YET_VALID));
        cases.add(claim("nbf", "\"" + now + "\"", Reason.INVALID_CLAIMS));
        cases.add(claim("nbf", "false", Reason.INVALID_CLAIMS));
        cases.add(claim("nbf", "null", Reason.INVALID_CLAIMS));
        cases.add(claim("nbf", "1e300", Reason.NOT_YET_VALID));
        cases.add(claim("nbf", "9223372036854775808", Reason.NOT_YET_VALID));
        cases.add(claim("iat", Long.toString(now + 3600), Reason.NOT_YET_VALID));
        cases.add(claim("iat", "\"" + now + "\"", Reason.INVALID_CLAIMS));
        cases.add(claim("iat", "true", Reason.INVALID_CLAIMS));
        cases.add(claim("iat", "null", Reason.INVALID_CLAIMS));
        cases.add(claim("iat", "-1", Reason.LIFETIME_TOO_LONG));
        cases.add(claim("iat", "-9223372036854775808", Reason.LIFETIME_TOO_LONG));
        cases.add(claim("iat", "1e300", Reason.NOT_YET_VALID));
        cases.add(claim("iat", "9223372036854775808", Reason.NOT_YET_VALID));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timeClaims")
    void requestWhenTimeClaimIsWrongThenRefused(Case c) {
        refused(c);
    }

    static List<Case> identityClaims() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("aud missing", withClaims(base("aud")), Reason.WRONG_AUDIENCE));
        cases.add(claim("aud", "[]", Reason.WRONG_AUDIENCE));
        cases.add(claim("aud", "\"\"", Reason.WRONG_AUDIENCE));
        cases.add(claim("aud", "null", Reason.WRONG_AUDIENCE));
        cases.add(claim("aud", "42", Reason.WRONG_AUDIENCE));
        cases.add(claim("aud", "{\"api\":true}", Reason.WRONG_AUDIENCE));
        cases.add(claim("aud", "[[\"api\"]]", Reason.WRONG_AUDIENCE));
        cases.add(claim("aud", "[\"api\", 1]", Reason.WRONG_AUDIENCE));
        cases.add(claim("aud", "\"API\"", Reason.WRONG_AUDIENCE));
        cases.add(claim("aud", "\"api \"", Reason.WRONG_AUDIENCE));
        cases.add(claim("aud", "\"api,billing\"", Reason.WRONG_AUDIENCE));
        cases.add(claim("aud", "\"https://issuer.test\"", Reason.WRONG_AUDIENCE));
        cases.add(new Case("ID token for another client (aud = client id, azp, nonce)",
                withClaims(base("aud") + ",\"aud\":\"web-client\",\"azp\":\"web-client\",\"nonce\":\"n-0S6\"," 
                        + "\"auth_time\":" + Instant.now().getEpochSecond()), Reason.WRONG_AUDIENCE));
        cases.add(new Case("iss missing", withClaims(base("iss")), Reason.UNTRUSTED_ISSUER));
        cases.add(claim("iss", "\"https://attacker.test\"", Reason.UNTRUSTED_ISSUER));
        cases.add(claim("iss", "\"HTTPS://ISSUER.TEST\"", Reason.UNTRUSTED_ISSUER));
        cases.add(claim("iss", "\"https://issuer.test/\"", Reason.UNTRUSTED_ISSUER));
        cases.add(claim("iss", "[\"https://issuer.test\"]", Reason.UNTRUSTED_ISSUER));
        cases.add(claim("iss", "null", Reason.UNTRUSTED_ISSUER));
        cases.add(new Case("sub missing", withClaims(base("sub")), Reason.INVALID_CLAIMS));
        cases.add(claim("sub", "\"\"", Reason.INVALID_CLAIMS));
        cases.add(claim("sub", "42", Reason.INVALID_CLAIMS));
        cases.add(claim("sub", "[\"alice\"]", Reason.INVALID_CLAIMS));
        cases.add(claim("jti", "42", Reason.INVALID_CLAIMS));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("identityClaims")
    void requestWhenIdentityClaimIsWrongThenRefused(Case c) {
        refused(c);
    }

    private void refused(Case c) {
        int before = app.invocations();
        HttpResponse<String> r = getWithAuthorization(app, "/x", "Bearer " + c.value());
        assertRefused(app, before, r, c.reason(), c.value());
    }

    @Test
    void requestWhenClaimsAreRightThenAccepted() {
        long now = Instant.now().getEpochSecond();
        assertThat(getWithAuthorization(app, "/x", "Bearer " + withClaims(base())).statusCode()).isEqualTo(200);
        assertThat(getWithAuthorization(app, "/x", "Bearer " + withClaims(base("aud")
                + ",\"aud\":[\"web-client\",\"api\"]")).statusCode()).as("aud array naming us").isEqualTo(200);
        assertThat(getWithAuthorization(app, "/x", "Bearer " + withClaims(base() + ",\"nbf\":" + (now - 10)))
                .statusCode()).as("nbf in the past").isEqualTo(200);
        assertThat(getWithAuthorization(app, "/x", "Bearer " + withClaims(base("iat", "exp") + ",\"iat\":" + now
                + ".5,\"exp\":" + (now + 600) + ".25")).statusCode()).as("fractional NumericDate").isEqualTo(200);
        assertThat(getWithAuthorization(app, "/x", "Bearer " + withClaims(base("exp") + ",\"exp\":" + (now + 10)))
                .statusCode()).as("about to expire").isEqualTo(200);
    }
}
