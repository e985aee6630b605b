package dev.portcullis;

import dev.portcullis.config.Settings;
import dev.portcullis.internal.EngineParts;
import dev.portcullis.testing.JwksServer;
import dev.portcullis.testing.RequestCounts;
import dev.portcullis.testing.TestKeys;
import dev.portcullis.testing.Tokens;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's Micrometer meters (README, "Metrics"): each event is counted under the tags the
 * README names, the parts' own counters are bound (not copied), no tag ever carries a subject,
 * token, path or resource id, the README lists exactly the meters there are, and closing the
 * engine removes them.
 */
class MetricsTest {
    private static final String POLICY = String.join("\n",
            "apiVersion: api.cerbos.dev/v1",
            "resourcePolicy:",
            "  resource: document",
            "  version: default",
            "  rules:",
            "    - name: read",
            "      actions: ['read']",
            "      effect: EFFECT_ALLOW",
            "      roles: ['user']",
            "");
    private static final String PRINCIPALS = String.join("\n",
            "principals:",
            "  - {issuer: '" + Tokens.ISSUER + "', subject: alice, status: ACTIVE, roles: [user]}",
            "  - {issuer: '" + Tokens.ISSUER + "', subject: carol, status: DISABLED, roles: [user]}",
            "");
    /** The tag keys each meter may have: a closed set, none of them per request. */
    private static final Map<String, Set<String>> TAG_KEYS = Map.ofEntries(
            Map.entry("portcullis.decisions", Set.of("effect", "reason", "kind", "action")),
            Map.entry("portcullis.requests", Set.of("outcome", "reason")),
            Map.entry("portcullis.token.verifications", Set.of("result", "alg", "reason")),
            Map.entry("portcullis.token.cache", Set.of("result")),
            Map.entry("portcullis.jwks.fetches", Set.of("issuer")),
            Map.entry("portcullis.jwks.failures", Set.of("issuer")),
            Map.entry("portcullis.jwks.key.age", Set.of("issuer")),
            Map.entry("portcullis.attributes.cache", Set.of("result")),
            Map.entry("portcullis.attributes.loads", Set.of()),
            Map.entry("portcullis.attributes.load.failures", Set.of()),
            Map.entry("portcullis.attributes.load.latency", Set.of()),
            Map.entry("portcullis.attributes.stale.serves", Set.of()),
            Map.entry("portcullis.attributes.revocations", Set.of()),
            Map.entry("portcullis.policy.reloads", Set.of("result")),
            Map.entry("portcullis.decision.log.dropped", Set.of()),
            Map.entry("portcullis.decision.log.written", Set.of()),
            Map.entry("portcullis.hygiene.reports", Set.of("category")),
            Map.entry("portcullis.hygiene.refusals", Set.of("reason")));
    /** Only with a clustered cache (ClusteredAttributeCacheIT's setup); listed in the README too. */
    private static final String CLUSTER_ONLY = "portcullis.attributes.cluster.failures";

    @TempDir
    Path dir;
    private JwksServer idp;
    private MeterRegistry registry;
    private Portcullis engine;

    @BeforeEach
    void setUp() throws Exception {
        idp = JwksServer.serving(TestKeys.rsa());
        registry = new SimpleMeterRegistry();
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/policy.yaml"), POLICY);
        Files.writeString(dir.resolve("principals.yaml"), PRINCIPALS);
        Map<String, String> m = settings(idp);
        m.put("portcullis.policy.reload", "true");
        m.put("portcullis.hygiene.personal-data", "report");
        engine = Portcullis.fromSettings(Settings.of(m), Clock.systemUTC(), b -> b.metrics(registry));
    }

    /** An engine's settings: keys from {@code keys}, this test's policies and principals file. */
    private Map<String, String> settings(JwksServer keys) {
        return new HashMap<>(Map.of(
                "portcullis.issuer", Tokens.ISSUER, "portcullis.audience", Tokens.AUDIENCE,
                "portcullis.jwks-uri", keys.jwksUri().toString(),
                "portcullis.policy.dir", dir.resolve("policies").toString(),
                "portcullis.attributes.source", "file",
                "portcullis.attributes.file", dir.resolve("principals.yaml").toString()));
    }

    @AfterEach
    void tearDown() {
        engine.close();
        idp.close();
    }

