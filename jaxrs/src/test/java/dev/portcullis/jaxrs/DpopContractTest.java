package dev.portcullis.jaxrs;

import dev.portcullis.testing.DpopProofs;

import dev.portcullis.Portcullis;
import dev.portcullis.config.Settings;
import dev.portcullis.servlet.PortcullisFilter;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DPoP attack table of issue 20 over real HTTP through every adapter: the servlet filter (route
 * table, Jetty), standalone JAX-RS on Jersey (Grizzly) and on RESTEasy (servlet), and Jersey behind
 * the servlet filter (the filter checks the proof, JAX-RS reuses that identity: the proof's
 * {@code jti} is used once, not refused as its own replay). Every attack gets the same status,
 * reason, problem type and {@code WWW-Authenticate} challenge in every adapter, and each adapter
 * admits the positive controls, because the engine alone checks proofs.
 */
class DpopContractTest {
    private static final String POLICY = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: document",
            "  version: default",
            "  rules:",
            "    - actions: ['read']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['user']",
            "      condition:",
            "        match:",
            "          expr: R.attr.owner == P.id",
            "---",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: report",
            "  version: default",
            "  rules:",
            "    - actions: ['read']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['user']",
            "");
    private static final String ROUTES = String.join("\n",
            "unmatched: deny",
            "routes:",
            "  - route: GET /api/documents/{id}",
            "    resource: document",
            "    action: read",
            "    id: \"{id}\"",
            "");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Map<String, URI> ADAPTERS = new LinkedHashMap<>();
    private static final List<AutoCloseable> STOPS = new ArrayList<>();

    @TempDir
    static Path dir;
    private static TokenMint mint;
    private static final DpopProofs CLIENT = DpopProofs.ec();

    @BeforeAll
    static void deploy() throws Exception {
        mint = new TokenMint(dir.resolve("keys"));
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/documents.yaml"), POLICY);
        Files.writeString(dir.resolve("routes.yaml"), ROUTES);
        Files.writeString(dir.resolve("principals.yaml"), "principals:\n  - {issuer: '" + mint.issuer()
                + "', subject: alice, status: ACTIVE, roles: [user]}\n");
        Map<String, String> settings = new HashMap<>(mint.settings());
        settings.put("portcullis.dpop-mode", "allowed");
        settings.put("portcullis.policy.dir", dir.resolve("policies").toString());
        settings.put("portcullis.attributes.source", "file");
        settings.put("portcullis.attributes.file", dir.resolve("principals.yaml").toString());
        settings.put("portcullis.resource-resolver", DocumentOwners.class.getName());

        Map<String, String> filterParams = new HashMap<>(settings);
        filterParams.put("portcullis.routes", dir.resolve("routes.yaml").toString());
        ADAPTERS.put("servlet filter", filter(filterParams));
        Portcullis jersey = Portcullis.fromSettings(Settings.of(settings));
        Runtimes.Deployed grizzly = Runtimes.jerseyGrizzly(new ResourceConfig(EngineContractTest.ContractResource.class)
                .register(new PortcullisFeature(jersey)));
        STOPS.add(grizzly);
        STOPS.add(jersey);
        ADAPTERS.put("Jersey", grizzly.base);
        Portcullis resteasy = Portcullis.fromSettings(Settings.of(settings));
        Runtimes.Deployed servlet = Runtimes.resteasyServlet(Runtimes.application(
                List.of(EngineContractTest.ContractResource.class), List.of(new PortcullisFeature(resteasy))), null);
        STOPS.add(servlet);
        STOPS.add(resteasy);
        ADAPTERS.put("RESTEasy", servlet.base);
        Map<String, String> behind = new HashMap<>(settings);
        Runtimes.Deployed behindFilter = Runtimes.jerseyServlet(new ResourceConfig(
                EngineContractTest.ContractResource.class).register(PortcullisFeature.class), behind);
        STOPS.add(behindFilter);
        ADAPTERS.put("Jersey behind the servlet filter", behindFilter.base);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable s : STOPS) {
            s.close();
        }
    }

    private static URI filter(Map<String, String> params) throws Exception {
        Server server = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler("/");
        FilterHolder filter = new FilterHolder(new PortcullisFilter());
        filter.setInitParameters(params);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("text/plain");
                response.getWriter().print("ok " + request.getRemoteUser());
            }
        }), "/*");
        server.setHandler(context);
        server.start();
        STOPS.add(server::stop);
        return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/");
    }

    /** One row: how to make the request's Authorization and DPoP headers from the URL and a fresh token. */
    private static final class Case {
        final String name;
        final int status;
        final String reason;
        final BiFunction<String, String, String[]> headers;

        Case(String name, int status, String reason, BiFunction<String, String, String[]> headers) {
            this.name = name;
            this.status = status;
            this.reason = reason;
            this.headers = headers;
        }
    }

    private static String[] dpop(String token, String... proofs) {
        String[] h = new String[2 + 2 * proofs.length];
        h[0] = "Authorization";
        h[1] = "DPoP " + token;
        for (int i = 0; i < proofs.length; i++) {
            h[2 + 2 * i] = "DPoP";
            h[3 + 2 * i] = proofs[i];
        }
        return h;
    }

    private static List<Case> cases() {
        return List.of(
                new Case("correct proof", 200, null, (url, t) -> dpop(t, CLIENT.proof("GET", url, t))),
                new Case("htu with query, default-port and case variations", 200, null, (url, t) -> dpop(t,
                        CLIENT.proof("GET", url.replace("http://127.0.0.1", "HTTP://127.0.0.1") + "?x=1#f", t))),
                new Case("wrong htm", 401, "invalid_dpop_proof", (url, t) -> dpop(t, CLIENT.proof("POST", url, t))),
                new Case("wrong htu", 401, "invalid_dpop_proof", (url, t) -> dpop(t,
                        CLIENT.proof("GET", url.replace("/documents/1", "/documents/2"), t))),
                new Case("stale iat", 401, "invalid_dpop_proof", (url, t) -> dpop(t, CLIENT.builder("GET", url, t)
                        .iat(Instant.now().minusSeconds(300)).sign())),
                new Case("future iat", 401, "invalid_dpop_proof", (url, t) -> dpop(t, CLIENT.builder("GET", url, t)
                        .iat(Instant.now().plusSeconds(300)).sign())),
                new Case("missing ath", 401, "invalid_dpop_proof", (url, t) -> dpop(t, CLIENT.builder("GET", url, t)
                        .claim("ath", null).sign())),
                new Case("wrong ath", 401, "invalid_dpop_proof", (url, t) -> dpop(t, CLIENT.builder("GET", url, t)
                        .claim("ath", DpopProofs.ath("x" + t)).sign())),
                new Case("HMAC proof", 401, "invalid_dpop_proof", (url, t) -> dpop(t, CLIENT.builder("GET", url, t)
                        .hmac("0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                        .sign())),
                new Case("none proof", 401, "invalid_dpop_proof", (url, t) -> dpop(t, CLIENT.builder("GET", url, t)
                        .none().sign())),
                new Case("private key in jwk", 401, "invalid_dpop_proof", (url, t) -> dpop(t,
                        CLIENT.builder("GET", url, t).withPrivateKeyInJwk().sign())),
                new Case("key not matching cnf.jkt", 401, "invalid_dpop_proof", (url, t) -> dpop(t,
                        CLIENT.builder("GET", url, t).signedBy(dev.portcullis.testing.TestKeys.newEc(null), "ES256").sign())),
                new Case("two DPoP headers", 401, "invalid_dpop_proof", (url, t) -> dpop(t,
                        CLIENT.proof("GET", url, t), CLIENT.proof("GET", url, t))),
                new Case("proof for another token", 401, "invalid_dpop_proof", (url, t) -> dpop(t,
                        CLIENT.proof("GET", url, boundToken()))),
                new Case("DPoP-bound token as Bearer", 401, "bound_token_as_bearer",
                        (url, t) -> new String[] {"Authorization", "Bearer " + t}));
    }

    private static String boundToken() {
        return mint.tokenWith("alice", Map.of("cnf", CLIENT.cnf()));
    }

    @Test
    void decideWhenDpopCaseThroughEveryAdapterThenSameAnswer() throws Exception {
        Map<String, Map<String, String>> seen = new LinkedHashMap<>();
        for (Case c : cases()) {
            for (Map.Entry<String, URI> adapter : ADAPTERS.entrySet()) {
                String where = c.name + " through " + adapter.getKey();
                URI uri = adapter.getValue().resolve("api/documents/1");
                HttpResponse<String> response = send(uri, c.headers.apply(uri.toString(), boundToken()));
                seen.computeIfAbsent(c.name, k -> new LinkedHashMap<>()).put(adapter.getKey(), answer(where, c, response));
            }
        }
        for (Map.Entry<String, Map<String, String>> byCase : seen.entrySet()) {
            assertThat(new java.util.HashSet<>(byCase.getValue().values()))
                    .as("the same answer from every adapter for '%s': %s", byCase.getKey(), byCase.getValue())
                    .hasSize(1);
        }
    }

    @Test
    void decideWhenProofReplayedThroughEveryAdapterThenSecondUseRefused() throws Exception {
        for (Map.Entry<String, URI> adapter : ADAPTERS.entrySet()) {
            URI uri = adapter.getValue().resolve("api/documents/1");
            String token = boundToken();
            String[] headers = dpop(token, CLIENT.proof("GET", uri.toString(), token));

            assertThat(send(uri, headers).statusCode()).as("first use through " + adapter.getKey()).isEqualTo(200);
            HttpResponse<String> replay = send(uri, headers);
            assertThat(replay.statusCode()).as("replay through " + adapter.getKey()).isEqualTo(401);
            assertThat(JsonUtil.parseJson(replay.body()).get("reason")).isEqualTo("invalid_dpop_proof");
        }
    }

    private static HttpResponse<String> send(URI uri, String[] headers) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).headers(headers).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String answer(String where, Case c, HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(where + ": status (body %s)", response.body()).isEqualTo(c.status);
        if (c.status == 200) {
            return "200";
        }
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
        assertThat(challenge).as(where + ": challenge").contains("DPoP realm=\"portcullis\"")
                .contains("algs=\"ES256 EdDSA PS256 RS256\"").startsWith("Bearer realm=\"portcullis\"");
        assertThat(response.headers().firstValue("Content-Type").orElse("")).as(where)
                .startsWith("application/problem+json");
        Map<String, Object> problem = JsonUtil.parseJson(response.body());
        assertThat(problem.get("reason")).as(where + ": reason").isEqualTo(c.reason);
        assertThat(problem.get("type")).isEqualTo("https://portcullis.dev/problems/" + c.reason);
        return c.status + " " + problem.get("reason") + " " + challenge;
    }
}
