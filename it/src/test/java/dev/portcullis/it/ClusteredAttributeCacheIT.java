package dev.portcullis.it;

import static dev.portcullis.it.SharedSource.ISSUER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.attributes.internal.AttributeCache;
import dev.portcullis.attributes.internal.AttributesUnavailableException;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two {@link AttributeCache} "nodes" sharing one real Terracotta server (from the Ehcache kit):
 * revocations on one node reach the other, a load racing a revocation does not repopulate the
 * cache, and a node that loses the cluster fails closed and reconnects.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusteredAttributeCacheIT {
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration STALE = Duration.ofSeconds(60);

    private static TerracottaServer server;

    private TestClock clock;
    private SharedSource db;
    private AttributeCache a;
    private AttributeCache b;
    private final List<AttributeCache> opened = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        Path work = Path.of(System.getProperty("it.work.dir", "target/it-work"), "terracotta-cache");
        Files.createDirectories(work);
        server = new TerracottaServer(work, 256).start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void nodes() {
        clock = new TestClock(Instant.parse("2026-11-29T00:00:00Z"));
        db = new SharedSource(clock);
        db.set("bob", PrincipalStatus.ACTIVE);
        db.set("carol", PrincipalStatus.ACTIVE);
        // a fresh entity per test: no state leaks between tests
        String entity = "cache-it-" + UUID.randomUUID();
        a = node(entity);
        b = node(entity);
    }

    private AttributeCache node(String entity) {
        AttributeCache cache = AttributeCache.builder()
                .source(db.node())
                .clock(clock)
                .ttl(TTL)
                .staleWindow(STALE)
                .loadTimeout(Duration.ofSeconds(5))
                .cluster(server.uri(entity))
                .clusterMb(2)
                .clusterTimeout(Duration.ofMillis(500))
                .build();
        opened.add(cache);
        return cache;
    }

    @AfterEach
    void closeNodes() {
        opened.forEach(AttributeCache::close);
    }

    @Test
    @Order(1)
    void getWhenOtherNodeLoadedThenServedFromTheClusterWithoutALoad() throws Exception {
        assertThat(a.get(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.ACTIVE);
        assertThat(b.get(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.ACTIVE);
        assertThat(a.clustered()).isTrue();
        assertThat(a.loads()).isEqualTo(1);
        assertThat(b.loads()).isZero();
    }

    @Test
    @Order(2)
    void getWhenRevokedOnOtherNodeThenLoadsFresh() throws Exception {
        a.get(ISSUER, "bob");
        b.get(ISSUER, "bob");
        b.get(ISSUER, "bob"); // now in B's heap tier
        db.set("bob", PrincipalStatus.DISABLED);

        a.revoke(ISSUER, "bob");

        assertThat(b.get(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.DISABLED);
        assertThat(b.loads()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void getWhenNotRevokedThenOtherNodeKeepsItsCopy() throws Exception {
        a.get(ISSUER, "bob");
        b.get(ISSUER, "bob");
        db.set("bob", PrincipalStatus.DISABLED);

        assertThat(b.get(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.ACTIVE);
        assertThat(b.loads()).isZero();
    }

    @Test
    @Order(4)
    void getWhenRevokedOnOtherNodeAndStoreDownThenStaleNotServed() throws Exception {
        b.get(ISSUER, "bob");
        a.revoke(ISSUER, "bob");
        b.get(ISSUER, "bob"); // loaded again after the revocation, then the store fails
        clock.advance(TTL.plusSeconds(1));
        db.down(true);

        assertThatThrownBy(() -> b.get(ISSUER, "bob")).isInstanceOf(AttributesUnavailableException.class);
    }

    @Test
    @Order(5)
    void getWhenNotRevokedAndStoreDownThenStaleServed() throws Exception {
        b.get(ISSUER, "bob");
        clock.advance(TTL.plusSeconds(1));
        db.down(true);

        assertThat(b.get(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.ACTIVE);
        assertThat(b.staleServes()).isEqualTo(1);
    }

    @Test
    @Order(6)
    void loadWhenRevokedOnOtherNodeMeanwhileThenItsAnswerIsNotKept() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        db.gate.set(gate);
        db.entered.set(entered);
        CompletableFuture<PrincipalAttributes> onB = CompletableFuture.supplyAsync(() -> {
            try {
                return b.get(ISSUER, "bob");
            } catch (AttributesUnavailableException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue(); // B read ACTIVE and is held
        db.gate.set(null);
        db.entered.set(null);
        db.set("bob", PrincipalStatus.DISABLED);
        a.revoke(ISSUER, "bob");
        gate.countDown();
        assertThat(onB.get(10, TimeUnit.SECONDS).status()).isEqualTo(PrincipalStatus.ACTIVE); // raced

        // the pre-revocation answer was taken back: both nodes read the store again
        assertThat(a.get(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.DISABLED);
        assertThat(b.get(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.DISABLED);
    }

    @Test
    @Order(7)
    void loadWhenNoRevocationMeanwhileThenItsAnswerIsKept() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        db.gate.set(gate);
        CompletableFuture<PrincipalAttributes> onB = CompletableFuture.supplyAsync(() -> {
            try {
                return b.get(ISSUER, "bob");
            } catch (AttributesUnavailableException e) {
                throw new IllegalStateException(e);
            }
        });
        db.gate.set(null);
        gate.countDown();
        assertThat(onB.get(10, TimeUnit.SECONDS).status()).isEqualTo(PrincipalStatus.ACTIVE);
        a.get(ISSUER, "bob");
        assertThat(a.loads()).isZero();
    }

    @Test
    @Order(8)
    void newNodeWhenRevokedBeforeItStartedThenSeesTheRevocation() throws Exception {
        a.get(ISSUER, "bob");
        String entity = server.uri("x").getPath(); // unused; the same entity is what matters
        assertThat(entity).isNotEmpty();
        a.revoke(ISSUER, "bob");
        b.get(ISSUER, "bob"); // reloaded after the revocation
        clock.advance(TTL.plusSeconds(1));
        db.down(true);
        // B never saw the revocation happen, but it is in the cluster
        assertThatThrownBy(() -> b.get(ISSUER, "bob")).isInstanceOf(AttributesUnavailableException.class);
    }

    @Test
    @Order(100)
    void clusterDownThenCachedServedUncachedRefusedAndReconnects() throws Exception {
        b.get(ISSUER, "bob");
        b.get(ISSUER, "bob");
        long started = System.nanoTime();
        server.kill();
        try {
            // cached and fresh: served from the heap tier
            assertThat(b.get(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.ACTIVE);
            // uncached: refused, whatever the store says
            assertThatThrownBy(() -> b.get(ISSUER, "carol")).isInstanceOf(AttributesUnavailableException.class);
            assertThatThrownBy(() -> b.get(ISSUER, "carol")).isInstanceOf(AttributesUnavailableException.class);
            // past its TTL: read again from the store, which still answers (not served stale)
            clock.advance(TTL.plusSeconds(1));
            long loads = b.loads();
            assertThat(b.get(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.ACTIVE);
            assertThat(b.loads()).isEqualTo(loads + 1);
            assertThat(b.staleServes()).isZero();
            // a revocation while unreachable holds on this node: it reads the store again ...
            db.set("bob", PrincipalStatus.DISABLED);
            b.revoke(ISSUER, "bob");
            assertThat(b.get(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.DISABLED);
            // ... and never serves the principal stale while the store fails too
            db.down(true);
            clock.advance(TTL.plusSeconds(1));
            assertThatThrownBy(() -> b.get(ISSUER, "bob")).isInstanceOf(AttributesUnavailableException.class);
            db.down(false);
            // past the stale window: refused
            clock.advance(STALE);
            assertThatThrownBy(() -> b.get(ISSUER, "carol")).isInstanceOf(AttributesUnavailableException.class);
        } finally {
            server.start();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        PrincipalAttributes carol = null;
        while (carol == null && System.nanoTime() < deadline) {
            clock.advance(Duration.ofSeconds(2));
            long t = System.nanoTime();
            try {
                carol = b.get(ISSUER, "carol");
            } catch (AttributesUnavailableException e) {
                System.out.printf("%s unavailable after %d ms: %s%n", java.time.LocalTime.now(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t), e.getMessage());
                Thread.sleep(250);
            }
        }
        assertThat(carol).as("node B reconnected").isNotNull();
        assertThat(carol.status()).isEqualTo(PrincipalStatus.ACTIVE);
        assertThat(b.get(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.DISABLED);
        // node A reconnects too and reads what B stored
        long aDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        PrincipalAttributes onA = null;
        while (onA == null && System.nanoTime() < aDeadline) {
            try {
                onA = a.get(ISSUER, "carol");
            } catch (AttributesUnavailableException e) {
                clock.advance(Duration.ofSeconds(2));
                Thread.sleep(250);
            }
        }
        assertThat(onA).isNotNull();
        System.out.printf("cluster outage and reconnection took %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Test
    @Order(50)
    void hitCostClusteredAndLocal() throws Exception {
        AttributeCache local = AttributeCache.builder().source(db.node()).clock(clock).ttl(TTL).build();
        opened.add(local);
        b.get(ISSUER, "bob");
        local.get(ISSUER, "bob");
        long clusteredNs = 0;
        long localNs = 0;
        for (int round = 0; round < 5; round++) {
            clusteredNs = perHit(b);
            localNs = perHit(local);
        }
        System.out.printf("attribute cache hit: clustered %d ns, local %d ns%n", clusteredNs, localNs);
        Path figures = Path.of(System.getProperty("it.work.dir", "target/it-work"), "cluster-figures.txt");
        Files.createDirectories(figures.getParent());
        Files.writeString(figures, "hit.clustered.ns=" + clusteredNs + "\nhit.local.ns=" + localNs + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        assertThat(b.hits()).isPositive();
    }

    private static long perHit(AttributeCache cache) throws AttributesUnavailableException {
        int n = 200_000;
        long sink = 0;
        long t = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sink += cache.get(ISSUER, "bob").roles().size();
        }
        long ns = (System.nanoTime() - t) / n;
        if (sink == 42) {
            System.out.print("");
        }
        return ns;
    }
}
