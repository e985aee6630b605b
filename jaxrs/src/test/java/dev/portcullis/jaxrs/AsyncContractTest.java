package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.config.Settings;
import dev.portcullis.servlet.PortcullisFilter;
import dev.portcullis.testing.RequestCounts;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.net.http.HttpResponse;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README ("Asynchronous requests"): behind the servlet filter, in a web application under a context
 * path ({@code /app}, the runtime's servlet at {@code /api/*}), asynchronous requests are decided
 * and counted like any other, on Jersey and on RESTEasy:
 * <ul>
 *   <li>a {@code @Suspended} resource method and one returning a {@code CompletionStage}, each
 *       answered from another thread after the filter's chain has returned;</li>
 *   <li>an application servlet that puts the request in asynchronous mode and, after the filter
 *       has returned, dispatches it ({@code AsyncContext.dispatch}) to a JAX-RS method, whose
 *       check then runs in the asynchronous dispatch (the filter is mapped for {@code REQUEST}
 *       only, as by default) and continues the filter's outcome: the method sees the principal,
 *       a denial is a 403, and the request is counted once in {@code portcullis.requests};</li>
 *   <li>a plain servlet reached by such a dispatch gets the container's request: no principal, and
 *       the filter's route for the target's path is not checked;</li>
 *   <li>an asynchronous request the container times out is counted once, when it ends.</li>
 * </ul>
 * Without the filter (Jersey on its own HTTP server, RESTEasy's servlet), the asynchronous methods
 * are decided and counted once as well. Positive controls: the owner's requests pass, with the
 * principal, on every shape.
 */
class AsyncContractTest {
    /** Answers later, from another thread: after the servlet filter's chain has returned. */
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "async-contract-later");
        t.setDaemon(true);
        return t;
    });
    private static final long DELAY_MILLIS = 100;

    /** Asynchronous resource methods with the same check as {@code DocumentResource.read}. */
    @Path("/later")
    @Produces(MediaType.TEXT_PLAIN)
    public static class LaterResource {
        @GET
        @Path("suspended/{docId}")
        @RequiresPermission(resource = "document", action = "read", id = "{docId}")
        public void suspended(@PathParam("docId") String docId, @Context SecurityContext security,
                              @Suspended AsyncResponse response) {
            String who = TestResources.describe(security);
            LATER.schedule(() -> response.resume("suspended document " + docId + " for " + who), DELAY_MILLIS,
                    TimeUnit.MILLISECONDS);
        }

        @GET
        @Path("stage/{docId}")
        @RequiresPermission(resource = "document", action = "read", id = "{docId}")
        public CompletionStage<String> stage(@PathParam("docId") String docId, @Context SecurityContext security) {
            String who = TestResources.describe(security);
            return CompletableFuture.supplyAsync(() -> "staged document " + docId + " for " + who,
                    CompletableFuture.delayedExecutor(DELAY_MILLIS, TimeUnit.MILLISECONDS, LATER));
        }
    }

    /**
     * An application's asynchronous servlet at {@code /hop/*}: starts asynchronous mode, returns,
     * and later dispatches {@code /hop/X} to {@code /X} ({@code /hop/api/...} to the JAX-RS servlet).
     */
    static final class Hop extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) {
            AsyncContext async = request.startAsync();
            String target = request.getPathInfo();
            LATER.schedule(() -> async.dispatch(target), DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** An application's asynchronous servlet at {@code /stall} that never answers: the container times it out. */
    static final class Stall extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) {
            request.startAsync().setTimeout(DELAY_MILLIS);
        }
    }

    /** Routes of the servlet filter: {@code /who/{id}} reads that document. */
    private static final String ROUTES = String.join("\n",
            "unmatched: authenticated",
            "routes:",
            "  - route: GET /who/{id}",
            "    resource: document",
            "    action: read",
            "    id: \"{id}\"",
            "");

    /** A plain servlet at {@code /who/*} answering the principal it is given. */
    static final class Who extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().print("principal=" + (request.getUserPrincipal() == null ? "none"
                    : request.getUserPrincipal().getName()));
        }
    }

    private static Runtimes.Deployed deploy(boolean jersey, java.nio.file.Path dir, TokenMint mint,
                                            MeterRegistry registry, EnumSet<DispatcherType> dispatches)
            throws Exception {
        Map<String, String> params = new HashMap<>(new TestStore(dir).settings(mint));
        params.put(PortcullisFilter.PUBLIC_PATHS_PARAM, Runtimes.PUBLIC_PATHS);
        Files.writeString(dir.resolve("routes.yaml"), ROUTES);
        params.put("portcullis.routes", dir.resolve("routes.yaml").toString());
        return Runtimes.behindFilterAt(jersey,
                jersey ? new ResourceConfig(LaterResource.class, TestResources.DocumentResource.class)
                        .register(PortcullisFeature.class) : null,
                jersey ? null : Runtimes.application(List.of(LaterResource.class, TestResources.DocumentResource.class,
                        PortcullisFeature.class), List.of()),
                params, "/app", "/api/*", Map.of(PortcullisFilter.METRICS_REGISTRY_ATTRIBUTE, registry),
                Map.of("/hop/*", new Hop(), "/who/*", new Who(), "/stall", new Stall()), dispatches);
    }

    /** Positive controls: alice's document through both asynchronous methods, answered with her principal. */
    private static void assertLaterMethodsServeOwner(URI base, String alice) {
        HttpResponse<String> suspended = Http.get(base, "later/suspended/1", alice);
        assertThat(suspended.statusCode()).as("positive control: " + suspended.body()).isEqualTo(200);
        assertThat(suspended.body()).startsWith("suspended document 1 for alice");
        HttpResponse<String> staged = Http.get(base, "later/stage/1", alice);
        assertThat(staged.statusCode()).as("positive control: " + staged.body()).isEqualTo(200);
        assertThat(staged.body()).startsWith("staged document 1 for alice");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jersey", "resteasy"})
    void asyncRequestsWhenBehindFilterThenDecidedAndCountedOnce(String runtime, @TempDir java.nio.file.Path dir) throws Exception {
        TokenMint mint = new TokenMint(dir);
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Runtimes.Deployed server = deploy(runtime.equals("jersey"), dir, mint, registry,
                EnumSet.of(DispatcherType.REQUEST))) {
            URI app = server.base.resolve("/app/");
            String alice = mint.token("alice");

            assertLaterMethodsServeOwner(server.base, alice);
            HttpResponse<String> hopped = Http.get(app, "hop/api/documents/1", alice);
            assertThat(hopped.statusCode()).as("positive control: " + hopped.body()).isEqualTo(200);
            assertThat(hopped.body()).as("the check in the async dispatch continues the filter's identity")
                    .startsWith("document 1 for alice");

            assertThat(Http.get(server.base, "later/suspended/2", alice).statusCode()).isEqualTo(403);
            assertThat(Http.get(server.base, "later/stage/2", alice).statusCode()).isEqualTo(403);
            HttpResponse<String> hopDenied = Http.get(app, "hop/api/documents/2", alice);
            assertThat(hopDenied.statusCode()).as("the check runs in the async dispatch: " + hopDenied.body())
                    .isEqualTo(403);
            assertThat(hopDenied.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(Http.get(server.base, "later/suspended/1", null).statusCode()).isEqualTo(401);
            assertThat(Http.get(app, "hop/api/documents/1", null).statusCode()).isEqualTo(401);

            HttpResponse<String> plain = Http.get(app, "hop/who/2", alice);
            assertThat(plain.statusCode()).as("the route of the dispatch's target is not checked").isEqualTo(200);
            assertThat(plain.body()).as("a plain servlet reached by the dispatch gets the container's request")
                    .isEqualTo("principal=none");

            HttpResponse<String> stalled = Http.get(app, "stall", alice);
            assertThat(stalled.statusCode()).as("the container's answer to the timeout").isGreaterThanOrEqualTo(500);

            RequestCounts.assertExactly(registry, runtime + ": the timed-out request too", 5, 3, 2);
        }
    }

    /**
     * README ("Metrics"): without the servlet filter, on Jersey's own HTTP server and on RESTEasy's
     * servlet, a {@code @Suspended} or {@code CompletionStage} method is decided and its request
     * counted once too (the authentication step and the check are one request, whenever the
     * response is written). Positive controls: alice's requests pass, with the principal.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jersey on grizzly", "resteasy alone"})
    void asyncMethodsWhenNoFilterThenDecidedAndCountedOnce(String shape, @TempDir java.nio.file.Path dir)
            throws Exception {
        TokenMint mint = new TokenMint(dir);
        MeterRegistry registry = new SimpleMeterRegistry();
        Portcullis engine = Portcullis.fromSettings(Settings.of(new TestStore(dir).settings(mint)), Clock.systemUTC(),
                b -> b.metrics(registry));
        try (Runtimes.Deployed server = shape.startsWith("jersey")
                ? Runtimes.jerseyGrizzly(new ResourceConfig(LaterResource.class).register(new PortcullisFeature(engine)))
                : Runtimes.resteasyServlet(Runtimes.application(List.of(LaterResource.class),
                        List.of(new PortcullisFeature(engine))), null)) {
            String alice = mint.token("alice");
            assertLaterMethodsServeOwner(server.base, alice);
            assertThat(Http.get(server.base, "later/suspended/2", alice).statusCode()).isEqualTo(403);
            assertThat(Http.get(server.base, "later/stage/1", null).statusCode()).isEqualTo(401);

            RequestCounts.assertExactly(registry, shape, 2, 1, 1);
        } finally {
            engine.close();
        }
    }

    /**
     * README ("Asynchronous requests"): a filter mapped for {@code ASYNC} too, or by a mapping that
     * names no dispatcher type (which Jetty applies to an async-supported filter's asynchronous
     * dispatches), decides the asynchronous dispatch again: a plain servlet reached by it gets the
     * principal, and the request is counted once per dispatch the filter decided. Positive control:
     * alice passes.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"REQUEST and ASYNC", "no dispatcher type named"})
    void asyncDispatchWhenFilterGuardsItThenDecidedAgain(String mapping, @TempDir java.nio.file.Path dir)
            throws Exception {
        TokenMint mint = new TokenMint(dir);
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Runtimes.Deployed server = deploy(true, dir, mint, registry, mapping.startsWith("REQUEST")
                ? EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC) : null)) {
            URI app = server.base.resolve("/app/");
            HttpResponse<String> plain = Http.get(app, "hop/who/1", mint.token("alice"));
            assertThat(plain.statusCode()).as("positive control: " + plain.body()).isEqualTo(200);
            assertThat(plain.body()).isEqualTo("principal=alice");
            HttpResponse<String> routed = Http.get(app, "hop/who/2", mint.token("alice"));
            assertThat(routed.statusCode()).as("the target's route, decided in the async dispatch: " + routed.body())
                    .isEqualTo(403);
            assertThat(Http.get(app, "hop/who/1", null).statusCode()).isEqualTo(401);

            RequestCounts.assertExactly(registry, mapping + ": one per dispatch decided", 3, 1, 1);
        }
    }
}
