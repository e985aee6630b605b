package dev.portcullis.attributes;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
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
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Revocation state is local to this instance; with a clustered Ehcache tier, call
 * {@code revoke} on every node.
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
 *   <tr><td>{@value #LOAD_TIMEOUT}</td><td>2s</td><td>longest a load may take</td></tr>
 *   <tr><td>{@value #RETRY_AFTER}</td><td>5s</td><td>Retry-After hint when unavailable</td></tr>
 *   <tr><td>{@value #LOADER_THREADS}</td><td>4</td><td>loads running at once (distinct
 *       principals)</td></tr>
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
    public static final String SOURCE = "portcullis.attributes.source";
    /** Freshness of a loaded entry; default 30s. */
    public static final String TTL = "portcullis.attributes.cache.ttl";
    /** On-heap entry bound; default 10000. */
    public static final String MAX_ENTRIES = "portcullis.attributes.cache.max-entries";
    /** Off-heap tier size in MB; default 0 (none). */
    public static final String OFFHEAP_MB = "portcullis.attributes.cache.offheap-mb";
    /** Freshness of an UNKNOWN answer; default 5s; 0 disables negative caching. */
    public static final String NEGATIVE_TTL = "portcullis.attributes.cache.negative-ttl";
    /** Stale window past the TTL while the store fails; default 60s; 0 never serves stale. */
    public static final String STALE_WINDOW = "portcullis.attributes.cache.stale-window";
    /** Longest a load may take; default 2s. */
    public static final String LOAD_TIMEOUT = "portcullis.attributes.cache.load-timeout";
    /** Retry-After hint given with a 503; default 5s. */
    public static final String RETRY_AFTER = "portcullis.attributes.cache.retry-after";
    /** Loader threads; default 4. */
    public static final String LOADER_THREADS = "portcullis.attributes.cache.loader-threads";
    /** Ehcache XML (path, URL or classpath:name); default unset. */
    public static final String EHCACHE_XML = "portcullis.attributes.cache.ehcache-xml";
    /** Cache alias in the Ehcache XML; default portcullis-attributes. */
    public static final String EHCACHE_ALIAS = "portcullis.attributes.cache.ehcache-alias";

    /** Default cache alias. */
    public static final String DEFAULT_ALIAS = "portcullis-attributes";
    /** How many revoked principals are remembered at most. */
    public static final int REVOCATION_MEMORY = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(AttributeCache.class);
    private static final int STRIPES = 256;
    private static final Duration MAX_DURATION = Duration.ofDays(365);

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
    private final ConcurrentHashMap<PrincipalKey, Flight> inFlight = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[STRIPES];
    /** Per-stripe generation; guarded by the stripe's lock. */
    private final long[] generations = new long[STRIPES];
    /** Revoked principals and when (clock millis); guarded by itself. */
    private final LinkedHashMap<PrincipalKey, Long> revoked;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder staleServes = new LongAdder();
    private final LongAdder revocations = new LongAdder();

    private AttributeCache(Builder b, CacheManager cacheManager, Cache<PrincipalKey, CacheEntry> store) {
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
                new LinkedBlockingQueue<>(b.loaderQueue), new LoaderThreads());
        this.loader.allowCoreThreadTimeOut(true);
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
        CacheEntry cached = read(key);
        if (cached != null && clock.millis() < cached.freshUntil) {
            hits.increment();
            return cached.attributes;
        }
        misses.increment();
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
        return fallback(key, failure);
    }

    /**
     * Drops the principal's entry; no {@code get} that starts after this returns is answered
     * with data read before it was called (neither fresh nor stale).
     */
    public void evict(String issuer, String subject) {
        invalidate(PrincipalKey.of(issuer, subject));
    }

    /**
     * {@link #evict} and remember the revocation: for TTL + stale window no entry of this
     * principal is served stale, so while the store fails the principal is refused.
     */
    public void revoke(String issuer, String subject) {
        PrincipalKey key = PrincipalKey.of(issuer, subject);
        synchronized (revoked) {
            revoked.remove(key);
            revoked.put(key, clock.millis());
        }
        invalidate(key);
        revocations.increment();
        LOG.info("Revoked cached attributes of subject {} of issuer {}", key.subject(), key.issuer());
    }

    /** Drops every entry, as {@link #evict} for every principal. */
    public void evictAll() {
        for (int i = 0; i < STRIPES; i++) {
            synchronized (locks[i]) {
                generations[i]++;
            }
        }
        inFlight.clear();
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
        try {
            cacheManager.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing the attribute cache failed", e);
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
                + ", source=" + source.getClass().getSimpleName() + "]";
    }

    // ---------------------------------------------------------------------------------------

    private CacheEntry read(PrincipalKey key) {
        try {
            return store.get(key);
        } catch (RuntimeException e) {
            LOG.warn("Reading the attribute cache failed; treating it as a miss", e);
            return null;
        }
    }

    private static int stripe(PrincipalKey key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    private void invalidate(PrincipalKey key) {
        int s = stripe(key);
        synchronized (locks[s]) {
            generations[s]++;
            inFlight.remove(key);
            store.remove(key);
        }
    }

    private Flight flightFor(PrincipalKey key) {
        Flight existing = inFlight.get(key);
        if (existing != null) {
            return existing;
        }
        Flight mine = new Flight();
        existing = inFlight.putIfAbsent(key, mine);
        if (existing != null) {
            return existing;
        }
        // The generation is read after the flight is visible and before the source is called:
        // whatever the load reads, it reads after this point, so if no invalidation bumps the
        // generation in between, its answer is at least as new as any invalidation before it.
        int s = stripe(key);
        synchronized (locks[s]) {
            mine.generation = generations[s];
        }
        mine.future.orTimeout(loadTimeout.toNanos(), TimeUnit.NANOSECONDS)
                .whenComplete((result, error) -> finished(key, mine, error));
        try {
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
                    key.subject(), key.issuer(), loadTimeout);
        } else if (error instanceof AttributeSourceException) {
            LOG.warn("Loading attributes of subject {} of issuer {} failed: {}",
                    key.subject(), key.issuer(), error.toString());
            LOG.debug("Attribute load failure", error);
        } else {
            LOG.warn("Loading attributes of subject {} of issuer {} failed unexpectedly",
                    key.subject(), key.issuer(), error);
        }
    }

    private void load(PrincipalKey key, Flight flight) {
        loads.increment();
        long started = clock.millis();
        PrincipalAttributes result;
        try {
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
            put(key, flight, result, started);
        }
        flight.future.complete(result);
    }

    private void put(PrincipalKey key, Flight flight, PrincipalAttributes result, long started) {
        long ttl = result.status() == PrincipalStatus.UNKNOWN ? negativeTtlMillis : ttlMillis;
        if (ttl <= 0) {
            return;
        }
        long freshUntil = saturatedAdd(started, ttl);
        CacheEntry entry = new CacheEntry(result, freshUntil, saturatedAdd(freshUntil, staleWindowMillis));
        int s = stripe(key);
        synchronized (locks[s]) {
            if (generations[s] != flight.generation) {
                return; // invalidated while loading: the answer may predate the invalidation
            }
            try {
                store.put(key, entry);
            } catch (RuntimeException e) {
                LOG.warn("Storing attributes in the cache failed", e);
            }
        }
    }

    private PrincipalAttributes fallback(PrincipalKey key, Throwable failure)
            throws AttributesUnavailableException {
        long now = clock.millis();
        CacheEntry entry = read(key);
        if (entry != null && now < entry.staleUntil && !recentlyRevoked(key, now)) {
            if (now >= entry.freshUntil) {
                staleServes.increment();
                LOG.debug("Serving stale attributes of subject {} of issuer {}", key.subject(),
                        key.issuer());
            }
            return entry.attributes;
        }
        throw unavailable(key, "attributes of subject " + key.subject() + " of issuer "
                + key.issuer() + " are unavailable: "
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

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "portcullis-attribute-loader-" + count.incrementAndGet());
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
            if (ehcacheXml == null) {
                ResourcePoolsBuilder pools = ResourcePoolsBuilder.heap(maxEntries);
                if (offHeapMb > 0) {
                    pools = pools.offheap(offHeapMb, MemoryUnit.MB);
                }
                return start(CacheManagerBuilder.newCacheManagerBuilder()
                        .withClassLoader(loader)
                        .withCache(ehcacheAlias, CacheConfigurationBuilder.newCacheConfigurationBuilder(
                                PrincipalKey.class, CacheEntry.class, pools))
                        .build(false));
            }
            return start(CacheManagerBuilder.newCacheManager(fromXml(loader)));
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

        private AttributeCache start(CacheManager manager) {
            try {
                manager.init();
                Cache<PrincipalKey, CacheEntry> cache = manager.getCache(ehcacheAlias, PrincipalKey.class,
                        CacheEntry.class);
                return new AttributeCache(this, manager, cache);
            } catch (RuntimeException e) {
                try {
                    manager.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw new ConfigurationException(ehcacheXml != null ? EHCACHE_XML : offHeapMb > 0 ? OFFHEAP_MB : MAX_ENTRIES,
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
