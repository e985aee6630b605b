package dev.portcullis.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.PublicJsonWebKey;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Shared Signals transmitter written for the tests (no product here sends every CAEP and RISC
 * event; Keycloak's back-channel logout is exercised in {@code it/}): it signs Security Event
 * Tokens (RFC 8417) with its own key, serves its {@code /.well-known/ssf-configuration} and JWKS over
 * real loopback HTTP, pushes SETs (RFC 8935) and answers polls (RFC 8936) from a queue, recording
 * the acknowledgements and errors the receiver sends back.
 *
 * <p>Thread safety: thread-safe.
 */
public final class Transmitter implements AutoCloseable {
    public static final String CAEP = "https://schemas.openid.net/secevent/caep/event-type/";
    public static final String RISC = "https://schemas.openid.net/secevent/risc/event-type/";
    public static final String VERIFICATION = "https://schemas.openid.net/secevent/ssf/event-type/verification";
    public static final String AUDIENCE = "https://receiver.test/stream";
    public static final String POLL_TOKEN = "poll-token-0123456789-0123456789-0123456789";

    private final HttpServer server;
    private final ExecutorService executor;
    private final PublicJsonWebKey key;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ConcurrentLinkedQueue<String> pollQueue = new ConcurrentLinkedQueue<>();
    private final List<Object> acks = new CopyOnWriteArrayList<>();
    private final List<Object> errors = new CopyOnWriteArrayList<>();

    private Transmitter(PublicJsonWebKey key) throws IOException {
        this.key = key;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-transmitter");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/.well-known/ssf-configuration", e -> send(e, 200, configuration()));
        server.createContext("/jwks", e -> send(e, 200, TestKeys.jwks(key)));
        server.createContext("/poll", this::poll);
        server.start();
    }

    /** A transmitter signing with {@code key} (its {@code kid} is in the served JWKS). */
    public static Transmitter start(PublicJsonWebKey key) {
        try {
            return new Transmitter(key);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public URI configurationUri() {
        return URI.create(issuer() + "/.well-known/ssf-configuration");
    }

    public URI pollUri() {
        return URI.create(issuer() + "/poll");
    }

    private String configuration() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("spec_version", "1_0");
        c.put("issuer", issuer());
        c.put("jwks_uri", issuer() + "/jwks");
        c.put("delivery_methods_supported", List.of("urn:ietf:rfc:8935", "urn:ietf:rfc:8936"));
        return JsonUtil.toJson(c);
    }

    /** A SET builder: this issuer, the stream audience, typ secevent+jwt, a fresh jti, iat now, no exp. */
    public Tokens.Builder set(String eventType, Map<String, Object> subId) {
        Map<String, Object> events = new LinkedHashMap<>();
        events.put(eventType, Map.of("event_timestamp", Instant.now().getEpochSecond()));
        return Tokens.signedWith(key).typ("secevent+jwt").issuer(issuer()).audience(AUDIENCE)
                .without("sub", "exp").claim("jti", UUID.randomUUID().toString())
                .claim("iat", Instant.now().getEpochSecond()).claim("events", events).claim("sub_id", subId);
    }

    /** An RFC 9493 {@code iss_sub} identifier. */
    public static Map<String, Object> issSub(String iss, String sub) {
        return Map.of("format", "iss_sub", "iss", iss, "sub", sub);
    }

    /** Pushes {@code set} to {@code endpoint} with the bearer token (null: none). */
    public HttpResponse<String> push(URI endpoint, String bearer, String set) {
        HttpRequest.Builder r = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/secevent+jwt")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(set));
        if (bearer != null) {
            r.header("Authorization", "Bearer " + bearer);
        }
        try {
            return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Queues {@code set} for the next poll. */
    public void queue(String set) {
        pollQueue.add(set);
    }

    /** The jtis the receiver acknowledged in its polls. */
    public List<Object> acks() {
        return acks;
    }

    /** The jtis the receiver reported as errors in its polls. */
    public List<Object> errors() {
        return errors;
    }

    private void poll(HttpExchange e) throws IOException {
        String auth = e.getRequestHeaders().getFirst("Authorization");
        if (!("Bearer " + POLL_TOKEN).equals(auth)) {
            send(e, 401, "{\"err\":\"authentication_failed\"}");
            return;
        }
        Map<String, Object> request;
        try {
            request = JsonUtil.parseJson(new String(e.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        } catch (org.jose4j.lang.JoseException ex) {
            send(e, 400, "{\"err\":\"invalid_request\"}");
            return;
        }
        if (request.get("ack") instanceof List) {
            acks.addAll((List<?>) request.get("ack"));
        }
        if (request.get("setErrs") instanceof Map) {
            errors.addAll(((Map<?, ?>) request.get("setErrs")).keySet());
        }
        Map<String, Object> sets = new LinkedHashMap<>();
        String s;
        List<String> taken = new ArrayList<>();
        while ((s = pollQueue.poll()) != null) {
            taken.add(s);
        }
        for (String set : taken) {
            Object jti;
            try {
                jti = JsonUtil.parseJson(new String(java.util.Base64.getUrlDecoder().decode(set.split("\\.")[1]),
                        StandardCharsets.UTF_8)).get("jti");
            } catch (org.jose4j.lang.JoseException ex) {
                throw new IOException(ex);
            }
            sets.put(String.valueOf(jti), set);
        }
        send(e, 200, JsonUtil.toJson(Map.of("sets", sets, "moreAvailable", false)));
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
