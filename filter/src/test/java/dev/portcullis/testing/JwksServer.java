package dev.portcullis.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.jose4j.jwk.PublicJsonWebKey;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP identity-provider stand-in on {@code 127.0.0.1}, port 0: serves a JWKS at
 * {@code /jwks} and an OpenID Connect discovery document at
 * {@code /.well-known/openid-configuration} (whose {@code issuer} is {@link #issuer()} unless
 * changed and whose {@code jwks_uri} points at {@code /jwks}), counts hits, and can misbehave on
 * demand: HTTP 500, hang, answer slowly, send a huge body or invalid JSON, set Cache-Control.
 *
 * <pre>{@code
 * try (JwksServer idp = JwksServer.start()) {
 *     idp.serve(TestKeys.rsa());
 *     idp.hang();                       // next fetches never answer
 *     assertThat(idp.jwksHits()).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>Thread safety: thread-safe; behaviour may be switched while requests are in flight.
 */
public final class JwksServer implements AutoCloseable {
    /** How the JWKS endpoint answers. */
    public enum Behaviour { NORMAL, ERROR, HANG, SLOW, DRIP, HUGE, INVALID_JSON }

    public static final String JWKS_PATH = "/jwks";
    public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

    private final HttpServer server;
    private final ExecutorService executor;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger jwksHits = new AtomicInteger();
    private final AtomicInteger discoveryHits = new AtomicInteger();

    private volatile String jwks = "{\"keys\":[]}";
    private volatile Behaviour behaviour = Behaviour.NORMAL;
    private volatile boolean discoveryFails;
    private volatile int errorStatus = 500;
    private volatile Duration delay = Duration.ZERO;
    private volatile int hugeBytes = 1024 * 1024;
    private volatile String cacheControl;
    private volatile String discoveryIssuer;

    private JwksServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "jwks-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(JWKS_PATH, this::jwks);
        server.createContext(DISCOVERY_PATH, this::discovery);
        server.start();
    }

    /** Starts a server serving an empty JWKS. */
    public static JwksServer start() {
        try {
            return new JwksServer();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start JWKS server", e);
        }
    }

    /** Starts a server serving the public parts of {@code keys}. */
    public static JwksServer serving(PublicJsonWebKey... keys) {
        JwksServer s = start();
        s.serve(keys);
        return s;
    }

    /** {@code http://127.0.0.1:port}, also the default discovery {@code issuer}. */
    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public URI jwksUri() {
        return URI.create(issuer() + JWKS_PATH);
    }

    public URI discoveryUri() {
        return URI.create(issuer() + DISCOVERY_PATH);
    }

    /** Serves the public parts of {@code keys} normally from now on. */
    public JwksServer serve(PublicJsonWebKey... keys) {
        return serveJson(TestKeys.jwks(Arrays.asList(keys)));
    }

    /** Serves the public parts of {@code keys} normally from now on. */
    public JwksServer serve(List<? extends PublicJsonWebKey> keys) {
        return serveJson(TestKeys.jwks(keys));
    }

    /** Serves {@code json} verbatim as the JWKS, normally from now on. */
    public JwksServer serveJson(String json) {
        this.jwks = json;
        this.behaviour = Behaviour.NORMAL;
        return this;
    }

    /** Back to answering normally with the current keys. */
    public JwksServer normal() {
        this.behaviour = Behaviour.NORMAL;
        return this;
    }

    /** The JWKS endpoint answers {@code status} (e.g. 500) with a small body. */
    public JwksServer fail(int status) {
        this.errorStatus = status;
        this.behaviour = Behaviour.ERROR;
        return this;
    }

    /** The JWKS endpoint accepts requests and never answers (until {@link #close()}). */
    public JwksServer hang() {
        this.behaviour = Behaviour.HANG;
        return this;
    }

    /** The JWKS endpoint answers normally after {@code delay}. */
    public JwksServer slow(Duration delay) {
        this.delay = delay;
        this.behaviour = Behaviour.SLOW;
        return this;
    }

    /**
     * The JWKS endpoint sends its headers at once, then the body one byte per {@code interval}
     * (a slow-loris answer: only a deadline on the whole exchange stops it).
     */
    public JwksServer drip(Duration interval) {
        this.delay = interval;
        this.behaviour = Behaviour.DRIP;
        return this;
    }

    /** The JWKS endpoint answers 200 with {@code bytes} of JSON-looking filler. */
    public JwksServer huge(int bytes) {
        this.hugeBytes = bytes;
        this.behaviour = Behaviour.HUGE;
        return this;
    }

    /** The JWKS endpoint answers 200 with a body that is not JSON. */
    public JwksServer invalidJson() {
        this.behaviour = Behaviour.INVALID_JSON;
        return this;
    }

    /** The Cache-Control header of JWKS answers; {@code null} for none. */
    public JwksServer cacheControl(String value) {
        this.cacheControl = value;
        return this;
    }

    /** The {@code issuer} the discovery document declares (default {@link #issuer()}). */
    public JwksServer discoveryIssuer(String issuer) {
        this.discoveryIssuer = issuer;
        return this;
    }

    /** Makes the discovery endpoint answer 500 (or normally again). */
    public JwksServer discoveryFails(boolean fails) {
        this.discoveryFails = fails;
        return this;
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    /** Requests received at {@code /jwks} (including those that failed or hung). */
    public int jwksHits() {
        return jwksHits.get();
    }

    /** Requests received at the discovery path. */
    public int discoveryHits() {
        return discoveryHits.get();
    }

    public void resetHits() {
        jwksHits.set(0);
        discoveryHits.set(0);
    }

    private void jwks(HttpExchange exchange) throws IOException {
        jwksHits.incrementAndGet();
        try (exchange) {
            switch (behaviour) {
                case ERROR:
                    send(exchange, errorStatus, "{\"error\":\"server_error\"}");
                    return;
                case HANG:
                    awaitClose(Duration.ofMinutes(5));
                    return;
                case SLOW:
                    if (awaitClose(delay)) {
                        return;
                    }
                    send(exchange, 200, jwks);
                    return;
                case DRIP:
                    sendDrip(exchange);
                    return;
                case HUGE:
                    sendHuge(exchange);
                    return;
                case INVALID_JSON:
                    send(exchange, 200, "<html>this is not a key set</html>");
                    return;
                case NORMAL:
                default:
                    send(exchange, 200, jwks);
            }
        }
    }

    private void discovery(HttpExchange exchange) throws IOException {
        discoveryHits.incrementAndGet();
        try (exchange) {
            if (discoveryFails) {
                send(exchange, 500, "{}");
                return;
            }
            String iss = discoveryIssuer != null ? discoveryIssuer : issuer();
            send(exchange, 200, "{\"issuer\":\"" + iss + "\",\"jwks_uri\":\"" + jwksUri()
                    + "\",\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
        }
    }

    /** Waits for close or the delay; true when the server is closing. */
    private boolean awaitClose(Duration d) {
        try {
            return closed.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        String cc = cacheControl;
        if (cc != null) {
            exchange.getResponseHeaders().set("Cache-Control", cc);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void sendDrip(HttpExchange exchange) throws IOException {
        byte[] bytes = jwks.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            for (byte b : bytes) {
                if (awaitClose(delay)) {
                    return;
                }
                out.write(b);
                out.flush();
            }
        } catch (IOException e) {
            // the client gave up: that is the point
        }
    }

    private void sendHuge(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0); // chunked: the size is not announced
        byte[] chunk = "{\"keys\":[".concat(" ".repeat(8183)).getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int sent = 0; sent < hugeBytes; sent += chunk.length) {
                out.write(chunk);
            }
        } catch (IOException e) {
            // the client hung up once it had seen enough: that is the point
        }
    }

    /** Stops the server, releasing hanging requests. */
    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
