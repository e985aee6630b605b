package dev.portcullis.jaxrs;

import dev.portcullis.Portcullis;
import dev.portcullis.attributes.internal.AttributeCache;
import dev.portcullis.attributes.AttributeSourceException;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import dev.portcullis.internal.audit.DecisionLog;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.hygiene.ClaimHygiene;
import dev.portcullis.policy.internal.CerbosPolicyEvaluator;
import dev.portcullis.servlet.PortcullisFilter;
import dev.portcullis.token.internal.TokenSettings;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;
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
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of issue 15: one table of cases, run through the servlet filter (a route-protected
 * servlet on Jetty) and through standalone JAX-RS on Jersey (Grizzly) and RESTEasy (servlet, no
 * Portcullis filter), must give the same status, reason, {@code WWW-Authenticate} challenge,
 * problem type and decision-log record (effect, reason, resource kind and action, decision id)
 * in every adapter, because every adapter asks the engine's one entry point.
 */
class EngineContractTest {
    private static final String POLICY_DOCUMENTS = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: document",
            "  version: default",
            "  rules:",
            "    - name: read-owner",
            "      actions: ['read']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['user']",
            "      condition:",
            "        match:",
            "          expr: R.attr.owner == P.id",
            "");
    /** A condition that fails at run time: reports have no attributes. */
    private static final String POLICY_REPORTS = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: report",
            "  version: default",
            "  rules:",
            "    - name: read-classified",
            "      actions: ['read']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['user']",
            "      condition:",
            "        match:",
            "          expr: R.attr.classification.level < 3",
            "");
    private static final String ROUTES = String.join("\n",
            "unmatched: deny",
            "routes:",
            "  - route: GET /api/documents/{id}",
            "    resource: document",
            "    action: read",
            "    id: \"{id}\"",
            "  - route: GET /api/reports/{id}",
            "    resource: report",
            "    action: read",
            "    id: \"{id}\"",
            "");

    @TempDir
    static java.nio.file.Path dir;

    private static TokenMint mint;
    /** HTTP/1.1: through the default client (HTTP/2 preferred, h2c upgrade) Grizzly answered without Content-Type. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** Per adapter: its main deployment and its deployment whose key endpoint is down. */
    private static final Map<String, Adapter> ADAPTERS = new LinkedHashMap<>();

    /** The resource of the JAX-RS runtimes: the same endpoints as the route table. */
    @Path("/api")
    @Produces(MediaType.TEXT_PLAIN)
    public static class ContractResource {
        @GET
        @Path("documents/{id}")
        @RequiresPermission(resource = "document", action = "read", id = "{id}")
        public String document(@PathParam("id") String id) {
            return "document " + id;
        }

        @GET
        @Path("reports/{id}")
        @RequiresPermission(resource = "report", action = "read", id = "{id}")
        public String report(@PathParam("id") String id) {
            return "report " + id;
        }
    }

    /** One row of the table. */
    private static final class Case {
        final String name;
        final String path;
        final String authorization;
        final boolean keysDown;
        final int status;
        final String reason;
        final String challenge;
        /** Expected record "effect reason kind:action", or null for none. */
        final String record;

        Case(String name, String path, String authorization, boolean keysDown, int status, String reason,
             String challenge, String record) {
            this.name = name;
            this.path = path;
            this.authorization = authorization;
            this.keysDown = keysDown;
            this.status = status;
            this.reason = reason;
            this.challenge = challenge;
            this.record = record;
        }
    }

    /** The source of principals: "down" is a store outage, "zed" unknown, carol disabled. */
    private static final class Principals implements dev.portcullis.attributes.AttributeSource {
        @Override
        public PrincipalAttributes load(String issuer, String subject) throws AttributeSourceException {
            if (subject.equals("down")) {
                throw new AttributeSourceException("store unreachable (test)");
            }
            if (!Set.of("alice", "bob", "carol").contains(subject)) {
                return PrincipalAttributes.unknown(issuer, subject, Instant.now());
            }
            PrincipalStatus status = subject.equals("carol") ? PrincipalStatus.DISABLED : PrincipalStatus.ACTIVE;
            return PrincipalAttributes.builder(issuer, subject).status(status).roles(Set.of("user"))
                    .loadedAt(Instant.now()).build();
        }
    }

    /** An adapter's deployments and the decision records their engines wrote. */
    private static final class Adapter {
        final List<String> records = new CopyOnWriteArrayList<>();
        URI main;
        URI keysDown;
        final List<AutoCloseable> stops = new ArrayList<>();
    }

    @BeforeAll
    static void deploy() throws Exception {
        mint = new TokenMint(dir.resolve("keys"));
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/documents.yaml"), POLICY_DOCUMENTS);
        Files.writeString(dir.resolve("policies/reports.yaml"), POLICY_REPORTS);
        Files.writeString(dir.resolve("routes.yaml"), ROUTES);
        for (String name : List.of("servlet filter", "Jersey", "RESTEasy")) {
            Adapter a = new Adapter();
            ADAPTERS.put(name, a);
            a.main = deploy(name, a, engine(mint.settings(), a));
            Map<String, String> down = new HashMap<>(mint.settings());
            down.remove("portcullis.jwks-file");
            down.put("portcullis.jwks-uri", "http://127.0.0.1:9/jwks"); // nothing listens: keys unavailable
            a.keysDown = deploy(name, a, engine(down, a));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (Adapter a : ADAPTERS.values()) {
            for (AutoCloseable stop : a.stops) {
                stop.close();
            }
        }
    }

    /** An engine built from parts: the test's principals and policies, records to the adapter's list. */
    private static Function<Settings, Portcullis> engine(Map<String, String> params, Adapter adapter) {
        return ignored -> {
            Settings settings = Settings.fromSystem(params, Map.of());
            return Portcullis.builder()
                    .extractor(TokenSettings.extractor(settings))
                    .validator(TokenSettings.validator(settings, Clock.systemUTC(), (issuer, kids) -> { }))
                    .hygiene(ClaimHygiene.fromSettings(settings))
                    .attributes(AttributeCache.builder().source(new Principals()).build())
                    .policy(CerbosPolicyEvaluator.load(dir.resolve("policies")))
                    .resources(new DocumentOwners())
                    .decisions(DecisionLog.builder().sink(adapter.records::add).start())
                    .build();
        };
    }

    private static URI deploy(String adapter, Adapter a, Function<Settings, Portcullis> engine) throws Exception {
        switch (adapter) {
            case "servlet filter":
                return filter(a, engine);
            case "Jersey": {
                Portcullis e = engine.apply(null);
                Runtimes.Deployed d = Runtimes.jerseyGrizzly(new ResourceConfig(ContractResource.class)
                        .register(new PortcullisFeature(e)));
                a.stops.add(d);
                a.stops.add(e);
                return d.base;
            }
            default: {
                Portcullis e = engine.apply(null);
                Runtimes.Deployed d = Runtimes.resteasyServlet(Runtimes.application(List.of(ContractResource.class),
                        List.of(new PortcullisFeature(e))), null);
                a.stops.add(d);
                a.stops.add(e);
                return d.base;
            }
        }
    }

    /** Jetty with the Portcullis filter (its engine from {@code engine}) before a plain servlet. */
    private static URI filter(Adapter a, Function<Settings, Portcullis> engine) throws Exception {
        Server server = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler("/");
        FilterHolder filter = new FilterHolder(new PortcullisFilter() {
            @Override
            protected Portcullis createEngine(Settings settings) {
                return engine.apply(settings);
            }
        });
        filter.setInitParameters(Map.of("portcullis.routes", dir.resolve("routes.yaml").toString()));
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
        a.stops.add(server::stop);
        return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/");
    }

    private static List<Case> cases() {
        String oversized = "eyJhbGciOiJSUzI1NiJ9." + "a".repeat(5000) + ".c2ln";
        String realm = "Bearer realm=\"portcullis\"";
        String invalid = realm + ", error=\"invalid_token\"";
        return List.of(
                new Case("no token", "/api/documents/1", null, false, 401, "missing_token", realm, null),
                new Case("bad signature", "/api/documents/1", mint.forged("alice"), false, 401, "bad_signature",
                        invalid, null),
                new Case("oversized token", "/api/documents/1", oversized, false, 401, "token_too_large", invalid, null),
                new Case("forbidden claims", "/api/documents/1", mint.tokenClaimingRoles("alice", List.of("admin")),
                        false, 401, "forbidden_claims", invalid, null),
                new Case("disabled principal", "/api/documents/1", mint.token("carol"), false, 403,
                        "principal_disabled", null, "DENY principal_disabled null:null"),
                new Case("unknown principal", "/api/documents/1", mint.token("zed"), false, 403,
                        "principal_unknown", null, "DENY principal_unknown null:null"),
                new Case("denied by policy", "/api/documents/1", mint.token("bob"), false, 403, "access_denied", null,
                        "DENY access_denied document:read"),
                new Case("allowed", "/api/documents/1", mint.token("alice"), false, 200, null, null,
                        "ALLOW null document:read"),
                // the record's path never carries the query string (it may hold a token or personal data)
                new Case("denied, with a query", "/api/documents/1?x=secret", mint.token("bob"), false, 403,
                        "access_denied", null, "DENY access_denied document:read"),
                new Case("allowed, with a query", "/api/documents/1?x=secret", mint.token("alice"), false, 200, null,
                        null, "ALLOW null document:read"),
                new Case("attribute store down", "/api/documents/1", mint.token("down"), false, 503,
                        "attributes_unavailable", null, null),
                new Case("keys down", "/api/documents/1", mint.token("alice"), true, 503, "keys_unavailable", null,
                        null),
                new Case("policy evaluation error", "/api/reports/7", mint.token("alice"), false, 403,
                        "access_denied", null, "DENY access_denied report:read"));
    }

    @Test
    void decideWhenSameCaseThroughEveryAdapterThenSameAnswerAndRecord() throws Exception {
        Map<String, Map<String, String>> seen = new LinkedHashMap<>();
        for (Case c : cases()) {
            for (Map.Entry<String, Adapter> e : ADAPTERS.entrySet()) {
                String where = c.name + " through " + e.getKey();
                Adapter a = e.getValue();
                a.records.clear();
                HttpRequest.Builder request = HttpRequest.newBuilder((c.keysDown ? a.keysDown : a.main)
                        .resolve(c.path.substring(1))).GET();
                if (c.authorization != null) {
                    request.header("Authorization", "Bearer " + c.authorization);
                }
                HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
                String answer = answer(where, c, response);
                String record = record(where, c, a);
                seen.computeIfAbsent(c.name, k -> new LinkedHashMap<>()).put(e.getKey(), answer + " | " + record);
            }
        }
        for (Map.Entry<String, Map<String, String>> byCase : seen.entrySet()) {
            assertThat(new java.util.HashSet<>(byCase.getValue().values()))
                    .as("the same answer and record from every adapter for '%s': %s", byCase.getKey(),
                            byCase.getValue())
                    .hasSize(1);
        }
    }

    /** Asserts the answer against the table; returns what must be the same across adapters. */
    private static String answer(String where, Case c, HttpResponse<String> response) throws JoseException {
        assertThat(response.statusCode()).as(where + ": status (body %s)", response.body()).isEqualTo(c.status);
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse(null);
        if (c.challenge == null) {
            assertThat(challenge).as(where + ": no challenge").isNull();
        } else {
            assertThat(challenge).as(where + ": challenge").startsWith(c.challenge);
        }
        if (c.status == 200) {
            return "200";
        }
        assertThat(response.headers().firstValue("Content-Type").orElse("")).as(where + ": media type")
                .startsWith("application/problem+json");
        assertThat(response.headers().firstValue("Cache-Control")).as(where + ": Cache-Control").hasValue("no-store");
        Map<String, Object> problem = JsonUtil.parseJson(response.body());
        assertThat(problem.get("reason")).as(where + ": reason").isEqualTo(c.reason);
        assertThat(problem.get("type")).as(where + ": problem type")
                .isEqualTo("https://portcullis.dev/problems/" + c.reason);
        assertThat(problem.get("status")).as(where + ": problem status").isEqualTo((long) c.status);
        if (c.status == 503) {
            assertThat(response.headers().firstValue("Retry-After")).as(where + ": Retry-After").isPresent();
        }
        boolean decisionId = problem.containsKey("decision_id");
        assertThat(decisionId).as(where + ": decision_id in the body").isEqualTo(c.record != null);
        return c.status + " " + problem.get("reason") + " " + problem.get("type") + " " + challenge
                + " decision_id=" + decisionId;
    }

    /** Asserts the decision record against the table; returns what must be the same across adapters. */
    private static String record(String where, Case c, Adapter a) throws Exception {
        if (c.record == null) {
            Thread.sleep(150); // the log is asynchronous: give a wrong record the time to show
            assertThat(a.records).as(where + ": no decision record").isEmpty();
            return "no record";
        }
        long until = System.nanoTime() + 5_000_000_000L;
        while (a.records.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(a.records).as(where + ": one decision record").hasSize(1);
        Map<String, Object> r = JsonUtil.parseJson(a.records.get(0));
        String summary = r.get("effect") + " " + r.get("reason") + " " + r.get("resource_kind") + ":" + r.get("action");
        assertThat(summary).as(where + ": decision record " + r).isEqualTo(c.record);
        assertThat(r.get("decision_id")).as(where + ": record's decision id").isNotNull();
        assertThat(r.get("path")).as(where + ": record's path, without the query").isEqualTo(c.path.split("[?]")[0]);
        return summary + " decision_id=" + (r.get("decision_id") != null);
    }
}
