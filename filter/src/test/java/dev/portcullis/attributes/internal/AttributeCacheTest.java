package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalKey;
import dev.portcullis.attributes.AttributeSourceException;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import dev.portcullis.testing.MutableClock;

import java.time.Instant;

import static dev.portcullis.attributes.internal.InMemorySource.ISSUER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.Reason;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttributeCacheTest {
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration STALE = Duration.ofSeconds(60);

    private final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private InMemorySource source;
    private AttributeCache cache;
    private ExecutorService pool;

    @BeforeEach
    void setUp() {
        source = new InMemorySource(clock).put("alice", PrincipalStatus.ACTIVE, "sales")
                .put("bob", PrincipalStatus.DISABLED, "ops");
    }

    @AfterEach
    void tearDown() {
        if (source.gate.get() != null) {
            source.gate.get().countDown();
        }
        if (cache != null) {
            cache.close();
        }
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private AttributeCache.Builder builder() {
        return AttributeCache.builder().source(source).clock(clock).ttl(TTL).staleWindow(STALE)
                .negativeTtl(Duration.ofSeconds(5)).loadTimeout(Duration.ofSeconds(30));
    }

    private AttributeCache build() {
        cache = builder().build();
        return cache;
    }

    // --- freshness -------------------------------------------------------------------------

    @Test
    void getWhenFreshThenServedFromCacheWithoutLoad() throws Exception {
        build();
        PrincipalAttributes first = cache.get(ISSUER, "alice");
        PrincipalAttributes second = cache.get(ISSUER, "alice");
        assertThat(first.status()).isEqualTo(PrincipalStatus.ACTIVE);
        assertThat(first.roles()).containsExactly("user");
        assertThat(first.attributes()).containsEntry("department", "sales");
        assertThat(second).isEqualTo(first);
        assertThat(source.loads).hasValue(1);
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(1);
        assertThat(cache.loads()).isEqualTo(1);
    }

    @Test
    void getWhenJustBeforeTtlThenStillCached() throws Exception {
        build();
        cache.get(ISSUER, "alice");
        clock.advance(TTL.minusMillis(1));
        cache.get(ISSUER, "alice");
        assertThat(source.loads).hasValue(1);
    }

    @Test
    void getWhenTtlPassedThenReloadsFreshData() throws Exception {
        build();
        cache.get(ISSUER, "alice");
        source.setStatus("alice", PrincipalStatus.DISABLED);
        clock.advance(TTL);
        assertThat(cache.get(ISSUER, "alice").status()).isEqualTo(PrincipalStatus.DISABLED);
        assertThat(source.loads).hasValue(2);
    }

    @Test
    void getWhenDisabledThenReturnsDisabledNotException() throws Exception {
        build();
        assertThat(cache.get(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.DISABLED);
        assertThat(cache.get(ISSUER, "bob").isActive()).isFalse();
        assertThat(source.loads).hasValue(1);
    }

    // --- negative caching ------------------------------------------------------------------

    @Test
    void getWhenUnknownSubjectThenNegativelyCachedForNegativeTtl() throws Exception {
        build();
        assertThat(cache.get(ISSUER, "mallory").status()).isEqualTo(PrincipalStatus.UNKNOWN);
        clock.advance(Duration.ofMillis(4999));
        assertThat(cache.get(ISSUER, "mallory").status()).isEqualTo(PrincipalStatus.UNKNOWN);
        assertThat(source.loads).hasValue(1);
        source.put("mallory", PrincipalStatus.ACTIVE, "it");
        clock.advance(Duration.ofMillis(1));
        assertThat(cache.get(ISSUER, "mallory").status()).isEqualTo(PrincipalStatus.ACTIVE);
        assertThat(source.loads).hasValue(2);
    }

    @Test
    void getWhenNegativeTtlZeroThenUnknownNotCached() throws Exception {
        cache = builder().negativeTtl(Duration.ZERO).build();
        cache.get(ISSUER, "mallory");
        cache.get(ISSUER, "mallory");
        assertThat(source.loads).hasValue(2);
    }

    // --- fail closed and the stale window ---------------------------------------------------

    @Test
    void getWhenSourceFailsAndNothingCachedThenUnavailable() {
        build();
        source.failing.set(true);
        assertThatThrownBy(() -> cache.get(ISSUER, "alice"))
                .isInstanceOfSatisfying(AttributesUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.ATTRIBUTES_UNAVAILABLE);
                    assertThat(e.reason().status()).isEqualTo(503);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(e.key()).isEqualTo(PrincipalKey.of(ISSUER, "alice"));
                    assertThat(e).hasRootCauseInstanceOf(AttributeSourceException.class)
                            .hasMessageContaining("store is down");
                });
        assertThat(cache.loadFailures()).isEqualTo(1);
    }

    @Test
    void getWhenSourceWorksAndNothingCachedThenLoads() throws Exception {
        build();
        assertThat(cache.get(ISSUER, "alice").isActive()).isTrue();
        assertThat(cache.loadFailures()).isZero();
    }

    @Test
    void getWhenSourceFailsAfterTtlWithinStaleWindowThenServesStale() throws Exception {
        build();
        PrincipalAttributes loaded = cache.get(ISSUER, "alice");
        source.failing.set(true);
        clock.advance(TTL.plus(STALE).minusMillis(1));
        assertThat(cache.get(ISSUER, "alice")).isEqualTo(loaded);
        assertThat(cache.staleServes()).isEqualTo(1);
        assertThat(cache.loadFailures()).isEqualTo(1);
    }

    @Test
    void getWhenSourceFailsPastStaleWindowThenUnavailable() throws Exception {
        build();
        cache.get(ISSUER, "alice");
        source.failing.set(true);
        clock.advance(TTL.plus(STALE));
        assertThatThrownBy(() -> cache.get(ISSUER, "alice"))
                .isInstanceOf(AttributesUnavailableException.class);
        assertThat(cache.staleServes()).isZero();
    }

    @Test
    void getWhenStaleWindowZeroThenUnavailableRightAfterTtl() throws Exception {
        cache = builder().staleWindow(Duration.ZERO).build();
        cache.get(ISSUER, "alice");
        source.failing.set(true);
        clock.advance(TTL);
        assertThatThrownBy(() -> cache.get(ISSUER, "alice"))
                .isInstanceOf(AttributesUnavailableException.class);
    }

    @Test
    void getWhenStoreRecoversAfterStaleServeThenFreshDataAgain() throws Exception {
        build();
        cache.get(ISSUER, "alice");
        source.failing.set(true);
        clock.advance(TTL);
        cache.get(ISSUER, "alice");
        source.failing.set(false);
        source.setStatus("alice", PrincipalStatus.DISABLED);
        assertThat(cache.get(ISSUER, "alice").status()).isEqualTo(PrincipalStatus.DISABLED);
    }

    @Test
    void getWhenRevokedAndSourceFailsThenNeverServedStale() throws Exception {
        build();
        cache.get(ISSUER, "alice");
        cache.revoke(ISSUER, "alice");
        source.failing.set(true);
        assertThatThrownBy(() -> cache.get(ISSUER, "alice"))
                .isInstanceOf(AttributesUnavailableException.class);
        assertThat(cache.staleServes()).isZero();
        assertThat(cache.revocations()).isEqualTo(1);
    }

    @Test
    void getWhenReloadedAfterRevokeThenThatCopyIsNotServedStaleEither() throws Exception {
        build();
        cache.get(ISSUER, "alice");
        cache.revoke(ISSUER, "alice");
        cache.get(ISSUER, "alice"); // post-revoke load succeeds
        source.failing.set(true);
        clock.advance(TTL);
        assertThatThrownBy(() -> cache.get(ISSUER, "alice"))
                .isInstanceOf(AttributesUnavailableException.class);
        // the other principal, not revoked, is served stale in the same situation
        source.failing.set(false);
        cache.get(ISSUER, "bob");
        source.failing.set(true);
        clock.advance(TTL);
        assertThat(cache.get(ISSUER, "bob").status()).isEqualTo(PrincipalStatus.DISABLED);
        assertThat(cache.staleServes()).isEqualTo(1);
    }

    @Test
    void getWhenRevocationMemoryExpiredThenStaleServingAllowedAgain() throws Exception {
        build();
        cache.revoke(ISSUER, "alice");
        clock.advance(TTL.plus(STALE));
        cache.get(ISSUER, "alice");
        source.failing.set(true);
        clock.advance(TTL);
        assertThat(cache.get(ISSUER, "alice").isActive()).isTrue();
        assertThat(cache.staleServes()).isEqualTo(1);
    }

    @Test
    void getWhenEvictedAndSourceFailsThenNotServedStale() throws Exception {
        build();
        cache.get(ISSUER, "alice");
        cache.evict(ISSUER, "alice");
        source.failing.set(true);
        assertThatThrownBy(() -> cache.get(ISSUER, "alice"))
                .isInstanceOf(AttributesUnavailableException.class);
    }

    @Test
    void getWhenSourceThrowsRuntimeExceptionThenUnavailable() {
        cache = AttributeCache.builder().clock(clock).source((i, s) -> {
            throw new IllegalStateException("bug in source");
        }).build();
        assertThatThrownBy(() -> cache.get(ISSUER, "alice"))
                .isInstanceOf(AttributesUnavailableException.class)
                .hasMessageContaining("bug in source");
    }

    @Test
    void getWhenSourceAnswersForAnotherPrincipalThenUnavailable() {
        cache = AttributeCache.builder().clock(clock)
                .source((i, s) -> PrincipalAttributes.builder(i, "someone-else").loadedAt(clock.instant()).build())
                .build();
        assertThatThrownBy(() -> cache.get(ISSUER, "alice"))
                .isInstanceOf(AttributesUnavailableException.class)
                .hasMessageContaining("someone-else");
    }

    @Test
    void getWhenSourceAnswersForTheSamePrincipalThenAccepted() throws Exception {
        cache = AttributeCache.builder().clock(clock)
                .source((i, s) -> PrincipalAttributes.builder(i, s).loadedAt(clock.instant()).build())
                .build();
        assertThat(cache.get(ISSUER, "alice").isActive()).isTrue();
    }

    // --- eviction ---------------------------------------------------------------------------

    @Test
    void evictWhenCachedThenNextGetReloads() throws Exception {
        build();
        cache.get(ISSUER, "alice");
        source.setStatus("alice", PrincipalStatus.DISABLED);
        assertThat(cache.get(ISSUER, "alice").isActive()).isTrue(); // cached, as designed
        cache.evict(ISSUER, "alice");
        assertThat(cache.get(ISSUER, "alice").status()).isEqualTo(PrincipalStatus.DISABLED);
        assertThat(source.loads).hasValue(2);
    }

    @Test
    void evictWhenOtherPrincipalThenThisOneStaysCached() throws Exception {
        build();
        cache.get(ISSUER, "alice");
        cache.evict(ISSUER, "bob");
        cache.get(ISSUER, "alice");
        assertThat(source.loads).hasValue(1);
    }

    @Test
    void evictAllWhenSeveralCachedThenAllReload() throws Exception {
        build();
        cache.get(ISSUER, "alice");
        cache.get(ISSUER, "bob");
        cache.evictAll();
        cache.get(ISSUER, "alice");
        cache.get(ISSUER, "bob");
        assertThat(source.loads).hasValue(4);
    }

    // --- load timeout -----------------------------------------------------------------------

    @Test
    void getWhenLoadSlowerThanTimeoutThenUnavailableAndLateAnswerDiscarded() throws Exception {
        // long enough for the ungated load at the end to answer on a loaded machine
        cache = builder().loadTimeout(Duration.ofMillis(500)).build();
        CountDownLatch gate = new CountDownLatch(1);
        source.gate.set(gate);
        assertThatThrownBy(() -> cache.get(ISSUER, "alice"))
                .isInstanceOf(AttributesUnavailableException.class)
                .hasRootCauseInstanceOf(java.util.concurrent.TimeoutException.class);
        assertThat(cache.loadFailures()).isEqualTo(1);
        source.gate.set(null);
        gate.countDown();
        assertThat(cache.get(ISSUER, "alice").isActive()).isTrue();
        assertThat(source.loads).hasValue(2);
    }

    @Test
    void getWhenReloadTimesOutWithinStaleWindowThenServesStale() throws Exception {
        // long enough for the first, ungated load to start its threads on a loaded machine
        cache = builder().loadTimeout(Duration.ofMillis(500)).build();
        PrincipalAttributes loaded = cache.get(ISSUER, "alice");
        clock.advance(TTL);
        source.gate.set(new CountDownLatch(1));
        assertThat(cache.get(ISSUER, "alice")).isEqualTo(loaded);
        assertThat(cache.staleServes()).isEqualTo(1);
        assertThat(cache.loadFailures()).isEqualTo(1);
    }

    @Test
    void getWhenLoadWithinTimeoutThenServed() throws Exception {
        cache = builder().loadTimeout(Duration.ofSeconds(10)).build();
        assertThat(cache.get(ISSUER, "alice").isActive()).isTrue();
        assertThat(cache.loadFailures()).isZero();
    }

    // --- single flight ----------------------------------------------------------------------

    @Test
    void getWhenHundredConcurrentMissesForOneSubjectThenExactlyOneLoad() throws Exception {
        build();
        CountDownLatch gate = new CountDownLatch(1);
        source.gate.set(gate);
        int n = 100;
        pool = Executors.newFixedThreadPool(n);
        List<Thread> threads = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<PrincipalAttributes>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(pool.submit(() -> {
                synchronized (threads) {
                    threads.add(Thread.currentThread());
                }
                start.await();
                return cache.get(ISSUER, "alice");
            }));
        }
        start.countDown();
        assertThat(source.firstLoadStarted.await(10, TimeUnit.SECONDS)).isTrue();
        awaitAllParked(threads, n);
        gate.countDown();
        for (Future<PrincipalAttributes> f : results) {
            assertThat(f.get(10, TimeUnit.SECONDS).isActive()).isTrue();
        }
        assertThat(source.loads).hasValue(1);
        assertThat(cache.loads()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(n);
    }

    @Test
    void getWhenConcurrentMissesForDistinctSubjectsThenOneLoadEach() throws Exception {
        build();
        pool = Executors.newFixedThreadPool(4);
        List<Future<PrincipalAttributes>> results = new ArrayList<>();
        for (String s : List.of("alice", "bob", "carol", "dave")) {
            results.add(pool.submit(() -> cache.get(ISSUER, s)));
        }
        for (Future<PrincipalAttributes> f : results) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(source.loads).hasValue(4);
    }

    /** Waits (bounded) until every worker is parked waiting for the shared load. */
    private static void awaitAllParked(List<Thread> threads, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            int parked = 0;
            synchronized (threads) {
                if (threads.size() == n) {
                    for (Thread t : threads) {
                        if (t.getState() == Thread.State.WAITING
                                && isInFutureGet(t.getStackTrace())) {
                            parked++;
                        }
                    }
                }
            }
            if (parked == n) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("workers did not all wait for the load");
    }

    private static boolean isInFutureGet(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (e.getClassName().equals(AttributeCache.class.getName()) && e.getMethodName().equals("get")) {
                return true;
            }
        }
        return false;
    }

    // --- revocation with a load in flight ---------------------------------------------------

    @Test
    void revokeWhenLoadInFlightThenLaterGetsDoNotSeeItsData() throws Exception {
        build();
        CountDownLatch gate = new CountDownLatch(1);
        source.gate.set(gate);
        pool = Executors.newSingleThreadExecutor();
        Future<PrincipalAttributes> early = pool.submit(() -> cache.get(ISSUER, "alice"));
        assertThat(source.firstLoadStarted.await(10, TimeUnit.SECONDS)).isTrue(); // read ACTIVE
        source.gate.set(null);
        source.setStatus("alice", PrincipalStatus.DISABLED);
        cache.revoke(ISSUER, "alice");

        // a get that starts after revoke() returned must not join the old load
        assertThat(cache.get(ISSUER, "alice").status()).isEqualTo(PrincipalStatus.DISABLED);
        gate.countDown();
        // the early get started before the revoke: it may see the old answer
        assertThat(early.get(10, TimeUnit.SECONDS).status()).isEqualTo(PrincipalStatus.ACTIVE);
        // ...but that answer was not put back in the cache
        assertThat(cache.get(ISSUER, "alice").status()).isEqualTo(PrincipalStatus.DISABLED);
        assertThat(source.loads).hasValue(2);
    }

    @Test
    void getWhenLoadInFlightAndNoRevokeThenLaterGetsShareIt() throws Exception {
        build();
        CountDownLatch gate = new CountDownLatch(1);
        source.gate.set(gate);
        pool = Executors.newFixedThreadPool(2);
        Future<PrincipalAttributes> early = pool.submit(() -> cache.get(ISSUER, "alice"));
        assertThat(source.firstLoadStarted.await(10, TimeUnit.SECONDS)).isTrue();
        Future<PrincipalAttributes> late = pool.submit(() -> cache.get(ISSUER, "alice"));
        gate.countDown();
        assertThat(early.get(10, TimeUnit.SECONDS).isActive()).isTrue();
        assertThat(late.get(10, TimeUnit.SECONDS).isActive()).isTrue();
        assertThat(cache.get(ISSUER, "alice").isActive()).isTrue();
        assertThat(source.loads).hasValue(1);
    }

    // --- storage tiers ----------------------------------------------------------------------

    @Test
    void getWhenOffHeapTierConfiguredThenValuesSurviveSerialization() throws Exception {
        cache = builder().maxEntries(2).offHeapMb(1).build();
        for (String s : List.of("alice", "bob", "carol", "dave", "erin")) {
            source.put(s, PrincipalStatus.ACTIVE, "dept-" + s);
            cache.get(ISSUER, s);
        }
        for (String s : List.of("alice", "bob", "carol", "dave", "erin")) {
            assertThat(cache.get(ISSUER, s).attributes()).containsEntry("department", "dept-" + s);
        }
        assertThat(source.loads).hasValue(5);
    }

    @Test
    void buildWhenEhcacheXmlNamesAliasThenUsesItsResources(@TempDir Path dir) throws Exception {
        Path xml = dir.resolve("ehcache.xml");
        Files.writeString(xml, "<config xmlns='http://www.ehcache.org/v3'>\n"
                + "  <cache alias='principals'>\n"
                + "    <resources><heap unit='entries'>100</heap><offheap unit='MB'>1</offheap></resources>\n"
                + "  </cache>\n"
                + "</config>\n", StandardCharsets.UTF_8);
        cache = AttributeCache.builder().source(source).clock(clock)
                .ehcacheXml(xml.toUri().toURL(), "principals").build();
        cache.get(ISSUER, "alice");
        assertThat(cache.get(ISSUER, "alice").isActive()).isTrue();
        assertThat(source.loads).hasValue(1);
    }

    @Test
    void buildWhenEhcacheXmlLacksAliasThenConfigurationExceptionNamingAlias(@TempDir Path dir)
            throws Exception {
        Path xml = dir.resolve("ehcache.xml");
        Files.writeString(xml, "<config xmlns='http://www.ehcache.org/v3'>\n"
                + "  <cache alias='other'><heap unit='entries'>100</heap></cache>\n"
                + "</config>\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> AttributeCache.builder().source(source)
                .ehcacheXml(xml.toUri().toURL(), "principals").build())
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(AttributeCache.EHCACHE_ALIAS))
                .hasMessageContaining("principals");
    }

    // --- configuration ----------------------------------------------------------------------

    @Test
    void builderWhenTtlZeroThenRejectedNamingSetting() {
        assertThatThrownBy(() -> AttributeCache.builder().ttl(Duration.ZERO))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(AttributeCache.TTL);
        assertThatThrownBy(() -> AttributeCache.builder().maxEntries(0))
                .hasMessageContaining(AttributeCache.MAX_ENTRIES);
        assertThatThrownBy(() -> AttributeCache.builder().staleWindow(Duration.ofSeconds(-1)))
                .hasMessageContaining(AttributeCache.STALE_WINDOW);
        assertThatThrownBy(() -> AttributeCache.builder().loadTimeout(Duration.ZERO))
                .hasMessageContaining(AttributeCache.LOAD_TIMEOUT);
        assertThatThrownBy(() -> AttributeCache.builder().ttl(Duration.ofDays(100_000)))
                .hasMessageContaining(AttributeCache.TTL).hasMessageContaining("at most");
    }

    @Test
    void builderWhenValuesValidThenBuilds() throws Exception {
        cache = AttributeCache.builder().source(source).clock(clock).ttl(Duration.ofMillis(1))
                .maxEntries(1).negativeTtl(Duration.ZERO).staleWindow(Duration.ZERO)
                .loadTimeout(Duration.ofMillis(500)).build();
        assertThat(cache.get(ISSUER, "alice").isActive()).isTrue();
    }

    @Test
    void buildWhenNoSourceThenRejected() {
        assertThatThrownBy(() -> AttributeCache.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("source");
    }

    @Test
    void fromSettingsWhenBadTtlThenConfigurationExceptionNamingIt() {
        Settings s = Settings.of(Map.of(AttributeCache.SOURCE, "file", AttributeCache.TTL, "soon"));
        assertThatThrownBy(() -> AttributeCache.fromSettings(s, clock))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(AttributeCache.TTL))
                .hasMessageContaining("soon");
        Settings zero = Settings.of(Map.of(AttributeCache.SOURCE, "file", AttributeCache.TTL, "0s"));
        assertThatThrownBy(() -> AttributeCache.fromSettings(zero, clock))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(AttributeCache.TTL));
        Settings entries = Settings.of(Map.of(AttributeCache.SOURCE, "file", AttributeCache.MAX_ENTRIES, "-3"));
        assertThatThrownBy(() -> AttributeCache.fromSettings(entries, clock))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(AttributeCache.MAX_ENTRIES));
    }

    @Test
    void fromSettingsWhenBadSourceThenConfigurationExceptionNamingIt() {
        Settings s = Settings.of(Map.of(AttributeCache.SOURCE, "ldap"));
        assertThatThrownBy(() -> AttributeCache.fromSettings(s, clock))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(AttributeCache.SOURCE))
                .hasMessageContaining("ldap");
    }

    @Test
    void fromSettingsWhenSourceNoneThenEmpty() {
        assertThat(AttributeCache.fromSettings(Settings.of(Map.of()), clock)).isEmpty();
        assertThat(AttributeCache.fromSettings(Settings.of(Map.of(AttributeCache.SOURCE, "none")), clock))
                .isEmpty();
    }

    @Test
    void fromSettingsWhenFileSourceAndGoodValuesThenWorkingCache(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("principals.yaml");
        Files.writeString(file, "principals:\n  - issuer: " + ISSUER + "\n    subject: alice\n"
                + "    roles: [admin]\n", StandardCharsets.UTF_8);
        Optional<AttributeCache> built = AttributeCache.fromSettings(Settings.of(Map.of(
                AttributeCache.SOURCE, "file", FileAttributeSource.FILE, file.toString(),
                AttributeCache.TTL, "10s", AttributeCache.NEGATIVE_TTL, "0", AttributeCache.STALE_WINDOW, "0s",
                AttributeCache.LOAD_TIMEOUT, "500ms", AttributeCache.MAX_ENTRIES, "100",
                AttributeCache.OFFHEAP_MB, "1")), clock);
        assertThat(built).isPresent();
        cache = built.get();
        assertThat(cache.get(ISSUER, "alice").roles()).containsExactly("admin");
        assertThat(cache.get(ISSUER, "nobody").status()).isEqualTo(PrincipalStatus.UNKNOWN);
    }

    @Test
    void closeWhenClosedThenClosesSourceAndRefusesGets() {
        build();
        cache.close();
        assertThat(source.closed).isTrue();
        assertThatThrownBy(() -> cache.get(ISSUER, "alice"))
                .isInstanceOf(AttributesUnavailableException.class);
    }
}
