package dev.portcullis.bench;

import dev.portcullis.servlet.PortcullisFilter;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.pac4j.core.client.Clients;
import org.pac4j.core.config.Config;
import org.pac4j.http.client.direct.HeaderClient;
import org.pac4j.jee.adapter.JEEFrameworkAdapter;
import org.pac4j.jee.filter.SecurityFilter;
import org.pac4j.jwt.config.signature.ECSignatureConfiguration;
import org.pac4j.jwt.config.signature.RSASignatureConfiguration;
import org.pac4j.jwt.credentials.authenticator.JwtAuthenticator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Portcullis and pac4j side by side on the same Jetty 12 (in memory, {@link LocalConnector}), each
 * protecting the same trivial servlet in its own context, with every request verifying its token's
 * signature: {@code /portcullis} is {@link PortcullisFilter} with the token cache off (no routes, so
 * an authenticated request passes after the principal's attributes are read from the attribute
 * cache); {@code /pac4j} is pac4j's jakarta servlet {@link SecurityFilter} with a bearer
 * {@link HeaderClient} and pac4j's {@link JwtAuthenticator} (Nimbus JOSE+JWT) holding the same public
 * keys; {@code /bare} is the servlet alone. {@code tokens=same} sends one token on every request,
 * {@code tokens=churn} a different one each time (a pool of {@value #POOL} tokens, all signed ahead).
 *
 * <p>The setup refuses to run unless both sides answer 200 to every token of the pool and 401 to a
 * token whose signature was altered and to a request without a token: a side that admits everything,
 * or refuses everything, cannot be measured.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class Pac4jBench {
    static final int POOL = 1024;

    @Param({"RS256", "ES256"})
    public String alg;

    @Param({"same", "churn"})
    public String tokens;

    /**
     * Portcullis' JCA provider ({@code portcullis.crypto.provider}): {@code jdk}, or
     * {@code AmazonCorrettoCryptoProvider} (on the bench class path) to see ES256 with the native
     * provider beside pac4j on the JDK ({@code -p provider=AmazonCorrettoCryptoProvider}).
     */
    @Param({"jdk"})
    public String provider;

    Server server;
    LocalConnector connector;
    ByteBuffer[] bare;
    ByteBuffer[] portcullis;
    ByteBuffer[] pac4j;
    int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Map<String, String> params = Fixture.settings(Fixture.workDir("pac4j"),
                "portcullis.token-cache.enabled", "false", "portcullis.crypto.provider", provider);
        server = new Server();
        connector = new LocalConnector(server);
        server.addConnector(connector);
        server.setHandler(new ContextHandlerCollection(
                context("/bare", null, Map.of()),
                context("/portcullis", new PortcullisFilter(), params),
                context("/pac4j", pac4jFilter(), Map.of())));
        server.start();

        int n = tokens.equals("same") ? 1 : POOL;
        bare = new ByteBuffer[n];
        portcullis = new ByteBuffer[n];
        pac4j = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            String token = Fixture.token(alg, "bob");
            bare[i] = request("/bare", token);
            portcullis[i] = request("/portcullis", token);
            pac4j[i] = request("/pac4j", token);
            for (ByteBuffer r : new ByteBuffer[] {bare[i], portcullis[i], pac4j[i]}) {
                expect(r, "200");
            }
        }
        // negative controls: an altered signature and a missing token are refused by both sides
        String good = Fixture.token(alg, "bob");
        int sig = good.lastIndexOf('.') + 5;
        String tampered = good.substring(0, sig) + (good.charAt(sig) == 'A' ? 'B' : 'A') + good.substring(sig + 1);
        for (String side : new String[] {"/portcullis", "/pac4j"}) {
            expect(request(side, tampered), "401");
            expect(ascii("GET " + side + "/api/hello HTTP/1.1\r\nHost: bench\r\n\r\n"), "401");
        }
        expect(request("/bare", tampered), "200");
    }

    /** pac4j as its servlet filter is documented: a config with one direct client, the JEE adapter's defaults. */
    private static Filter pac4jFilter() {
        JwtAuthenticator authenticator = new JwtAuthenticator();
        authenticator.addSignatureConfiguration(new RSASignatureConfiguration(new KeyPair(Fixture.RSA.getPublicKey(), null)));
        authenticator.addSignatureConfiguration(new ECSignatureConfiguration(new KeyPair(Fixture.EC.getPublicKey(), null)));
        HeaderClient client = new HeaderClient("Authorization", "Bearer ", authenticator);
        Config config = new Config(new Clients(client));
        new JEEFrameworkAdapter().applyDefaultSettingsIfUndefined(config);
        return new SecurityFilter(config, client.getName());
    }

    private ServletContextHandler context(String path, Filter filter, Map<String, String> params) {
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath(path);
        if (filter != null) {
            FilterHolder holder = new FilterHolder(filter);
            holder.setName(path.substring(1));
            holder.setInitParameters(params);
            context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        context.addServlet(new ServletHolder("ok", new ServletBench.Ok()), "/*");
        return context;
    }

    private static ByteBuffer request(String context, String token) {
        return ascii("GET " + context + "/api/hello HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer " + token
                + "\r\n\r\n");
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
    }

    private void expect(ByteBuffer request, String status) {
        String response = exchange(request);
        if (!response.startsWith("HTTP/1.1 " + status)) {
            throw new IllegalStateException("expected " + status + " for "
                    + StandardCharsets.US_ASCII.decode(request.duplicate()).toString().split("\r\n")[0] + ", got: "
                    + response);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        server.stop();
    }

    private String exchange(ByteBuffer request) {
        return ServletBench.exchange(connector, request);
    }

    /** One request through the connector, for {@link Pac4jInterleaved}. */
    String exchangeForBench(ByteBuffer request) {
        return exchange(request);
    }

    private int nextIndex() {
        int i = next;
        next = i + 1 == bare.length ? 0 : i + 1;
        return i;
    }

    /** The servlet alone: Jetty parses the request and answers, nothing checks the token. */
    @Benchmark
    public String bare() {
        return exchange(bare[nextIndex()]);
    }

    /** PortcullisFilter, token cache off: extract, verify the signature, claims, attributes, admit. */
    @Benchmark
    public String portcullis() {
        return exchange(portcullis[nextIndex()]);
    }

    /** pac4j's SecurityFilter: HeaderClient, JwtAuthenticator (Nimbus), profile, admit. */
    @Benchmark
    public String pac4j() {
        return exchange(pac4j[nextIndex()]);
    }
}
