package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.attributes.internal.AttributeCache;
import dev.portcullis.attributes.AttributeSourceException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The demo WAR on two embedded Jetty nodes (each in its own web-app class loader) sharing a real
 * Terracotta server and one H2 database: a revocation on node A refuses Bob on node B at once
 * (measured over 20 trials), and losing the cluster never turns into a 500.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusteredDemoIT {
    private static final String ISSUER = "urn:portcullis:demo:dev-issuer";
    private static final int TRIALS = 20;
    /** Short, so that the outage test sees entries expire; the bound it checks is this TTL. */
    private static final Duration TTL = Duration.ofSeconds(4);
    private static final Duration CLUSTER_TIMEOUT = Duration.ofSeconds(1);
    /** Generous: a bounded wait on a shared 2-core machine, not a benchmark. */
    private static final Duration MARGIN = Duration.ofMillis(2000);
    private static final Pattern TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final List<String> PROPERTIES = List.of("portcullis.jwks-uri",
            "portcullis.attributes.jdbc.url", AttributeCache.CLUSTER_URI, AttributeCache.CLUSTER_TIMEOUT,
            AttributeCache.CLUSTER_MB, AttributeCache.TTL);

    private static TerracottaServer terracotta;
    private static Server nodeA;
    private static Server nodeB;
    private static String jdbcUrl;
    private static URI clusterUri;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static String a;
    private static String b;
    private static String bob;
    private static String alice;
    private static String carol;
    private static Path work;

    @BeforeAll
    static void start() throws Exception {
        work = Path.of(System.getProperty("it.work.dir", "target/it-work"), "demo-cluster-" + System.currentTimeMillis());
        Files.createDirectories(work);
        Path war = Path.of(System.getProperty("it.war", "target/wars/portcullis-demo-war.war"));
        assertThat(war).exists();
        terracotta = new TerracottaServer(work.resolve("terracotta"), 128).start();
        clusterUri = terracotta.uri("portcullis-demo");
        int portA = TerracottaServer.freePort();
        int portB = TerracottaServer.freePort();
        a = "http://127.0.0.1:" + portA;
        b = "http://127.0.0.1:" + portB;
        jdbcUrl = "jdbc:h2:file:" + work.resolve("db/portcullis").toAbsolutePath() + ";AUTO_SERVER=TRUE";
        // both nodes read the same settings (system properties beat the WAR's context-params)
        System.setProperty("portcullis.jwks-uri", a + "/dev/jwks.json"); // both trust A's dev issuer
        System.setProperty("portcullis.attributes.jdbc.url", jdbcUrl);
        System.setProperty(AttributeCache.CLUSTER_URI, clusterUri.toString());
        System.setProperty(AttributeCache.CLUSTER_TIMEOUT, CLUSTER_TIMEOUT.toMillis() + "ms");
        System.setProperty(AttributeCache.CLUSTER_MB, "4");
        System.setProperty(AttributeCache.TTL, TTL.toMillis() + "ms");
        nodeA = node(portA, war); // seeds the database
        nodeB = node(portB, war);
        alice = token("alice");
        bob = token("bob");
        carol = token("carol");
    }

    @AfterAll
    static void stop() throws Exception {
        Exception failure = null;
        for (Server s : new Server[] {nodeB, nodeA}) {
            if (s != null) {
                try {
                    s.stop();
                } catch (Exception e) {
                    failure = e;
                }
            }
        }
        if (terracotta != null) {
            terracotta.close();
        }
        PROPERTIES.forEach(System::clearProperty);
        if (failure != null) {
            throw failure;
        }
    }

    private static Server node(int port, Path war) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setWar(war.toString());
        webapp.setTempDirectory(work.resolve("jetty-" + port).toFile());
        webapp.setThrowUnavailableOnStartupException(true);
        webapp.getHiddenClassMatcher().add("org.slf4j.");
        // one H2 driver for the JVM: java.sql.DriverManager hands a web application only drivers
        // of its own class loader, and no code in the WAR loads its copy of the driver class
        webapp.getProtectedClassMatcher().add("org.h2.");
        server.setHandler(webapp);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return server;
    }

    private static String token(String sub) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(a + "/dev/token?sub=" + sub + "&ttl=3600"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        Matcher m = TOKEN.matcher(r.body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static HttpResponse<String> get(String node, String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> disable(String node, String user) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node + "/api/admin/users/" + user + "/disable"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + alice)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Re-enables bob in the database and revokes him through a third member of the cluster. */
    private static void reenableBob() throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE portcullis_principal SET status = 'ACTIVE', version = version + 1 WHERE issuer = ? AND subject = ?")) {
            ps.setString(1, ISSUER);
            ps.setString(2, "bob");
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        try (AttributeCache admin = AttributeCache.builder()
                .source((issuer, subject) -> {
                    throw new AttributeSourceException("this member only revokes");
                })
                .cluster(clusterUri).clusterMb(4).clusterTimeout(Duration.ofMillis(500)).build()) {
            admin.revoke(ISSUER, "bob");
        }
    }

    @Test
    @Order(1)
    void bobWhenRevokedOnNodeAThenRefusedOnNodeBAtOnce() throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int trial = 0; trial < TRIALS; trial++) {
            if (trial > 0) {
                reenableBob();
            }
            // Bob works on both nodes, and both now hold his ACTIVE attributes
            assertThat(get(a, "/api/documents/4", bob).statusCode()).isEqualTo(200);
            assertThat(get(b, "/api/documents/4", bob).statusCode()).isEqualTo(200);
            assertThat(get(b, "/api/documents/4", bob).statusCode()).isEqualTo(200);

            long t0 = System.nanoTime();
            HttpResponse<String> disabled = disable(a, "bob");
            assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
            HttpResponse<String> onB = get(b, "/api/documents/4", bob);
            int polls = 1;
            while (onB.statusCode() == 200 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10)) {
                onB = get(b, "/api/documents/4", bob);
                polls++;
            }
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(onB.statusCode()).as(onB.body()).isEqualTo(403);
            assertThat(onB.body()).contains("principal_disabled");
            // strongly consistent: the very first request on B after the revocation is refused
            assertThat(polls).isEqualTo(1);
            millis.add(elapsed);
        }
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        long p50 = sorted.get((int) Math.ceil(0.50 * sorted.size()) - 1);
        long p99 = sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1);
        String line = "revoke-on-A-to-403-on-B over " + TRIALS + " trials: p50=" + p50 + " ms p99=" + p99
                + " ms all=" + millis;
        System.out.println(line);
        Files.writeString(work.getParent().resolve("cluster-figures.txt"), line + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        assertThat(p99).isLessThanOrEqualTo(1000);
    }

    @Test
    @Order(2)
    void clusterKilledThenRevocationOnAHoldsOnBWithinTtlFreshReloadedUncachedRefusedNever500ThenReconnected()
            throws Exception {
        reenableBob();
        // A and B each hold both, freshly: Alice acts on A during the outage, within the TTL
        for (String node : List.of(a, b)) {
            for (String user : List.of(bob, alice)) {
                assertThat(get(node, "/api/documents/4", user).statusCode()).isEqualTo(200);
            }
        }

        terracotta.kill();
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<Long> answers = new ArrayList<>();
        long refusedAfter;
        try {
            // Bob is cached and fresh on B: still served
            assertThat(timed(answers, b, bob, "/api/documents/4").statusCode()).isEqualTo(200);

            // Alice disables Bob on node A during the outage: the database row and A's revocation
            long t0 = System.nanoTime();
            HttpResponse<String> disabled = disable(a, "bob");
            assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
            HttpResponse<String> onA = timed(answers, a, bob, "/api/documents/4");
            assertThat(onA.statusCode()).as(onA.body()).isEqualTo(403);
            // B refuses Bob once its entry is past its TTL (it reads the database again), not
            // after TTL + stale window; Alice, whom B holds too, stays allowed (positive control)
            HttpResponse<String> onB = timed(answers, b, bob, "/api/documents/4");
            while (onB.statusCode() == 200 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30)) {
                assertThat(timed(answers, b, alice, "/api/documents/4").statusCode()).isEqualTo(200);
                Thread.sleep(100);
                onB = timed(answers, b, bob, "/api/documents/4");
            }
            refusedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(onB.statusCode()).as(onB.body()).isEqualTo(403);
            assertThat(onB.body()).contains("principal_disabled");
            assertThat(refusedAfter).as("disable on A to 403 on B, ms").isLessThanOrEqualTo(
                    TTL.plus(CLUSTER_TIMEOUT).plus(MARGIN).toMillis());
            // Carol never came: refused with 503 and Retry-After, not loaded and not a 500 (asked
            // after Alice's action, so that the cluster timeout it waits out does not age her entry)
            HttpResponse<String> uncached = timed(answers, b, carol, "/api/documents/2");
            assertThat(uncached.statusCode()).as(uncached.body()).isEqualTo(503);
            assertThat(uncached.headers().firstValue("Retry-After")).isPresent();
            // past their TTL too: Alice is read again and allowed, Bob refused, Carol not loaded
            Thread.sleep(TTL.toMillis());
            for (int i = 0; i < 3; i++) {
                for (String node : List.of(a, b)) {
                    int aliceStatus = timed(answers, node, alice, "/api/documents/4").statusCode();
                    int bobStatus = timed(answers, node, bob, "/api/documents/4").statusCode();
                    int carolStatus = timed(answers, node, carol, "/api/documents/2").statusCode();
                    seen.merge(node + " alice " + aliceStatus, 1, Integer::sum);
                    seen.merge(node + " bob " + bobStatus, 1, Integer::sum);
                    seen.merge(node + " carol " + carolStatus, 1, Integer::sum);
                    assertThat(aliceStatus).isEqualTo(200);
                    assertThat(bobStatus).isEqualTo(403);
                    assertThat(carolStatus).isEqualTo(503);
                }
            }
        } finally {
            terracotta.start();
        }
        long longest = Collections.max(answers);
        String line = "outage (cluster killed, database up; ttl=" + TTL.toMillis() + " ms, cluster-timeout="
                + CLUSTER_TIMEOUT.toMillis() + " ms): disable-on-A-to-403-on-B=" + refusedAfter
                + " ms, longest answer=" + longest + " ms over " + answers.size() + " requests";
        System.out.println(line);
        Files.writeString(work.getParent().resolve("cluster-figures.txt"), line + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        assertThat(longest).as("longest answer during the outage, ms").isLessThanOrEqualTo(
                CLUSTER_TIMEOUT.plus(MARGIN).toMillis());

        // both nodes reconnect and serve Carol
        for (String node : List.of(b, a)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            int status = 0;
            while (System.nanoTime() < deadline) {
                status = get(node, "/api/documents/2", carol).statusCode();
                assertThat(status).isIn(200, 503);
                if (status == 200) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(status).as("node %s reconnected", node).isEqualTo(200);
        }
        reenableBob(); // through the cluster again
        assertThat(get(b, "/api/documents/4", bob).statusCode()).isEqualTo(200);
        System.out.println("during the outage: " + seen);
    }

    private static HttpResponse<String> timed(List<Long> answers, String node, String token, String path)
            throws Exception {
        long t = System.nanoTime();
        HttpResponse<String> r = get(node, path, token);
        answers.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t));
        assertThat(r.statusCode()).as(r.body()).isIn(200, 403, 503);
        return r;
    }
}
