package dev.portcullis.bench;

import dev.portcullis.servlet.PortcullisFilter;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The servlet filter in a real Jetty 12 servlet context, without network: requests are parsed
 * and answered through Jetty's in-memory {@link LocalConnector}. A public path (filter present,
 * no token) is the baseline for a routed, policy-decided path with a cached token.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ServletBench {
    Server server;
    LocalConnector connector;
    ByteBuffer publicRequest;
    ByteBuffer guardedRequest;

    static final class Ok extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getOutputStream().write('k');
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path work = Fixture.workDir("servlet");
        Path routes = Files.writeString(work.resolve("routes.yaml"), String.join("\n",
                "routes:", "  - route: GET /api/documents/{id}", "    resource: document", "    action: read",
                "    id: \"{id}\"", ""));
        Map<String, String> params = Fixture.settings(work, PortcullisFilter.PUBLIC_PATHS_PARAM, "/health",
                PortcullisFilter.ROUTES_PARAM, routes.toString());
        server = new Server();
        connector = new LocalConnector(server);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        FilterHolder filter = new FilterHolder(new PortcullisFilter());
        filter.setName("portcullis");
        filter.setInitParameters(params);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder("ok", new Ok()), "/*");
        server.setHandler(context);
        server.start();
        String token = Fixture.token("RS256", "bob");
        publicRequest = ascii("GET /health HTTP/1.1\r\nHost: bench\r\n\r\n");
        guardedRequest = ascii("GET /api/documents/42 HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer " + token
                + "\r\n\r\n");
        for (String r : new String[] {publicOnly(), guarded()}) {
            if (!r.startsWith("HTTP/1.1 200")) {
                throw new IllegalStateException("unexpected response: " + r);
            }
        }
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        server.stop();
    }

    private String exchange(ByteBuffer request) {
        return exchange(connector, request);
    }

    /** One request through an in-memory connector, the whole response as text (also {@link Pac4jBench}'s). */
    static String exchange(LocalConnector connector, ByteBuffer request) {
        try {
            ByteBuffer response = connector.getResponse(request.duplicate());
            return StandardCharsets.ISO_8859_1.decode(response).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** GET /health: through Jetty and the filter (public path), no token. */
    @Benchmark
    public String publicOnly() {
        return exchange(publicRequest);
    }

    /** GET /api/documents/42 with a cached token: route, attributes, policy decision, decision log. */
    @Benchmark
    public String guarded() {
        return exchange(guardedRequest);
    }
}
