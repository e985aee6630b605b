package dev.portcullis.security;

import dev.portcullis.Reason;
import dev.portcullis.testing.FilterServer;

import org.jose4j.jca.ProviderContext;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwa.AlgorithmFactoryFactory;
import org.jose4j.jws.JsonWebSignatureAlgorithm;
import org.jose4j.lang.JoseException;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Assertions and token surgery shared by the attack suite: every refusal is checked for status,
 * challenge, problem+json {@code type} and {@code reason}, no echo of the token, no stack trace,
 * a prompt answer, and that the protected application never ran.
 *
 * <p>Thread safety: stateless.
 */
final class AttackSupport {
    /** Longest a refusal may take; the preemptive timeout above it only guards against hangs. */
    static final Duration PROMPT = Duration.ofSeconds(1);
    private static final Duration HANG_GUARD = Duration.ofSeconds(10);

    private AttackSupport() {
    }

    /** Sends one request with a hang guard and checks it was answered within {@link #PROMPT}. */
    static <T> T prompt(Supplier<T> request) {
        long start = System.nanoTime();
        T result = assertTimeoutPreemptively(HANG_GUARD, request::get);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("answered promptly").isLessThan(PROMPT.toMillis());
        return result;
    }

    /**
     * Sends one valid token of each default algorithm (and one refusal) so that class loading and
     * JIT warm-up of the first request do not count against {@link #PROMPT}.
     */
    static void warmUp(FilterServer app) {
        for (Map.Entry<String, org.jose4j.jwk.PublicJsonWebKey> alg : dev.portcullis.testing.Tokens.allDefaultAlgorithms()) {
            String t = dev.portcullis.testing.Tokens.signedWith(alg.getValue()).alg(alg.getKey()).sign();
            for (int i = 0; i < 3; i++) {
                assertThat(app.get("/x", "Authorization", "Bearer " + t).statusCode()).as("warm-up " + alg.getKey())
                        .isIn(200, 403);
            }
        }
        app.get("/x", "Authorization", "Bearer a.b.c");
        app.get("/x", "Authorization", "Bearer " + "YWJj.ZGVm.Z2hp.amts.bW5v");
    }

    /** A GET with {@code Authorization: <value>} (or none when {@code value} is null). */
    static HttpResponse<String> getWithAuthorization(FilterServer app, String path, String value) {
        return prompt(() -> value == null ? app.get(path) : app.get(path, "Authorization", value));
    }

    /**
     * Asserts a refusal for {@code reason}: the application did not run, status, problem+json with
     * stable type and reason code, the challenge for 400/401, no token echo, no internals.
     */
    static Map<String, Object> assertRefused(FilterServer app, int invocationsBefore, HttpResponse<String> r,
                                             Reason reason, String token) {
        assertThat(app.invocations()).as("the protected resource never ran").isEqualTo(invocationsBefore);
        assertThat(r.statusCode()).as("status for %s: %s", reason, r.body()).isEqualTo(reason.status());
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/problem+json"));
        Map<String, Object> body;
        try {
            body = JsonUtil.parseJson(r.body());
        } catch (JoseException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
        assertThat(body).as(r.body()).containsEntry("type", reason.problemType())
                .containsEntry("reason", reason.code()).containsEntry("status", (long) reason.status());
        assertNoInternals(r.body());
        if (reason.status() == 401 || reason.status() == 400) {
            String expected = reason.bearerError() == null ? "Bearer realm=\"portcullis\""
                    : "Bearer realm=\"portcullis\", error=\"" + reason.bearerError() + "\"";
            assertThat(r.headers().allValues("WWW-Authenticate")).hasSize(1)
                    .allSatisfy(h -> assertThat(h).startsWith(expected));
        } else {
            assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
        }
        assertNotEchoed(r, token);
        return body;
    }

    /** A refusal whose exact reason depends on where the damage landed: any 400/401 refusal. */
    static Reason assertRefusedSomehow(FilterServer app, int invocationsBefore, HttpResponse<String> r, String token) {
        assertThat(app.invocations()).as("the protected resource never ran").isEqualTo(invocationsBefore);
        assertThat(r.statusCode()).as(r.body()).isIn(400, 401);
        Map<String, Object> body;
        try {
            body = JsonUtil.parseJson(r.body());
        } catch (JoseException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
        Reason reason = Reason.valueOf(((String) body.get("reason")).toUpperCase(java.util.Locale.ROOT));
        assertRefused(app, invocationsBefore, r, reason, token);
        return reason;
    }

    static void assertNoInternals(String body) {
        assertThat(body).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("at dev.portcullis")
                .doesNotContain("jose4j").doesNotContain("java.").doesNotContain("org.");
    }

    /** Neither the body nor any header carries the token, its header segment or its signature. */
    static void assertNotEchoed(HttpResponse<String> r, String token) {
        if (token == null || token.length() < 16) {
            return;
        }
        for (String piece : pieces(token)) {
            assertThat(r.body()).as("token echoed in body").doesNotContain(piece);
            r.headers().map().values().forEach(values -> values.forEach(
                    v -> assertThat(v).as("token echoed in a header").doesNotContain(piece)));
        }
    }

    static void assertNotEchoed(String rawResponse, String token) {
        if (token == null || token.length() < 16) {
            return;
        }
        for (String piece : pieces(token)) {
            assertThat(rawResponse).as("token echoed").doesNotContain(piece);
        }
    }

    private static List<String> pieces(String token) {
        String head = token.substring(0, Math.min(32, token.length()));
        String tail = token.substring(Math.max(0, token.length() - 24));
        return List.of(head, tail);
    }

    /** Base64url (no padding) of UTF-8 text. */
    static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] unb64(String segment) {
        return Base64.getUrlDecoder().decode(segment);
    }

    /** A signature with {@code alg} by {@code key} over {@code signingInput} as sent (any text). */
    static byte[] sign(String alg, Key key, String signingInput) {
        try {
            JsonWebSignatureAlgorithm a = AlgorithmFactoryFactory.getInstance().getJwsAlgorithmFactory().getAlgorithm(alg);
            return a.sign(a.prepareForSign(key, new ProviderContext()),
                    signingInput.getBytes(StandardCharsets.ISO_8859_1));
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code header.payload.signature} with the signature computed over the first two texts as given. */
    static String signed(String alg, Key key, String headerSegment, String payloadSegment) {
        String input = headerSegment + "." + payloadSegment;
        return input + "." + b64(sign(alg, key, input));
    }

    /** The three segments of a compact token. */
    static String[] segments(String token) {
        return token.split("\\.", -1);
    }

    /** A named test case value, so parameterised test names say what is attacked. */
    record Case(String name, String value, Reason reason) {
        @Override
        public String toString() {
            return name;
        }
    }
}
