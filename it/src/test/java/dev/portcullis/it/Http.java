package dev.portcullis.it;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A small black-box HTTP client for the tests: one request, the whole answer.
 *
 * <pre>{@code
 * Http http = new Http(server.baseUri());
 * Http.Response r = http.send("GET", "/app/whoami", token);
 * assertThat(r.status()).isEqualTo(200);
 * }</pre>
 *
 * <p>Thread safety: thread-safe.
 */
public final class Http {
    private final URI base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Http(URI base) {
        this.base = base;
    }

    public URI base() {
        return base;
    }

    /** {@code method path} with an optional bearer token (null for none) and no body. */
    public Response send(String method, String path, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return send(b.build());
    }

    /** {@code method path} with a JSON body. */
    public Response sendJson(String method, String path, String bearer, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return send(b.build());
    }

    public Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(request.method() + " " + request.uri(), r);
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One answer. */
    public static final class Response {
        private final String request;
        private final HttpResponse<String> response;

        Response(String request, HttpResponse<String> response) {
            this.request = request;
            this.response = response;
        }

        public int status() {
            return response.statusCode();
        }

        public String body() {
            return response.body();
        }

        public Optional<String> header(String name) {
            return response.headers().firstValue(name);
        }

        public String contentType() {
            return header("Content-Type").orElse("");
        }

        /** The body as a JSON object. */
        public Map<String, Object> json() {
            try {
                return JsonUtil.parseJson(body());
            } catch (JoseException e) {
                throw new IllegalStateException("not JSON: " + this, e);
            }
        }

        /** The problem+json {@code reason} member, or null. */
        public String reason() {
            Object r = json().get("reason");
            return r == null ? null : r.toString();
        }

        @Override
        public String toString() {
            return request + " -> " + status() + " " + contentType() + " " + body();
        }
    }
}
