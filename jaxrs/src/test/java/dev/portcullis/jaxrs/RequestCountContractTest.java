package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.config.Settings;
import dev.portcullis.servlet.PortcullisFilter;
import dev.portcullis.testing.RequestCounts;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Response;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README ("Metrics"): {@code portcullis.requests} counts each request once, by the outcome of its
 * last engine step, on every deployment shape: JAX-RS behind the servlet filter (the filter's step
 * and the method's check are one request) on Jersey and on RESTEasy, and each runtime without the
 * filter: Jersey on its own HTTP server, RESTEasy's servlet (the authentication step and the check
 * are one request). A request that an application filter aborts between authentication and the
 * check is still counted once, as admitted (the authentication step, settled on the response).
 * Positive controls: the admin's and the plain requests pass.
 */
class RequestCountContractTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** An application filter between authentication and authorization that answers 418 when asked to. */
    @Priority(Priorities.AUTHENTICATION + 500)
    public static class Teapot implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext request) {
            if (request.getHeaderString("X-Teapot") != null) {
                request.abortWith(Response.status(418).build());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jersey behind the filter", "resteasy behind the filter", "jersey on grizzly",
            "resteasy alone"})
    void requestsWhenServedThenEachCountedOnce(String shape, @TempDir Path dir) throws Exception {
        TokenMint mint = new TokenMint(dir);
        Map<String, String> settings = new HashMap<>(new TestStore(dir).settings(mint));
        MeterRegistry registry = new SimpleMeterRegistry();
        Portcullis own = null;
        Runtimes.Deployed server;
        if (shape.equals("jersey on grizzly")) {
            own = Portcullis.fromSettings(Settings.of(settings), Clock.systemUTC(), b -> b.metrics(registry));
            server = Runtimes.jerseyGrizzly(new ResourceConfig(TestResources.ThingResource.class, Teapot.class)
                    .register(new PortcullisFeature(own)));
        } else if (shape.equals("resteasy alone")) {
            own = Portcullis.fromSettings(Settings.of(settings), Clock.systemUTC(), b -> b.metrics(registry));
            server = Runtimes.resteasyServlet(Runtimes.application(List.of(TestResources.ThingResource.class,
                    Teapot.class), List.of(new PortcullisFeature(own))), null);
        } else {
            settings.put(PortcullisFilter.PUBLIC_PATHS_PARAM, Runtimes.PUBLIC_PATHS);
            boolean jersey = shape.startsWith("jersey");
            server = Runtimes.behindFilterAt(jersey,
                    jersey ? new ResourceConfig(TestResources.ThingResource.class, Teapot.class)
                            .register(PortcullisFeature.class) : null,
                    jersey ? null : Runtimes.application(List.of(TestResources.ThingResource.class, Teapot.class,
                            PortcullisFeature.class), List.of()),
                    settings, "/", "/*", Map.of(PortcullisFilter.METRICS_REGISTRY_ATTRIBUTE, registry));
        }
        try (Runtimes.Deployed s = server) {
            String root = mint.token("root");
            for (int i = 0; i < 3; i++) {
                assertThat(get(s, "things/admin", root, false).statusCode()).as("positive control").isEqualTo(200);
            }
            for (int i = 0; i < 2; i++) {
                assertThat(get(s, "things/admin", mint.token("bob"), false).statusCode()).isEqualTo(403);
            }
            assertThat(get(s, "things/plain", root, false).statusCode()).isEqualTo(200);
            assertThat(get(s, "things/plain", root, true).statusCode()).as("aborted by the application").isEqualTo(418);
            assertThat(get(s, "things/plain", null, false).statusCode()).isEqualTo(401);

            RequestCounts.assertExactly(registry, shape, 5, 2, 1);
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }

    private static HttpResponse<String> get(Runtimes.Deployed server, String path, String token, boolean teapot)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.base.resolve(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (teapot) {
            request.header("X-Teapot", "yes");
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