    private static List<String> bearer(String subject) {
        return List.of("Bearer " + Tokens.signedWith(TestKeys.rsa()).subject(subject).sign());
    }

    private Outcome decide(String method, String path, List<String> authorization, String action) {
        return engine.decide(AccessRequest.builder(method, path).authorization(authorization)
                .requirement(Requirement.permission("document", action, "42", "Documents#" + action)).build());
    }

    private void exercise() throws InterruptedException {
        List<String> alice = bearer("alice");
        assertThat(decide("GET", "/docs/42", alice, "read").isAdmitted()).isTrue();
        assertThat(decide("GET", "/docs/42", alice, "read").isAdmitted()).as("token cache hit").isTrue();
        assertThat(decide("PUT", "/docs/42", alice, "update").reason()).isEqualTo(Reason.ACCESS_DENIED);
        assertThat(decide("GET", "/docs/42", bearer("carol"), "read").reason()).isEqualTo(Reason.PRINCIPAL_DISABLED);
        String forged = Tokens.signedWith(TestKeys.otherRsa()).kid(TestKeys.RSA_KID).subject("mallory").sign();
        assertThat(decide("GET", "/docs/42", List.of("Bearer " + forged), "read").reason())
                .isEqualTo(Reason.BAD_SIGNATURE);
        assertThat(decide("GET", "/docs/42", List.of(), "read").reason()).isEqualTo(Reason.MISSING_TOKEN);
        String withEmail = Tokens.signedWith(TestKeys.rsa()).subject("alice").claim("email", "alice@example.com").sign();
        assertThat(decide("GET", "/docs/42", List.of("Bearer " + withEmail), "read").isAdmitted()).isTrue();
        engine.revoke(Tokens.ISSUER, "alice");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (EngineParts.of(engine).decisionLog().written() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void decideThenEachEventIsCountedUnderItsTags() throws Exception {
        exercise();

        assertThat(registry.get("portcullis.decisions").tags("effect", "allow", "reason", "none", "kind", "document",
                "action", "read").functionTimer().count()).isEqualTo(3);
        assertThat(registry.get("portcullis.decisions").tags("effect", "deny", "reason", "access_denied", "kind",
                "document", "action", "update").functionTimer().count()).isEqualTo(1);
        assertThat(registry.get("portcullis.decisions").tags("effect", "deny", "reason", "principal_disabled",
                "kind", "none", "action", "none").functionTimer().count()).isEqualTo(1);
        assertThat(registry.get("portcullis.requests").tags("outcome", "admitted", "reason", "none").functionTimer().count())
                .isEqualTo(3);
        assertThat(registry.get("portcullis.requests").tags("outcome", "refused", "reason", "missing_token").functionTimer()
                .count()).isEqualTo(1);
        // the time is recorded with the count: three decisions took some time, and less than the test
        assertThat(registry.get("portcullis.requests").tags("outcome", "admitted", "reason", "none").functionTimer()
                .totalTime(TimeUnit.NANOSECONDS)).isPositive().isLessThan(60e9);
        assertThat(registry.get("portcullis.token.verifications").tags("result", "verified", "alg", "RS256").counter()
                .count()).isEqualTo(3);
        assertThat(registry.get("portcullis.token.verifications").tags("result", "refused", "alg", "none", "reason",
                "bad_signature").counter().count()).isEqualTo(1);
        assertThat(registry.get("portcullis.token.cache").tag("result", "hit").functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("portcullis.jwks.fetches").tag("issuer", Tokens.ISSUER).functionCounter().count())
                .isEqualTo(1);
        assertThat(registry.get("portcullis.jwks.failures").tag("issuer", Tokens.ISSUER).functionCounter().count())
                .isZero();
        assertThat(registry.get("portcullis.jwks.key.age").tag("issuer", Tokens.ISSUER).timeGauge().value())
                .isBetween(0.0, 60.0);
        assertThat(registry.get("portcullis.attributes.cache").tag("result", "miss").functionCounter().count())
                .isEqualTo(2);
        assertThat(registry.get("portcullis.attributes.loads").functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("portcullis.attributes.load.latency").functionTimer().count()).isEqualTo(2);
        assertThat(registry.get("portcullis.attributes.revocations").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("portcullis.attributes.load.failures").functionCounter().count()).isZero();
        assertThat(registry.get("portcullis.hygiene.reports").tag("category", "personal_data").functionCounter()
                .count()).isEqualTo(1);
        assertThat(registry.get("portcullis.hygiene.reports").tag("category", "authorization").functionCounter()
                .count()).isZero();
        assertThat(registry.get("portcullis.decision.log.written").functionCounter().count()).isGreaterThanOrEqualTo(4);
        assertThat(registry.get("portcullis.decision.log.dropped").functionCounter().count()).isZero();
        assertThat(registry.get("portcullis.policy.reloads").tag("result", "failure").functionCounter().count())
                .isZero();
    }

    /** The failure meters count failures: each is checked above zero, beside a success that counts nothing there. */
    @Test
    void failuresThenCountedUnderTheirMeters() throws Exception {
        String claimsRoles = Tokens.signedWith(TestKeys.rsa()).subject("alice").claim("roles", List.of("admin")).sign();
        assertThat(decide("GET", "/docs/42", List.of("Bearer " + claimsRoles), "read").reason())
                .isEqualTo(Reason.FORBIDDEN_CLAIMS);
        assertThat(decide("GET", "/docs/42", bearer("alice"), "read").isAdmitted()).as("positive control").isTrue();
        assertThat(registry.get("portcullis.hygiene.refusals").tag("reason", "forbidden_claims").functionCounter()
                .count()).isEqualTo(1);

        Files.writeString(dir.resolve("policies/broken.yaml"), "resourcePolicy: [not, a, policy\n");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (registry.get("portcullis.policy.reloads").tag("result", "failure").functionCounter().count() < 1
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(registry.get("portcullis.policy.reloads").tag("result", "failure").functionCounter().count())
                .as("the refused reload").isGreaterThanOrEqualTo(1);
        assertThat(registry.get("portcullis.policy.reloads").tag("result", "success").functionCounter().count())
                .as("nothing was swapped in").isZero();
        assertThat(decide("GET", "/docs/42", bearer("alice"), "read").isAdmitted())
                .as("the previous policies still decide").isTrue();
        assertThat(registry.get("portcullis.jwks.failures").tag("issuer", Tokens.ISSUER).functionCounter().count())
                .as("the keys were fetched").isZero();

        Files.delete(dir.resolve("policies/broken.yaml"));

        // an engine whose key server fails from the start
        SimpleMeterRegistry failing = new SimpleMeterRegistry();
        try (JwksServer down = JwksServer.serving(TestKeys.rsa());
             Portcullis keyless = Portcullis.fromSettings(Settings.of(settings(down)), Clock.systemUTC(),
                     b -> b.metrics(failing))) {
            down.fail(500);
            Outcome refused = keyless.decide(AccessRequest.builder("GET", "/docs/42").authorization(bearer("alice"))
                    .requirement(Requirement.authenticated()).build());
            assertThat(refused.reason()).isEqualTo(Reason.KEYS_UNAVAILABLE);
            assertThat(failing.get("portcullis.jwks.failures").tag("issuer", Tokens.ISSUER).functionCounter().count())
                    .as("the key fetch that failed").isEqualTo(1);
        }
    }

    /** The servlet filter's step of a request: authenticated, continuable by a JAX-RS check. */
    private Outcome filterStep(String method, String path, List<String> authorization) {
        return engine.decide(AccessRequest.builder(method, path).authorization(authorization)
                .requirement(Requirement.authenticated()).continuable().build());
    }

    private double requests(String outcome, String reason) {
        return RequestCounts.count(registry, outcome, reason);
    }

    /**
     * README ("Metrics"): a request the servlet filter admits and a JAX-RS check then decides is
     * counted once in {@code portcullis.requests}, by the check's outcome, with the time of both
     * steps; the filter's settling afterwards counts nothing more. The second step reuses the
     * first one's identity (one verification).
     */
    @Test
    void requestsWhenContinuedThenCountedOnceByTheLastOutcome() {
        List<String> alice = bearer("alice");
        Outcome filter = filterStep("PUT", "/docs/42", alice);
        assertThat(filter.isAdmitted()).as("positive control: the filter's step admits alice").isTrue();
        assertThat(requests("admitted", "none")).as("held for the step that continues it").isZero();

        Outcome check = engine.decide(AccessRequest.builder("PUT", "/docs/42").authorization(alice).after(filter)
                .requirement(Requirement.permission("document", "update", "42", "Documents#update")).build());
        assertThat(check.reason()).isEqualTo(Reason.ACCESS_DENIED);
        filter.settle();
        check.settle();

        assertThat(requests("admitted", "none")).isZero();
        assertThat(requests("refused", "access_denied")).isEqualTo(1);
        assertThat(registry.get("portcullis.token.verifications").tags("result", "verified", "alg", "RS256").counter()
                .count()).as("one verification for the two steps").isEqualTo(1);

        // an allowed check: counted once as admitted
        Outcome filter2 = filterStep("GET", "/docs/42", alice);
        Outcome read = engine.decide(AccessRequest.builder("GET", "/docs/42").authorization(alice).after(filter2)
                .requirement(Requirement.permission("document", "read", "42", "Documents#read")).build());
        assertThat(read.isAdmitted()).as("positive control: alice may read").isTrue();
        filter2.settle();
        assertThat(requests("admitted", "none")).isEqualTo(1);
    }

    /** A continued step's time is the sum of both steps' time: at least what the first step took. */
    @Test
    void requestsWhenContinuedThenTimeCoversBothSteps() {
        List<String> alice = bearer("alice");
        Outcome filter = filterStep("GET", "/docs/42", alice);
        long held = filter.take();
        assertThat(held).as("the held step's time").isPositive();
        filter.hold(held + 5_000_000_000L); // as if the first step had taken 5 s more
        engine.decide(AccessRequest.builder("GET", "/docs/42").authorization(alice).after(filter)
                .requirement(Requirement.permission("document", "read", "42", "Documents#read")).build());

        assertThat(requests("admitted", "none")).isEqualTo(1);
        assertThat(RequestCounts.nanos(registry, "admitted", "none")).isGreaterThanOrEqualTo(5_000_000_000.0).isLessThan(60e9);
    }

    /**
     * A continuable step that no later step continues (a servlet behind the filter, or a JAX-RS
     * filter that aborted before the check) is counted when the adapter settles it, once however
     * often it is settled; a refused continuable step is counted at once.
     */
    @Test
    void requestsWhenNotContinuedThenCountedOnceWhenSettled() {
        List<String> alice = bearer("alice");
        Outcome filter = filterStep("GET", "/app/whoami", alice);
        assertThat(filter.isAdmitted()).as("positive control").isTrue();
        assertThat(requests("admitted", "none")).isZero();

        filter.settle();
        filter.settle();
        assertThat(requests("admitted", "none")).isEqualTo(1);

        Outcome refused = filterStep("GET", "/app/whoami", List.of());
        assertThat(refused.reason()).isEqualTo(Reason.MISSING_TOKEN);
        assertThat(requests("refused", "missing_token")).as("a refusal is never held").isEqualTo(1);
        refused.settle();
        assertThat(requests("refused", "missing_token")).isEqualTo(1);
    }

    /** A step that is not continuable is counted at once, and settling it counts nothing more. */
    @Test
    void requestsWhenNotContinuableThenCountedAtOnce() {
        Outcome once = engine.decide(AccessRequest.builder("GET", "/app/whoami").authorization(bearer("alice"))
                .requirement(Requirement.authenticated()).build());
        assertThat(once.isAdmitted()).isTrue();
        assertThat(requests("admitted", "none")).isEqualTo(1);
        once.settle();
        assertThat(requests("admitted", "none")).isEqualTo(1);
    }

    /** Two threads settling the same held step at once: it is counted exactly once. */
    @Test
    void requestsWhenSettledConcurrentlyThenCountedOnce() throws Exception {
        List<String> alice = bearer("alice");
        int rounds = 500;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < rounds; i++) {
                Outcome filter = filterStep("GET", "/docs/42", alice);
                CountDownLatch go = new CountDownLatch(1);
                Callable<Void> settle = () -> {
                    go.await();
                    filter.settle();
                    return null;
                };
                Future<Void> a = pool.submit(settle);
                Future<Void> b = pool.submit(settle);
                go.countDown();
                a.get();
                b.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(requests("admitted", "none")).isEqualTo(rounds);
    }

    @Test
    void tagsAreBoundedAndNeverCarryRequestValues() throws Exception {
        exercise();

        List<Meter> meters = portcullisMeters();
        assertThat(meters).isNotEmpty();
        for (Meter meter : meters) {
            String name = meter.getId().getName();
            Set<String> keys = meter.getId().getTags().stream().map(Tag::getKey).collect(Collectors.toSet());
            assertThat(TAG_KEYS).as("a meter the README does not list: " + name).containsKey(name);
            assertThat(TAG_KEYS.get(name)).as(name + " tag keys").containsAll(keys);
            for (Tag tag : meter.getId().getTags()) {
                assertThat(tag.getValue()).as(meter.getId().toString())
                        .doesNotContain("alice").doesNotContain("carol").doesNotContain("mallory")
                        .doesNotContain("/docs").doesNotContain("42").doesNotContain("eyJ")
                        .doesNotContain("example.com");
            }
        }
        // bounded: six different requests made a handful of tag sets, not one per request
        assertThat(meters.stream().filter(m -> m.getId().getName().equals("portcullis.decisions")).count())
                .isEqualTo(3);
    }

    @Test
    void readmeListsExactlyTheMetersThereAre() throws Exception {
        exercise();
        String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("\n## Metrics");
        assertThat(start).as("README has a Metrics section").isPositive();
        String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `(portcullis\\.[a-z.]+)`").matcher(section);
        while (m.find()) {
            documented.add(m.group(1));
        }
        Set<String> registered = portcullisMeters().stream().map(x -> x.getId().getName())
                .collect(Collectors.toCollection(TreeSet::new));
        registered.add(CLUSTER_ONLY);
        assertThat(documented).isEqualTo(registered).isEqualTo(new TreeSet<>(concat(TAG_KEYS.keySet(), CLUSTER_ONLY)));
        for (Map.Entry<String, Set<String>> e : TAG_KEYS.entrySet()) {
            Matcher row = Pattern.compile("(?m)^\\| `" + Pattern.quote(e.getKey()) + "` \\|([^|]*)\\|").matcher(section);
            assertThat(row.find()).as(e.getKey()).isTrue();
            for (String key : e.getValue()) {
                assertThat(row.group(1)).as("README tags of " + e.getKey()).contains("`" + key + "`");
            }
        }
    }

    @Test
    void closeThenTheEngineLeavesNoMeterBehind() throws Exception {
        exercise();
        assertThat(portcullisMeters()).isNotEmpty();

        engine.close();

        assertThat(portcullisMeters()).isEmpty();
    }

    @Test
    void registryWhenNoneGivenThenMicrometersGlobalRegistryAndNothingLeftAfterClose() throws Exception {
        SimpleMeterRegistry global = new SimpleMeterRegistry();
        io.micrometer.core.instrument.Metrics.addRegistry(global);
        try {
            try (Portcullis unregistered = Portcullis.fromSettings(Settings.of(settings(idp)))) {
                unregistered.decide(AccessRequest.builder("GET", "/docs/42").authorization(bearer("alice"))
                        .requirement(Requirement.authenticated()).build());

                assertThat(global.find("portcullis.requests").tags("outcome", "admitted").functionTimer())
                        .as("the request, counted in the global registry").isNotNull()
                        .satisfies(t -> assertThat(t.count()).isEqualTo(1));
                assertThat(RequestCounts.total(registry))
                        .as("the registry given to another engine counted nothing").isZero();
            }
            assertThat(global.getMeters().stream().filter(x -> x.getId().getName().startsWith("portcullis.")))
                    .as("closing the engine removes its meters from the global registry").isEmpty();
        } finally {
            io.micrometer.core.instrument.Metrics.removeRegistry(global);
        }
    }

    @Test
    void builderWhenNotARegistryThenRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Portcullis.builder().metrics("registry"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a Micrometer MeterRegistry");
    }

    private List<Meter> portcullisMeters() {
        return registry.getMeters().stream().filter(m -> m.getId().getName().startsWith("portcullis."))
                .collect(Collectors.toList());
    }

    private static Set<String> concat(Set<String> names, String one) {
        Set<String> all = new TreeSet<>(names);
        all.add(one);
        return all;
    }
}
