package dev.portcullis;

import dev.portcullis.token.internal.dpop.SenderException;

import org.jose4j.json.JsonUtil;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP answer to a refusal, independent of any container: status, the RFC 6750
 * {@code WWW-Authenticate} challenge, {@code Retry-After} for 503, and an RFC 9457
 * {@code application/problem+json} body with a stable {@code type}.
 *
 * <p>Challenges follow RFC 6750 §3: no token → {@code Bearer realm="..."} with no error code;
 * invalid token → {@code error="invalid_token"}; malformed request → 400 with
 * {@code error="invalid_request"}. Policy refusals are 403 without a bearer error: they are not
 * about OAuth scopes. The body never contains the token, a stack trace or policy internals.
 *
 * <p>Thread safety: immutable.
 */
public final class Refusal {
    /** Media type of every refusal body. */
    public static final String PROBLEM_JSON = "application/problem+json";

    private final int status;
    private final Map<String, String> headers;
    private final String body;
    private final Reason reason;

    private Refusal(int status, Map<String, String> headers, String body, Reason reason) {
        this.status = status;
        this.headers = Map.copyOf(headers);
        this.body = body;
        this.reason = reason;
    }

    /** The answer for a refusal, with the realm for the challenge and an optional decision id. */
    public static Refusal of(PortcullisException e, String realm, String decisionId) {
        return of(e, realm, decisionId, null, true);
    }

    /**
     * As {@link #of(PortcullisException, String, String)} for an engine that accepts DPoP
     * (RFC 9449 §7.1): the {@code Bearer} challenge (when {@code bearer}) and the {@code DPoP}
     * challenge with {@code algs}, in one header ({@code Bearer realm="r", DPoP realm="r", algs="ES256"});
     * the {@code error} goes on the challenge of the scheme the request used (DPoP for a proof's
     * fault), and a {@code use_dpop_nonce} refusal carries {@code DPoP-Nonce}.
     *
     * @param dpopAlgs the proof algorithms, space-separated; null when no issuer accepts DPoP
     */
    static Refusal of(PortcullisException e, String realm, String decisionId, String dpopAlgs, boolean bearer) {
        Reason reason = e.reason();
        Map<String, String> headers = new LinkedHashMap<>();
        String description = e.clientDescription();
        if (reason.status() == 401 || reason.status() == 400) {
            boolean onDpop = dpopAlgs != null && e instanceof SenderException && ((SenderException) e).dpopChallenge();
            String error = reason.bearerError() == null ? "" : ", error=\"" + reason.bearerError()
                    + "\", error_description=\"" + quote(description) + '"';
            StringBuilder challenge = new StringBuilder();
            if (dpopAlgs == null || bearer || (!onDpop && !error.isEmpty())) {
                challenge.append("Bearer realm=\"").append(quote(realm)).append('"').append(onDpop ? "" : error);
            }
            if (dpopAlgs != null) {
                challenge.append(challenge.length() == 0 ? "" : ", ").append("DPoP realm=\"").append(quote(realm))
                        .append('"').append(onDpop ? error : "").append(", algs=\"").append(dpopAlgs).append('"');
            }
            headers.put("WWW-Authenticate", challenge.toString());
            if (e instanceof SenderException && ((SenderException) e).nonce() != null) {
                headers.put("DPoP-Nonce", ((SenderException) e).nonce());
            }
        }
        if (reason.status() == 503) {
            headers.put("Retry-After", Long.toString(Math.max(1, e.retryAfterSeconds())));
        }
        headers.put("Cache-Control", "no-store");
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", reason.problemType());
        problem.put("title", reason.title());
        problem.put("status", reason.status());
        problem.put("detail", description);
        problem.put("reason", reason.code());
        if (decisionId != null) {
            problem.put("decision_id", decisionId);
        }
        return new Refusal(reason.status(), headers, JsonUtil.toJson(problem), reason);
    }

    /**
     * The answer to an unexpected failure (a bug): a generic 500 problem without detail or
     * reason; {@link #reason()} is null.
     */
    public static Refusal internalError() {
        return new Refusal(500, Map.of("Cache-Control", "no-store"), "{\"type\":\"" + Reason.TYPE_BASE
                + "internal_error\",\"title\":\"Internal error\",\"status\":500}", null);
    }

    /** RFC 6750 §3: error_description and realm are quoted-strings of printable ASCII without " or \. */
    private static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c <= 0x7e && c != '"' && c != '\\') {
                out.append(c);
            } else {
                out.append(' ');
            }
        }
        return out.toString();
    }

    public int status() {
        return status;
    }

    /** Headers to set, by name. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The problem+json body. */
    public String body() {
        return body;
    }

    /** Why; null for {@link #internalError()}. */
    public Reason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "Refusal[" + status + " " + (reason == null ? "internal_error" : reason.code().toLowerCase(Locale.ROOT)) + "]";
    }
}
