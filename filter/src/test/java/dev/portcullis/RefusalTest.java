package dev.portcullis;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RefusalTest {
    private static Map<String, Object> json(Refusal r) throws Exception {
        return JsonUtil.parseJson(r.body());
    }

    @Test
    void ofWhenMissingTokenThenChallengeWithoutErrorCode() throws Exception {
        Refusal r = Refusal.of(new PortcullisException(Reason.MISSING_TOKEN, "no token"), "orders", null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"orders\"")
                .containsEntry("Cache-Control", "no-store").doesNotContainKey("Retry-After");
        assertThat(json(r)).containsEntry("type", "https://portcullis.dev/problems/missing_token")
                .containsEntry("reason", "missing_token").containsEntry("status", 401L)
                .containsEntry("title", "Authentication required").doesNotContainKey("decision_id");
    }

    @Test
    void ofWhenInvalidTokenThenInvalidTokenChallengeWithGenericDescription() throws Exception {
        Refusal r = Refusal.of(new PortcullisException(Reason.BAD_SIGNATURE, "kid rsa-1 signature mismatch"), "orders", null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers().get("WWW-Authenticate")).isEqualTo(
                "Bearer realm=\"orders\", error=\"invalid_token\", error_description=\"The access token is invalid\"");
        assertThat(r.body()).doesNotContain("rsa-1").doesNotContain("mismatch");
        assertThat(json(r)).containsEntry("type", Reason.BAD_SIGNATURE.problemType())
                .containsEntry("detail", "The access token is invalid");
    }

    @Test
    void ofWhenMalformedRequestThen400InvalidRequest() throws Exception {
        Refusal r = Refusal.of(new PortcullisException(Reason.INVALID_REQUEST, "two headers"), "orders", null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.headers().get("WWW-Authenticate")).startsWith("Bearer realm=\"orders\", error=\"invalid_request\"");
        assertThat(json(r)).containsEntry("status", 400L).containsEntry("reason", "invalid_request");
    }

    @Test
    void ofWhenKeysUnavailableThen503WithRetryAfterAndNoChallenge() throws Exception {
        Refusal r = Refusal.of(new PortcullisException(Reason.KEYS_UNAVAILABLE, "down", null, 30), "orders", null);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.headers()).containsEntry("Retry-After", "30").doesNotContainKey("WWW-Authenticate");
        assertThat(json(r)).containsEntry("type", "https://portcullis.dev/problems/keys_unavailable");
    }

    @Test
    void ofWhen503WithoutRetryHintThenRetryAfterAtLeastOne() {
        Refusal r = Refusal.of(new PortcullisException(Reason.ATTRIBUTES_UNAVAILABLE, "db down"), "r", null);
        assertThat(r.headers()).containsEntry("Retry-After", "1");
    }

    @Test
    void ofWhenPolicyDeniesThen403WithDecisionIdAndNoChallenge() throws Exception {
        Refusal r = Refusal.of(new PortcullisException(Reason.ACCESS_DENIED, "rule x"), "r", "d-123");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.headers()).doesNotContainKey("WWW-Authenticate");
        assertThat(json(r)).containsEntry("decision_id", "d-123");
        assertThat(r.toString()).isEqualTo("Refusal[403 access_denied]");
    }

    @Test
    void ofWhenRealmOrDescriptionHasQuotesOrControlCharactersThenTheyAreReplaced() {
        Refusal r = Refusal.of(new PortcullisException(Reason.FORBIDDEN_CLAIMS, "x", null, 0, "bad \"claim\"\r\nX: y"),
                "my \"realm\"\\", null);
        String challenge = r.headers().get("WWW-Authenticate");
        assertThat(challenge).isEqualTo("Bearer realm=\"my  realm  \", error=\"invalid_token\", "
                + "error_description=\"bad  claim   X: y\"");
        assertThat(challenge).doesNotContain("\r").doesNotContain("\n");
    }

    @ParameterizedTest
    @EnumSource(Reason.class)
    void ofWhenAnyReasonThenStableProblemJsonMatchingTheReason(Reason reason) throws Exception {
        Refusal r = Refusal.of(new PortcullisException(reason, "detail for the log only"), "realm", null);
        Map<String, Object> body = json(r);
        assertThat(body.get("type")).isEqualTo(Reason.TYPE_BASE + reason.code());
        assertThat(body.get("status")).isEqualTo((long) reason.status());
        assertThat(body.get("reason")).isEqualTo(reason.code());
        assertThat(r.body()).doesNotContain("detail for the log only").doesNotContain("Exception").doesNotContain("at dev.");
        assertThat(r.status()).isEqualTo(reason.status());
        assertThat(r.reason()).isEqualTo(reason);
        assertThat(r.headers().containsKey("WWW-Authenticate")).isEqualTo(reason.status() == 401 || reason.status() == 400);
        assertThat(r.headers().containsKey("Retry-After")).isEqualTo(reason.status() == 503);
    }

    @Test
    void portcullisExceptionWhenCreatedThenNoStackTrace() {
        PortcullisException e = new PortcullisException(Reason.EXPIRED, "expired");
        assertThat(e.getStackTrace()).isEmpty();
        assertThat(e.clientDescription()).isEqualTo(Reason.EXPIRED.title());
        assertThat(e.retryAfterSeconds()).isZero();
    }
}
