package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.attributes.internal.AttributeCache;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.EngineParts;
import dev.portcullis.servlet.PortcullisFilter;

import com.sun.net.httpserver.HttpServer;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the servlet filter in front, the JAX-RS layer reuses the identity the filter verified (and
 * the attributes it admitted the principal with), but only when it serves the request with the
 * filter's very engine. A feature given an engine of its
 * own (here one whose keys come from a JWKS endpoint that counts its fetches) verifies every
 * token itself: an identity verified under another engine's settings is never trusted.
 */
class NoDoubleVerificationTest {
    private TokenMint mint;
    private HttpServer jwksServer;
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private Portcullis jaxrsEngine;
    private Map<String, String> filterParams;

    /** Under the filter's public prefix, so the filter lets it through and JAX-RS must verify. */
    @Path("/public")
    @Produces(MediaType.TEXT_PLAIN)
    public static class UnfilteredResource {
        @GET
        @Path("me")
        public String me(@Context SecurityContext security) {
            return "me " + TestResources.describe(security);
        }

        @GET
        @Path("open")
        @PermitAll
        public String open() {
            return "open";
        }
    }

    @BeforeEach
    void setUp(@TempDir java.nio.file.Path dir) throws Exception {
        mint = new TokenMint(dir);
        byte[] jwks = mint.jwks().getBytes(StandardCharsets.UTF_8);
        jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwksServer.createContext("/jwks", exchange -> {
            jwksFetches.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        jwksServer.start();
        Map<String, String> settings = new HashMap<>(mint.settings());
        settings.remove("portcullis.jwks-file");
        settings.put("portcullis.jwks-uri", "http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks");
        jaxrsEngine = Portcullis.fromSettings(Settings.of(settings));
        filterParams = new HashMap<>(mint.settings());
        filterParams.put(PortcullisFilter.PUBLIC_PATHS_PARAM, Runtimes.PUBLIC_PATHS);
        // the filter's engine reads attributes from a store, so its look-ups can be counted
        Map<String, String> store = new TestStore(dir).settings(mint);
        for (String name : List.of("portcullis.attributes.source", "portcullis.attributes.file",
                "portcullis.attributes.file-check-interval")) {
            filterParams.put(name, store.get(name));
        }
    }

    @AfterEach
    void tearDown() {
        jwksServer.stop(0);
    }

    private Runtimes.Deployed jersey() throws Exception {
        return Runtimes.jerseyServlet(new ResourceConfig(TestResources.ThingResource.class, UnfilteredResource.class)
                .register(new PortcullisFeature(jaxrsEngine)), filterParams);
    }

    private Runtimes.Deployed resteasy() throws Exception {
        return Runtimes.resteasyServlet(Runtimes.application(
                List.of(TestResources.ThingResource.class, UnfilteredResource.class),
                List.of(new PortcullisFeature(jaxrsEngine))), filterParams);
    }

    /** The feature found by class: it serves requests with the filter's engine. */
    private Runtimes.Deployed jerseyWithFilterEngine() throws Exception {
        return Runtimes.jerseyServlet(new ResourceConfig(TestResources.ThingResource.class, UnfilteredResource.class)
                .register(PortcullisFeature.class), filterParams);
    }

    private Runtimes.Deployed resteasyWithFilterEngine() throws Exception {
        return Runtimes.resteasyServlet(Runtimes.application(
                List.of(TestResources.ThingResource.class, UnfilteredResource.class, PortcullisFeature.class),
                List.of()), filterParams);
    }

    /** Three distinct tokens: the filter's engine verified each once, and nobody asked it again. */
    private void assertFilteredRequestsAreNotVerifiedAgain(Runtimes.Deployed server) {
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = Http.get(server.base, "things/plain", mint.token("bob"));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("plain bob scheme=Bearer admin=false");
        }

        assertThat(EngineParts.of(server.filterEngine()).tokenCache().misses()).isEqualTo(3);
        assertThat(EngineParts.of(server.filterEngine()).tokenCache().hits()).isZero();
        // nor were bob's attributes looked up again: JAX-RS continued from the filter's admission
        AttributeCache attributes = EngineParts.of(server.filterEngine()).attributeCache();
        assertThat(attributes.hits() + attributes.misses()).as("attribute look-ups for 3 requests").isEqualTo(3);
    }

    /** The feature's own engine verified the filtered requests again, with its own keys. */
    private void assertFilteredRequestsAreVerifiedByOwnEngine(Runtimes.Deployed server) {
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = Http.get(server.base, "things/plain", mint.token("bob"));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("plain bob scheme=Bearer admin=false");
        }

        assertThat(jwksFetches).hasValue(1);
        assertThat(EngineParts.of(jaxrsEngine).tokenValidator().keyFetchCount(TokenMint.ISSUER)).isEqualTo(1);
        assertThat(EngineParts.of(jaxrsEngine).tokenCache().misses()).isEqualTo(3);
    }

    private void assertUnfilteredRequestIsVerifiedByJaxrs(Runtimes.Deployed server) {
        HttpResponse<String> response = Http.get(server.base, "public/me", mint.token("bob"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("me bob scheme=Bearer admin=false");
        assertThat(jwksFetches).hasValue(1);
        assertThat(EngineParts.of(jaxrsEngine).tokenValidator().keyFetchCount(TokenMint.ISSUER)).isEqualTo(1);
    }

    @Test
    void jerseyWhenFeatureUsesFilterEngineThenNoSecondVerification() throws Exception {
        try (Runtimes.Deployed server = jerseyWithFilterEngine()) {
            assertFilteredRequestsAreNotVerifiedAgain(server);
        }
    }

    @Test
    void jerseyWhenFeatureHasItsOwnEngineThenItVerifiesFilteredRequestsItself() throws Exception {
        try (Runtimes.Deployed server = jersey()) {
            assertFilteredRequestsAreVerifiedByOwnEngine(server);
        }
    }

    @Test
    void jerseyWhenServletFilterSkippedPathThenJaxrsVerifies() throws Exception {
        try (Runtimes.Deployed server = jersey()) {
            assertUnfilteredRequestIsVerifiedByJaxrs(server);
            assertThat(Http.get(server.base, "public/me", null).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void resteasyWhenFeatureUsesFilterEngineThenNoSecondVerification() throws Exception {
        try (Runtimes.Deployed server = resteasyWithFilterEngine()) {
            assertFilteredRequestsAreNotVerifiedAgain(server);
        }
    }

    @Test
    void resteasyWhenFeatureHasItsOwnEngineThenItVerifiesFilteredRequestsItself() throws Exception {
        try (Runtimes.Deployed server = resteasy()) {
            assertFilteredRequestsAreVerifiedByOwnEngine(server);
        }
    }

    @Test
    void resteasyWhenServletFilterSkippedPathThenJaxrsVerifies() throws Exception {
        try (Runtimes.Deployed server = resteasy()) {
            assertUnfilteredRequestIsVerifiedByJaxrs(server);
            assertThat(Http.get(server.base, "public/me", null).statusCode()).isEqualTo(401);
        }
    }
}
