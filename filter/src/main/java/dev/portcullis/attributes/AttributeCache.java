package dev.portcullis.attributes;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.LogText;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.CacheConfiguration;
import org.ehcache.config.Configuration;
import org.ehcache.config.FluentConfigurationBuilder;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.xml.XmlConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fresh principal attributes for every request: an Ehcache 3 cache in front of an
 * {@link AttributeSource}, with single-flight loading, a bounded load time, negative caching,
 * a bounded stale window when the store fails, and revocation that is effective before the call
 * returns.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li><b>Freshness.</b> An entry is fresh for {@link #TTL} after its load <em>started</em>
 *       (by the injected {@link Clock}), or for {@link #NEGATIVE_TTL} when the subject is
 *       {@link PrincipalStatus#UNKNOWN} (0 disables negative caching). Expiry is computed here
 *       with the clock; Ehcache only stores and bounds the entries.</li>
 *   <li><b>Single flight.</b> Concurrent misses for one principal share one
 *       {@link AttributeSource#load} call; other principals load in parallel on a small pool of
 *       loader threads.</li>
 *   <li><b>Load timeout.</b> A load that has not answered within {@link #LOAD_TIMEOUT} fails
 *       for everyone waiting on it (its late answer is discarded and its thread interrupted).</li>
 *   <li><b>Fail closed.</b> When the load fails, a cached entry is served if it is still within
 *       {@link #STALE_WINDOW} past its freshness and the principal was not revoked recently;
 *       otherwise {@link AttributesUnavailableException} (503, {@code Retry-After}).</li>
 *   <li><b>{@link #evict}</b> drops the principal's entry and detaches any load in flight for
 *       it: no {@code get} that starts after {@code evict} returns sees data read before the call,
 *       fresh or stale. A per-key generation (striped, so its memory is fixed) stops a load that
 *       was in flight from putting its pre-evict answer back.</li>
 *   <li><b>{@link #revoke}</b> is {@code evict} plus a memory that the principal was revoked:
 *       for {@code TTL + STALE_WINDOW} after the call, no entry of that principal is served
 *       stale, so while the store is down the principal is refused (503) instead of served
 *       from a copy. The memory holds at most {@value #REVOCATION_MEMORY} principals (the oldest
 *       is forgotten first; forgetting only re-allows stale serving of data loaded after the
 *       revocation).</li>
 *   <li><b>{@link #evictAll}</b> is {@code evict} for every principal.</li>
 * </ul>
 *
 * <h2>Clustered mode</h2>
 * With {@value #CLUSTER_URI} set (and {@code org.ehcache:ehcache-clustered} on the class path),
 * several nodes share one Terracotta server: the entries live in a clustered tier under each
 * node's heap tier, with strong consistency, and revocations are shared through a second clustered
 * cache. A {@code revoke} or {@code evict} on one node therefore removes the entry for every node
 * before it returns (the server invalidates the other nodes' heap copies), no node serves a stale
 * copy of a principal revoked on any node, and a load that was in flight on any node while a
 * revocation happened does not leave its answer in the cache. While a node cannot reach the
 * cluster ({@link ClusterLink}) it serves only the principals it holds: an entry within its TTL
 * as it is, an entry past its TTL reloaded from the store (kept on the node for this outage,
 * {@link OutageEntries}), and stale within the window only while the store fails too; it refuses
 * every other principal with {@link AttributesUnavailableException} (it loads nobody new),
 * honours its own revocations, and writes them to the cluster when it reconnects. A revocation
 * elsewhere during the outage therefore holds on this node at the latest {@link #TTL} after the
 * load of its entry started ({@code TTL + STALE_WINDOW} while the store fails as well). Once a
 * cluster operation has failed, no request touches a clustered cache but the heap tier (asked at
 * most once per principal and outage), so an answer waits at most one {@link #CLUSTER_TIMEOUT}
 * for the cluster; a background check every second finds the cluster again. Without {@value #CLUSTER_URI}
 * no clustered class is loaded and revocation state is local to this instance. See
 * {@code docs/cluster.md} for the topology and the failure cases.
 *
 * <h2>Settings</h2>
 * <table>
 *   <caption>Settings read by {@link #fromSettings(Settings)}</caption>
 *   <tr><th>name</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #SOURCE}</td><td>none</td><td>{@code jdbc}, {@code file} or {@code none}
 *       (no attribute store: {@code fromSettings} returns empty)</td></tr>
 *   <tr><td>{@value #TTL}</td><td>30s</td><td>freshness of a loaded entry (must be positive)</td></tr>
 *   <tr><td>{@value #MAX_ENTRIES}</td><td>10000</td><td>on-heap entries</td></tr>
 *   <tr><td>{@value #OFFHEAP_MB}</td><td>0</td><td>off-heap tier in MB, 0 for none</td></tr>
 *   <tr><td>{@value #NEGATIVE_TTL}</td><td>5s</td><td>freshness of an UNKNOWN answer, 0 for no
 *       negative caching</td></tr>
 *   <tr><td>{@value #STALE_WINDOW}</td><td>60s</td><td>how long past its TTL an entry may be
 *       served while the store fails, 0 for never</td></tr>
 *   <tr><td>{@value #LOAD_TIMEOUT}</td><td>2s</td><td>longest a load may take (clustered: plus
 *       one cluster timeout)</td></tr>
 *   <tr><td>{@value #RETRY_AFTER}</td><td>5s</td><td>Retry-After hint when unavailable</td></tr>
 *   <tr><td>{@value #LOADER_THREADS}</td><td>4</td><td>loads running at once (distinct
 *       principals)</td></tr>
 *   <tr><td>{@value #CLUSTER_URI}</td><td>unset</td><td>{@code terracotta://host:port/entity}:
 *       share entries and revocations through this Terracotta cluster (needs
 *       {@code org.ehcache:ehcache-clustered} on the class path); unset for a node-local cache</td></tr>
 *   <tr><td>{@value #CLUSTER_RESOURCE}</td><td>main</td><td>the server's off-heap resource that
 *       holds the clustered tiers</td></tr>
 *   <tr><td>{@value #CLUSTER_MB}</td><td>32</td><td>size of the clustered attributes tier in MB
 *       (the revocations take another 4 MB)</td></tr>
 *   <tr><td>{@value #CLUSTER_TIMEOUT}</td><td>1s</td><td>longest a cluster read or write may take,
 *       and the longest an answer waits for the cluster (connecting may take ten times this, at
 *       least 10 s)</td></tr>
 *   <tr><td>{@value #EHCACHE_XML}</td><td>unset</td><td>an Ehcache XML file (path, URL or
 *       {@code classpath:}name) whose cache {@value #EHCACHE_ALIAS} gives the resource pools
 *       (heap, off-heap, disk, clustered); excludes max-entries and offheap-mb</td></tr>
 *   <tr><td>{@value #EHCACHE_ALIAS}</td><td>portcullis-attributes</td><td>the cache alias in
 *       that file</td></tr>
 * </table>
 * The source settings ({@code portcullis.attributes.jdbc.*}, {@code portcullis.attributes.file*})
 * are listed on {@link JdbcAttributeSource} and {@link FileAttributeSource}.
 *
 * <pre>{@code
 * AttributeCache cache = AttributeCache.builder()
 *         .source(JdbcAttributeSource.builder().jndiName("java:comp/env/jdbc/portcullis").build())
 *         .ttl(Duration.ofSeconds(30))
 *         .build();
 * PrincipalAttributes p = cache.get(issuer, subject);   // throws AttributesUnavailableException
 * }</pre>
 *
 * <p>Thread safety: safe for concurrent use. The cache owns its source and closes it in
 * {@link #close()}.
 */
public final class AttributeCache implements AutoCloseable {
    /** Which store to read: {@code jdbc}, {@code file} or {@code none}; default none. */
    public static final String SOURCE = SettingNames.ATTRIBUTES_SOURCE;
    /** Freshness of a loaded entry; default 30s. */
    public static final String TTL = SettingNames.ATTRIBUTES_CACHE_TTL;
    /** On-heap entry bound; default 10000. */
    public static final String MAX_ENTRIES = SettingNames.ATTRIBUTES_CACHE_MAX_ENTRIES;
    /** Off-heap tier size in MB; default 0 (none). */
    public static final String OFFHEAP_MB = SettingNames.ATTRIBUTES_CACHE_OFFHEAP_MB;
    /** Freshness of an UNKNOWN answer; default 5s; 0 disables negative caching. */
    public static final String NEGATIVE_TTL = SettingNames.ATTRIBUTES_CACHE_NEGATIVE_TTL;
    /** Stale window past the TTL while the store fails; default 60s; 0 never serves stale. */
    public static final String STALE_WINDOW = SettingNames.ATTRIBUTES_CACHE_STALE_WINDOW;
    /** Longest a load may take; default 2s. */
    public static final String LOAD_TIMEOUT = SettingNames.ATTRIBUTES_CACHE_LOAD_TIMEOUT;
    /** Retry-After hint given with a 503; default 5s. */
    public static final String RETRY_AFTER = SettingNames.ATTRIBUTES_CACHE_RETRY_AFTER;
    /** Loader threads; default 4. */
    public static final String LOADER_THREADS = SettingNames.ATTRIBUTES_CACHE_LOADER_THREADS;
    /** Ehcache XML (path, URL or classpath:name); default unset. */
    public static final String EHCACHE_XML = SettingNames.ATTRIBUTES_CACHE_EHCACHE_XML;
    /** Cache alias in the Ehcache XML; default portcullis-attributes. */
    public static final String EHCACHE_ALIAS = SettingNames.ATTRIBUTES_CACHE_EHCACHE_ALIAS;

    /** Terracotta cluster URI ({@code terracotta://host:9410/entity}); default unset (local cache). */
    public static final String CLUSTER_URI = SettingNames.ATTRIBUTES_CACHE_CLUSTER_URI;
    /** The server off-heap resource for the clustered tiers; default main. */
    public static final String CLUSTER_RESOURCE = SettingNames.ATTRIBUTES_CACHE_CLUSTER_RESOURCE;
    /** Size of the clustered attributes tier in MB; default 32. */
    public static final String CLUSTER_MB = SettingNames.ATTRIBUTES_CACHE_CLUSTER_MB;
    /** Longest cluster read or write, and the longest an answer waits for the cluster; default 1s. */
    public static final String CLUSTER_TIMEOUT = SettingNames.ATTRIBUTES_CACHE_CLUSTER_TIMEOUT;

    /** Default server off-heap resource for the clustered tiers. */
    public static final String DEFAULT_CLUSTER_RESOURCE = "main";

    /** Default cache alias. */
    public static final String DEFAULT_ALIAS = "portcullis-attributes";
    /** How many revoked principals are remembered at most. */
    public static final int REVOCATION_MEMORY = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(AttributeCache.class);
    /** How long {@link #close()} waits for the loader threads. */
    private static final long CLOSE_WAIT_MILLIS = 2000;
    private static final int STRIPES = 256;
    private static final Duration MAX_DURATION = Duration.ofDays(365);
    private static final String CLUSTERING_API =
            "org.ehcache.clustered.client.config.builders.ClusteringServiceConfigurationBuilder";

    private final AttributeSource source;
    private final Clock clock;
    private final long ttlMillis;
    private final long negativeTtlMillis;
    private final long staleWindowMillis;
    private final Duration loadTimeout;
    private final Duration retryAfter;
    private final CacheManager cacheManager;
    private final Cache<PrincipalKey, CacheEntry> store;
    private final ThreadPoolExecutor loader;
    /**
     * Times loads out. Not {@code CompletableFuture.orTimeout}: its JDK-wide timer thread, started by
     * the first caller, would keep that caller's web application class loader for the life of the JVM.
     */
    private final ScheduledThreadPoolExecutor timeouts;
    private final ConcurrentHashMap<PrincipalKey, Flight> inFlight = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[STRIPES];
    /** Per-stripe generation; changed and compared under the stripe's lock. */
    private final AtomicLongArray generations = new AtomicLongArray(STRIPES);
    /** Revoked principals and when (clock millis); guarded by itself. */
    private final LinkedHashMap<PrincipalKey, Long> revoked;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The link to the cluster and the shared revocations; null for a node-local cache. */
    private final ClusterLink link;
    /** Owns the shared revocations; null for a node-local cache. */
    private final CacheManager revocationsManager;
    /** What this node keeps on its own while the cluster is unreachable; null for a node-local cache. */
    private final OutageEntries outage;
    /** How long a get waits for a load: the load timeout, plus one cluster timeout if clustered. */
    private final long flightTimeoutNanos;

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder staleServes = new LongAdder();
    private final LongAdder revocations = new LongAdder();

    private AttributeCache(Builder b, CacheManager cacheManager, Cache<PrincipalKey, CacheEntry> store,
            Cache<PrincipalKey, Revocation> sharedRevocations, CacheManager revocationsManager) {
        this.revocationsManager = revocationsManager;
        if (sharedRevocations != null) {
            this.outage = new OutageEntries(b.maxEntries);
            this.link = new ClusterLink(sharedRevocations, b.clusterTimeout, b.clock, this::dropShared,
                    this::probeShared, outage::clear);
            this.flightTimeoutNanos = b.loadTimeout.plus(b.clusterTimeout).toNanos();
        } else {
            this.outage = null;
            this.link = null;
            this.flightTimeoutNanos = b.loadTimeout.toNanos();
        }
        this.source = b.source;
        this.clock = b.clock;
        this.ttlMillis = b.ttl.toMillis();
        this.negativeTtlMillis = b.negativeTtl.toMillis();
        this.staleWindowMillis = b.staleWindow.toMillis();
        this.loadTimeout = b.loadTimeout;
        this.retryAfter = b.retryAfter;
        this.cacheManager = cacheManager;
        this.store = store;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
        this.revoked = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<PrincipalKey, Long> eldest) {
                return size() > REVOCATION_MEMORY;
            }
        };
        this.loader = new ThreadPoolExecutor(b.loaderThreads, b.loaderThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(b.loaderQueue), new LoaderThreads("portcullis-attribute-loader-"));
        this.loader.allowCoreThreadTimeOut(true);
        this.timeouts = new ScheduledThreadPoolExecutor(1, new LoaderThreads("portcullis-attribute-timeout-"));
        this.timeouts.setRemoveOnCancelPolicy(true);
        this.timeouts.setKeepAliveTime(30, TimeUnit.SECONDS);
        this.timeouts.allowCoreThreadTimeOut(true);
    }

    /** A new builder with the defaults listed in the class comment. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The cache and its source as configured by {@code settings}, with the system clock; empty
     * when {@value #SOURCE} is {@code none} (or unset).
     *
     * @throws ConfigurationException naming the first bad setting
     */
    public static Optional<AttributeCache> fromSettings(Settings settings) {
        return fromSettings(settings, Clock.systemUTC());
    }

    /** As {@link #fromSettings(Settings)}, with {@code clock} for the cache and the source. */
    public static Optional<AttributeCache> fromSettings(Settings settings, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        SourceKind kind = settings.getEnum(SOURCE, SourceKind.class, SourceKind.NONE);
        if (kind == SourceKind.NONE) {
            return Optional.empty();
        }
        // validate the cache settings before anything opens a pool
        Builder builder = builder().clock(clock).settings(settings);
        AttributeSource source = kind == SourceKind.JDBC
                ? JdbcAttributeSource.fromSettings(settings, clock)
                : FileAttributeSource.fromSettings(settings, clock);
        try {
            return Optional.of(builder.source(source).build());
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    private enum SourceKind { JDBC, FILE, NONE }

    /**
     * The principal's current attributes: from the cache if fresh, else loaded through the
     * source (one load per principal at a time).
     *
     * @throws AttributesUnavailableException if the source fails or times out and no usable
     *     entry is cached (see the class comment)
     * @throws NullPointerException if issuer or subject is null
     * @throws IllegalArgumentException if issuer or subject is empty
     */
    public PrincipalAttributes get(String issuer, String subject) throws AttributesUnavailableException {
        PrincipalKey key = PrincipalKey.of(issuer, subject);
        if (closed.get()) {
            throw unavailable(key, "the attribute cache is closed", null);
        }
        CacheEntry cached;
        boolean loadedInOutage = false;
        if (link == null || link.online()) {
            cached = read(key);
        } else {
            // cut off: no clustered operation but the heap tier, asked once per principal
            link.checkSoon();
            long epoch = link.epoch();
            cached = outage.entry(key, epoch);
            loadedInOutage = cached != null;
            if (cached == null && !outage.knownNotHeld(key, epoch)) {
                cached = read(key);
            }
        }
        if (cached != null && clock.millis() < cached.freshUntil
                && (loadedInOutage || link == null || !link.holds(key))) {
            hits.increment();
            return cached.attributes;
        }
        misses.increment();
        if (cached == null && link != null && !link.online()) {
            // cut off: a principal this node does not hold is not loaded (fail closed)
            return fallback(key, new AttributeSourceException("the attribute cluster is unreachable"), null);
        }
        Flight flight = flightFor(key);
        Throwable failure;
        try {
            return flight.future.get();
        } catch (ExecutionException e) {
            failure = e.getCause();
        } catch (CancellationException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        }
        return fallback(key, failure, cached);
    }

    /**
     * Drops the principal's entry; no {@code get} that starts after this returns is answered
     * with data read before it was called (neither fresh nor stale).
     */
    public void evict(String issuer, String subject) {
        PrincipalKey key = PrincipalKey.of(issuer, subject);
        if (!invalidate(key) && link != null) {
            link.hold(key, ClusterLink.EVICTION);
        }
    }

    /**
     * {@link #evict} and remember the revocation: for TTL + stale window no entry of this
     * principal is served stale, so while the store fails the principal is refused.
     */
    public void revoke(String issuer, String subject) {
        PrincipalKey key = PrincipalKey.of(issuer, subject);
        long now = clock.millis();
        synchronized (revoked) {
            revoked.remove(key);
            revoked.put(key, now);
        }
        Revocation revocation = new Revocation(now, ThreadLocalRandom.current().nextLong() | 1);
        boolean shared = true;
        if (link != null) {
            // the shared revocation first, the removal second: a load on another node that puts
            // after the removal sees the revocation and takes its answer back (see put)
            shared = link.online() && link.share(key, revocation);
        }
        if ((!invalidate(key) || !shared) && link != null) {
            link.hold(key, revocation);
            LOG.warn("Revocation of subject {} of issuer {} is effective on this node only until the "
                    + "attribute cluster is reachable again", LogText.safe(key.subject()),
                    LogText.safe(key.issuer()));
        }
        revocations.increment();
        LOG.info("Revoked cached attributes of subject {} of issuer {}", LogText.safe(key.subject()),
                LogText.safe(key.issuer()));
    }

    /** Drops every entry, as {@link #evict} for every principal. */
    public void evictAll() {
        for (int i = 0; i < STRIPES; i++) {
            synchronized (locks[i]) {
                generations.incrementAndGet(i);
            }
        }
        inFlight.clear();
        if (outage != null) {
            outage.clear();
        }
        try {
            store.clear();
        } catch (RuntimeException e) {
            // every generation moved on: no stale entry can be stored again, but old ones could
            // still be read, so fail loudly rather than claim success
            throw new IllegalStateException("could not clear the attribute cache", e);
        }
    }

    /** Gets answered from a fresh entry. */
    public long hits() {
        return hits.sum();
    }

    /** Gets that found no fresh entry and waited for a load. */
    public long misses() {
        return misses.sum();
    }

    /** Calls to {@link AttributeSource#load}. */
    public long loads() {
        return loads.sum();
    }

    /** Loads that failed or timed out (counted once per load, not per waiter). */
    public long loadFailures() {
        return loadFailures.sum();
    }

    /** Gets answered from an entry past its TTL because the load failed. */
    public long staleServes() {
        return staleServes.sum();
    }

    /** Cluster reads and writes that failed (0 for a node-local cache). */
    public long clusterFailures() {
        return link == null ? 0 : link.failures();
    }

    /** Whether the cache is clustered ({@value #CLUSTER_URI} set). */
    public boolean clustered() {
        return link != null;
    }

    /** Calls to {@link #revoke}. */
    public long revocations() {
        return revocations.sum();
    }

    /** Closes the Ehcache manager, stops the loader threads and closes the source. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        loader.shutdownNow();
        timeouts.shutdownNow();
        try {
            // bounded: a load stuck in its source (JDBC ignores interrupts) ends when the source closes below
            if (!loader.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)
                    || !timeouts.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.warn("attribute loader threads still running {} ms after close", CLOSE_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (link != null) {
            link.close();
        }
        try {
            cacheManager.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing the attribute cache failed", e);
        }
        if (revocationsManager != null) {
            try {
                revocationsManager.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing the shared revocations failed", e);
            }
        }
        try {
            source.close();
        } catch (Exception e) {
            LOG.warn("Closing the attribute source failed", e);
        }
    }

    @Override
    public String toString() {
        return "AttributeCache[ttl=" + ttlMillis + "ms, negativeTtl=" + negativeTtlMillis
                + "ms, staleWindow=" + staleWindowMillis + "ms, loadTimeout=" + loadTimeout
                + (link != null ? ", clustered" : "") + ", source=" + source.getClass().getSimpleName() + "]";
    }

    // ---------------------------------------------------------------------------------------

    /** The stored entry or null; a failed read is a miss (and, clustered, marks the cluster unreachable). */
    private CacheEntry read(PrincipalKey key) {
        long started = System.nanoTime();
        RuntimeException failure;
        try {
            CacheEntry entry = store.get(key);
            if (entry != null || link == null || !link.missTimedOut(started)) {
                return entry;
            }
            failure = new IllegalStateException("reading an entry from the attribute cluster timed out");
        } catch (RuntimeException e) {
            if (link == null) {
                LOG.warn("Reading the attribute cache failed; treating it as a miss", e);
                return null;
            }
            failure = e;
        }
        link.failed("reading an entry", failure);
        // a heap-tier hit never waits for the cluster: this node does not hold the principal
        outage.markNotHeld(key, link.epoch());
        return null;
    }

    private static int stripe(PrincipalKey key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    /** Drops the entry; false if the (clustered) store could not be reached. */
    private boolean invalidate(PrincipalKey key) {
        int s = stripe(key);
        synchronized (locks[s]) {
            generations.incrementAndGet(s);
            inFlight.remove(key);
            if (link != null) {
                outage.remove(key);
                if (!link.online()) {
                    return false; // the removal would only wait for the timeout; written on reconnection
                }
            }
            try {
                store.remove(key);
                return true;
            } catch (RuntimeException e) {
                if (link != null) {
                    link.failed("removing an entry", e);
                } else {
                    LOG.warn("Removing an entry from the attribute cache failed", e);
                }
                return false;
            }
        }
    }

    /** Drops the entry (and any load in flight) from the reachable cluster; throws if it fails. */
    private void dropShared(PrincipalKey key) {
        int s = stripe(key);
        synchronized (locks[s]) {
            generations.incrementAndGet(s);
            inFlight.remove(key);
            store.remove(key);
        }
    }

    /** The read makes Ehcache reconnect this tier if need be; the removal (a write) fails if it is not back. */
    private void probeShared(PrincipalKey key) {
        store.get(key);
        store.remove(key);
    }

    private Flight flightFor(PrincipalKey key) {
        Flight mine = new Flight();
        while (true) {
            Flight existing = inFlight.putIfAbsent(key, mine);
            if (existing == null) {
                break;
            }
            if (!existing.future.isDone()) {
                return existing;
            }
            // A finished flight whose completion callback has not yet removed it: its answer was
            // for a caller that already had it; a new miss needs a new load.
            inFlight.remove(key, existing);
        }
        // The generation is read after the flight is visible and before the source is called:
        // whatever the load reads, it reads after this point, so if no invalidation bumps the
        // generation in between, its answer is at least as new as any invalidation before it.
        // (No stripe lock: a clustered put may hold it for a cluster timeout; put compares under it.)
        mine.generation = generations.get(stripe(key));
        try {
            Future<?> timeout = timeouts.schedule(() -> mine.future.completeExceptionally(new TimeoutException()),
                    flightTimeoutNanos, TimeUnit.NANOSECONDS);
            mine.future.whenComplete((result, error) -> {
                timeout.cancel(false);
                finished(key, mine, error);
            });
            mine.task = loader.submit(() -> load(key, mine));
        } catch (RejectedExecutionException e) {
            mine.future.completeExceptionally(new AttributeSourceException(
                    "too many attribute loads queued", e));
        }
        return mine;
    }

    private void finished(PrincipalKey key, Flight flight, Throwable error) {
        inFlight.remove(key, flight);
        if (error == null) {
            return;
        }
        loadFailures.increment();
        if (error instanceof TimeoutException) {
            Future<?> task = flight.task;
            if (task != null) {
                task.cancel(true);
            }
            LOG.warn("Loading attributes of subject {} of issuer {} took longer than {}",
                    LogText.safe(key.subject()), LogText.safe(key.issuer()), loadTimeout);
        } else if (error instanceof AttributeSourceException) {
            LOG.warn("Loading attributes of subject {} of issuer {} failed: {}",
                    LogText.safe(key.subject()), LogText.safe(key.issuer()), error.toString());
            LOG.debug("Attribute load failure", error);
        } else {
            LOG.warn("Loading attributes of subject {} of issuer {} failed unexpectedly",
                    LogText.safe(key.subject()), LogText.safe(key.issuer()), error);
        }
    }

    private void load(PrincipalKey key, Flight flight) {
        loads.increment();
        long started = clock.millis();
        PrincipalAttributes result;
        Revocation before = null;
        boolean fenced = false;
        try {
            if (link != null && link.online()) {
                try {
                    before = link.revocationOf(key);
                    fenced = true;
                } catch (RuntimeException e) {
                    link.failed("reading revocations", e); // and load as a node cut off from the cluster
                }
            }
            result = source.load(key.issuer(), key.subject());
            if (result == null) {
                throw new AttributeSourceException("the source answered null");
            }
            if (!result.key().equals(key)) {
                throw new AttributeSourceException("the source answered for " + result.key());
            }
        } catch (Exception e) {
            flight.future.completeExceptionally(e);
            return;
        } catch (Error e) {
            flight.future.completeExceptionally(e);
            throw e;
        }
        if (!flight.future.isDone()) {
            put(key, flight, result, started, fenced, before);
        }
        flight.future.complete(result);
    }

    /**
     * Stores the answer: in the cache, or, while the cluster is unreachable, in this node's
     * {@link OutageEntries}. An answer whose load started before the cluster failed could not be
     * checked against revocations on other nodes: it is kept for its TTL but never served stale.
     * {@code fenced}: {@code before} was read from the cluster before the store was.
     */
    private void put(PrincipalKey key, Flight flight, PrincipalAttributes result, long started,
            boolean fenced, Revocation before) {
        long ttl = result.status() == PrincipalStatus.UNKNOWN ? negativeTtlMillis : ttlMillis;
        if (ttl <= 0) {
            return;
        }
        long freshUntil = saturatedAdd(started, ttl);
        CacheEntry entry = new CacheEntry(result, freshUntil, saturatedAdd(freshUntil, staleWindowMillis));
        CacheEntry unfenced = new CacheEntry(result, freshUntil, freshUntil);
        int s = stripe(key);
        synchronized (locks[s]) {
            if (generations.get(s) != flight.generation) {
                return; // invalidated while loading: the answer may predate the invalidation
            }
            if (link != null && !link.online()) {
                outage.put(key, fenced ? unfenced : entry, link.epoch());
                return;
            }
            if (link != null && !fenced) {
                return; // loaded while cut off, reconnected meanwhile: answer only this request
            }
            try {
                store.put(key, entry);
            } catch (RuntimeException e) {
                if (link == null) {
                    LOG.warn("Storing attributes in the cache failed", e);
                    return;
                }
                link.failed("storing an entry", e);
                outage.put(key, unfenced, link.epoch());
                return;
            }
        }
        if (link != null) {
            // A revocation on another node between the load's start and the put above changed
            // the shared revocation; the entry may predate it, so take it back. (A revocation
            // after this read removes the entry itself: it shares the revocation, then removes.)
            try {
                if (!Objects.equals(before, link.revocationOf(key))) {
                    store.remove(key);
                } else {
                    // Ehcache's put leaves this node's heap tier without the entry: read it back,
                    // so that the node holds the principal should it lose the cluster
                    long read = System.nanoTime();
                    if (store.get(key) == null && link.missTimedOut(read)) {
                        throw new IllegalStateException("reading an entry back from the attribute cluster timed out");
                    }
                }
            } catch (RuntimeException e) {
                link.failed("checking revocations", e);
                synchronized (locks[s]) {
                    if (generations.get(s) == flight.generation) {
                        outage.put(key, unfenced, link.epoch());
                    }
                }
            }
        }
    }

    private PrincipalAttributes fallback(PrincipalKey key, Throwable failure, CacheEntry first)
            throws AttributesUnavailableException {
        long now = clock.millis();
        // unreachable cluster: a second read would only wait for the timeout again
        CacheEntry entry = link != null && !link.online() ? first : read(key);
        if (entry != null && now < entry.staleUntil && !recentlyRevoked(key, now)
                && (link == null || !link.holds(key)) && !revokedElsewhere(key, now)) {
            if (now >= entry.freshUntil) {
                staleServes.increment();
                LOG.debug("Serving stale attributes of subject {} of issuer {}", LogText.safe(key.subject()),
                        LogText.safe(key.issuer()));
            }
            return entry.attributes;
        }
        throw unavailable(key, "attributes of subject " + LogText.safe(key.subject()) + " of issuer "
                + LogText.safe(key.issuer()) + " are unavailable: "
                + (failure == null ? "unknown failure" : failure.toString()), failure);
    }

    private boolean recentlyRevoked(PrincipalKey key, long now) {
        synchronized (revoked) {
            Long at = revoked.get(key);
            if (at == null) {
                return false;
            }
            if (now < saturatedAdd(at, saturatedAdd(ttlMillis, staleWindowMillis))) {
                return true;
            }
            revoked.remove(key);
            return false;
        }
    }

    private boolean revokedElsewhere(PrincipalKey key, long now) {
        if (link == null || !link.online()) {
            return false;
        }
        try {
            Revocation r = link.revocationOf(key);
            return r != null && now < saturatedAdd(r.at(), saturatedAdd(ttlMillis, staleWindowMillis));
        } catch (RuntimeException e) {
            link.failed("reading revocations", e);
            return false;
        }
    }

    private AttributesUnavailableException unavailable(PrincipalKey key, String message, Throwable cause) {
        return new AttributesUnavailableException(key, retryAfter, message, cause);
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /** One load in flight, shared by every get() that missed while it runs. */
    private static final class Flight {
        final CompletableFuture<PrincipalAttributes> future = new CompletableFuture<>();
        volatile long generation;
        volatile Future<?> task;
    }

    private static final class LoaderThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();
        private final String prefix;

        LoaderThreads(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }

    /**
     * Builds an {@link AttributeCache}; every setter checks its argument at once, naming the
     * setting, and {@link #build()} checks combinations.
     *
     * <p>Thread safety: not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private AttributeSource source;
        private Clock clock = Clock.systemUTC();
        private Duration ttl = Duration.ofSeconds(30);
        private long maxEntries = 10_000;
        private boolean maxEntriesSet;
        private long offHeapMb;
        private Duration negativeTtl = Duration.ofSeconds(5);
        private Duration staleWindow = Duration.ofSeconds(60);
        private Duration loadTimeout = Duration.ofSeconds(2);
        private Duration retryAfter = Duration.ofSeconds(5);
        private int loaderThreads = 4;
        private int loaderQueue = 1024;
        private URL ehcacheXml;
        private String ehcacheAlias = DEFAULT_ALIAS;
        private URI clusterUri;
        private String clusterResource = DEFAULT_CLUSTER_RESOURCE;
        private long clusterMb = 32;
        private Duration clusterTimeout = Duration.ofSeconds(1);

        private Builder() {
        }

        /** The store to load from (required); the cache closes it when closed. */
        public Builder source(AttributeSource source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** The clock for all expiry decisions; default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** {@value AttributeCache#TTL}: positive; default 30s. */
        public Builder ttl(Duration ttl) {
            this.ttl = positive(TTL, ttl);
            return this;
        }

        /** {@value AttributeCache#MAX_ENTRIES}: positive; default 10000. */
        public Builder maxEntries(long maxEntries) {
            if (maxEntries <= 0) {
                throw new IllegalArgumentException(MAX_ENTRIES + " must be positive, was " + maxEntries);
            }
            this.maxEntries = maxEntries;
            this.maxEntriesSet = true;
            return this;
        }

        /** {@value AttributeCache#OFFHEAP_MB}: 0 (none) or positive; default 0. */
        public Builder offHeapMb(long offHeapMb) {
            if (offHeapMb < 0) {
                throw new IllegalArgumentException(OFFHEAP_MB + " must be 0 or positive, was " + offHeapMb);
            }
            this.offHeapMb = offHeapMb;
            return this;
        }

        /** {@value AttributeCache#NEGATIVE_TTL}: 0 or positive; default 5s. */
        public Builder negativeTtl(Duration negativeTtl) {
            this.negativeTtl = notNegative(NEGATIVE_TTL, negativeTtl);
            return this;
        }

        /** {@value AttributeCache#STALE_WINDOW}: 0 or positive; default 60s. */
        public Builder staleWindow(Duration staleWindow) {
            this.staleWindow = notNegative(STALE_WINDOW, staleWindow);
            return this;
        }

        /** {@value AttributeCache#LOAD_TIMEOUT}: positive; default 2s. */
        public Builder loadTimeout(Duration loadTimeout) {
            this.loadTimeout = positive(LOAD_TIMEOUT, loadTimeout);
            return this;
        }

        /** {@value AttributeCache#RETRY_AFTER}: positive; default 5s. */
        public Builder retryAfter(Duration retryAfter) {
            this.retryAfter = positive(RETRY_AFTER, retryAfter);
            return this;
        }

        /** {@value AttributeCache#LOADER_THREADS}: 1 to 256; default 4. */
        public Builder loaderThreads(int loaderThreads) {
            if (loaderThreads < 1 || loaderThreads > 256) {
                throw new IllegalArgumentException(LOADER_THREADS + " must be between 1 and 256, was "
                        + loaderThreads);
            }
            this.loaderThreads = loaderThreads;
            return this;
        }

        /**
         * {@value AttributeCache#EHCACHE_XML}: take the resource pools (heap, off-heap, disk,
         * clustered) and cache-manager services from the cache {@code alias} of this Ehcache XML
         * file instead of {@link #maxEntries}/{@link #offHeapMb}. Its key and value types, if
         * declared, are ignored; expiry is always Portcullis's own.
         */
        public Builder ehcacheXml(URL xml, String alias) {
            this.ehcacheXml = Objects.requireNonNull(xml, EHCACHE_XML);
            Objects.requireNonNull(alias, EHCACHE_ALIAS);
            if (alias.isBlank()) {
                throw new IllegalArgumentException(EHCACHE_ALIAS + " must not be blank");
            }
            this.ehcacheAlias = alias;
            return this;
        }

        /**
         * {@value AttributeCache#CLUSTER_URI}: share entries and revocations through the Terracotta
         * cluster at {@code terracotta://host[:port]/entity} (see the class comment); needs
         * {@code org.ehcache:ehcache-clustered} on the class path.
         */
        public Builder cluster(URI uri) {
            Objects.requireNonNull(uri, CLUSTER_URI);
            String scheme = uri.getScheme();
            if (scheme == null || !scheme.toLowerCase(Locale.ROOT).equals("terracotta")) {
                throw new IllegalArgumentException(CLUSTER_URI + " must be a terracotta:// URI, was '" + uri + "'");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException(CLUSTER_URI + " must name a host, was '" + uri + "'");
            }
            String path = uri.getPath();
            if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0 || uri.getQuery() != null
                    || uri.getFragment() != null || uri.getUserInfo() != null) {
                throw new IllegalArgumentException(CLUSTER_URI
                        + " must be terracotta://host[:port]/entity with one path segment, was '" + uri + "'");
            }
            this.clusterUri = uri;
            return this;
        }

        /** {@value AttributeCache#CLUSTER_RESOURCE}: a server off-heap resource name; default main. */
        public Builder clusterResource(String resource) {
            Objects.requireNonNull(resource, CLUSTER_RESOURCE);
            if (resource.isBlank() || !resource.strip().equals(resource)) {
                throw new IllegalArgumentException(CLUSTER_RESOURCE + " must be a resource name, was '"
                        + resource + "'");
            }
            this.clusterResource = resource;
            return this;
        }

        /** {@value AttributeCache#CLUSTER_MB}: 1 to 1048576; default 32. */
        public Builder clusterMb(long mb) {
            if (mb < 1 || mb > 1_048_576) {
                throw new IllegalArgumentException(CLUSTER_MB + " must be between 1 and 1048576, was " + mb);
            }
            this.clusterMb = mb;
            return this;
        }

        /** {@value AttributeCache#CLUSTER_TIMEOUT}: positive, at most 1 minute; default 1s. */
        public Builder clusterTimeout(Duration timeout) {
            positive(CLUSTER_TIMEOUT, timeout);
            if (timeout.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException(CLUSTER_TIMEOUT + " must be at most 1 minute, was " + timeout);
            }
            this.clusterTimeout = timeout;
            return this;
        }

        /**
         * Applies the cache settings listed in the class comment (not the source ones).
         *
         * @throws ConfigurationException naming the first bad setting
         */
        public Builder settings(Settings s) {
            Objects.requireNonNull(s, "settings");
            apply(TTL, () -> ttl(s.getDuration(TTL, ttl)));
            if (s.get(MAX_ENTRIES).isPresent()) {
                apply(MAX_ENTRIES, () -> maxEntries(s.getInt(MAX_ENTRIES, 0)));
            }
            apply(OFFHEAP_MB, () -> offHeapMb(s.getInt(OFFHEAP_MB, 0)));
            apply(NEGATIVE_TTL, () -> negativeTtl(s.getDuration(NEGATIVE_TTL, negativeTtl)));
            apply(STALE_WINDOW, () -> staleWindow(s.getDuration(STALE_WINDOW, staleWindow)));
            apply(LOAD_TIMEOUT, () -> loadTimeout(s.getDuration(LOAD_TIMEOUT, loadTimeout)));
            apply(RETRY_AFTER, () -> retryAfter(s.getDuration(RETRY_AFTER, retryAfter)));
            apply(LOADER_THREADS, () -> loaderThreads(s.getInt(LOADER_THREADS, loaderThreads)));
            Optional<String> cluster = s.get(CLUSTER_URI);
            if (cluster.isPresent() && !cluster.get().isBlank()) {
                apply(CLUSTER_URI, () -> {
                    try {
                        cluster(new URI(cluster.get().strip()));
                    } catch (URISyntaxException e) {
                        throw new IllegalArgumentException(CLUSTER_URI + " is not a URI: '" + cluster.get() + "'", e);
                    }
                });
            }
            apply(CLUSTER_RESOURCE, () -> clusterResource(s.get(CLUSTER_RESOURCE, clusterResource)));
            apply(CLUSTER_MB, () -> clusterMb(s.getInt(CLUSTER_MB, (int) clusterMb)));
            apply(CLUSTER_TIMEOUT, () -> clusterTimeout(s.getDuration(CLUSTER_TIMEOUT, clusterTimeout)));
            Optional<String> xml = s.get(EHCACHE_XML);
            if (xml.isPresent()) {
                URL url = locate(xml.get());
                apply(EHCACHE_ALIAS, () -> ehcacheXml(url, s.get(EHCACHE_ALIAS, DEFAULT_ALIAS)));
            }
            return this;
        }

        /**
         * @throws IllegalStateException if no source was given, or an Ehcache XML was combined
         *     with {@link #maxEntries}/{@link #offHeapMb}
         * @throws ConfigurationException naming {@value AttributeCache#EHCACHE_XML} if that file
         *     cannot be read or lacks the alias
         */
        public AttributeCache build() {
            if (source == null) {
                throw new IllegalStateException("an attribute source is required");
            }
            if (ehcacheXml != null && (maxEntriesSet || offHeapMb > 0)) {
                throw new IllegalStateException(EHCACHE_XML + " sets the cache resources; do not also set "
                        + MAX_ENTRIES + " or " + OFFHEAP_MB);
            }
            ClassLoader loader = AttributeCache.class.getClassLoader();
            if (clusterUri != null) {
                if (ehcacheXml != null) {
                    throw new IllegalStateException(EHCACHE_XML + " and " + CLUSTER_URI
                            + " both configure the cache tiers; set only one");
                }
                try {
                    Class.forName(CLUSTERING_API, false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new ConfigurationException(CLUSTER_URI, "clustered mode needs "
                            + "org.ehcache:ehcache-clustered on the class path", e);
                }
                return startClustered(loader);
            }
            if (ehcacheXml == null) {
                ResourcePoolsBuilder pools = ResourcePoolsBuilder.heap(maxEntries);
                if (offHeapMb > 0) {
                    pools = pools.offheap(offHeapMb, MemoryUnit.MB);
                }
                return start(CacheManagerBuilder.newCacheManagerBuilder()
                        .withClassLoader(loader)
                        .withCache(ehcacheAlias, CacheConfigurationBuilder.newCacheConfigurationBuilder(
                                PrincipalKey.class, CacheEntry.class, pools))
                        .build(false), ehcacheAlias, null);
            }
            return start(CacheManagerBuilder.newCacheManager(fromXml(loader)), ehcacheAlias, null);
        }

        private Configuration fromXml(ClassLoader loader) {
            XmlConfiguration xml;
            try {
                xml = new XmlConfiguration(ehcacheXml, loader);
            } catch (RuntimeException e) {
                throw new ConfigurationException(EHCACHE_XML, "cannot read Ehcache XML " + ehcacheXml
                        + ": " + e.getMessage(), e);
            }
            CacheConfiguration<?, ?> declared = xml.getCacheConfigurations().get(ehcacheAlias);
            if (declared == null) {
                throw new ConfigurationException(EHCACHE_ALIAS, "no cache '" + ehcacheAlias + "' in "
                        + ehcacheXml + " (caches: " + xml.getCacheConfigurations().keySet() + ")");
            }
            FluentConfigurationBuilder<?> derived = xml.derive().withClassLoader(loader);
            for (String alias : List.copyOf(xml.getCacheConfigurations().keySet())) {
                derived = derived.withoutCache(alias);
            }
            return derived.withCache(ehcacheAlias, CacheConfigurationBuilder.newCacheConfigurationBuilder(
                    PrincipalKey.class, CacheEntry.class, declared.getResourcePools()).build()).build();
        }

        private AttributeCache startClustered(ClassLoader loader) {
            CacheManager revocationsManager = ClusteredTier.revocationsManager(loader, clusterUri, clusterResource,
                    clusterTimeout, ttl.plus(staleWindow).plusMinutes(1));
            try {
                revocationsManager.init();
            } catch (RuntimeException e) {
                try {
                    revocationsManager.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw new ConfigurationException(CLUSTER_URI, "cannot connect to the attribute cluster "
                        + clusterUri + ": " + e.getMessage(), e);
            }
            try {
                return start(ClusteredTier.attributesManager(loader, clusterUri, clusterResource, clusterMb,
                        maxEntries, offHeapMb, clusterTimeout), ClusteredTier.ATTRIBUTES, revocationsManager);
            } catch (RuntimeException e) {
                try {
                    revocationsManager.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }

        private AttributeCache start(CacheManager manager, String alias, CacheManager revocationsManager) {
            try {
                manager.init();
                Cache<PrincipalKey, CacheEntry> cache = manager.getCache(alias, PrincipalKey.class,
                        CacheEntry.class);
                Cache<PrincipalKey, Revocation> shared = revocationsManager == null ? null
                        : revocationsManager.getCache(ClusteredTier.REVOCATIONS, PrincipalKey.class, Revocation.class);
                return new AttributeCache(this, manager, cache, shared, revocationsManager);
            } catch (RuntimeException e) {
                try {
                    manager.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw new ConfigurationException(revocationsManager != null ? CLUSTER_URI
                        : ehcacheXml != null ? EHCACHE_XML : offHeapMb > 0 ? OFFHEAP_MB : MAX_ENTRIES,
                        "cannot start the attribute cache: " + e.getMessage(), e);
            }
        }

        private static URL locate(String value) {
            try {
                if (value.startsWith("classpath:")) {
                    String name = value.substring("classpath:".length());
                    while (name.startsWith("/")) {
                        name = name.substring(1);
                    }
                    ClassLoader cl = Thread.currentThread().getContextClassLoader();
                    URL url = cl == null ? null : cl.getResource(name);
                    if (url == null) {
                        url = AttributeCache.class.getClassLoader().getResource(name);
                    }
                    if (url == null) {
                        throw new ConfigurationException(EHCACHE_XML, "no class-path resource '" + name + "'");
                    }
                    return url;
                }
                int colon = value.indexOf(':');
                if (colon > 1) {
                    return new URI(value).toURL();
                }
                Path path = Paths.get(value);
                if (!Files.isReadable(path)) {
                    throw new ConfigurationException(EHCACHE_XML, "cannot read file '" + value + "'");
                }
                return path.toUri().toURL();
            } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
                throw new ConfigurationException(EHCACHE_XML, "not a path or URL: '" + value + "'", e);
            }
        }

        private static void apply(String setting, Runnable r) {
            try {
                r.run();
            } catch (ConfigurationException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(setting, e.getMessage(), e);
            }
        }

        private static Duration positive(String setting, Duration d) {
            Objects.requireNonNull(d, setting);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(setting + " must be positive, was " + d);
            }
            return notTooLong(setting, d);
        }

        private static Duration notNegative(String setting, Duration d) {
            Objects.requireNonNull(d, setting);
            if (d.isNegative()) {
                throw new IllegalArgumentException(setting + " must not be negative, was " + d);
            }
            return notTooLong(setting, d);
        }

        private static Duration notTooLong(String setting, Duration d) {
            if (d.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(setting + " must be at most " + MAX_DURATION.toDays()
                        + " days, was " + d);
            }
            return d;
        }
    }
}
