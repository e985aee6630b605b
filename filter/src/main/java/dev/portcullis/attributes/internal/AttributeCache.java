package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalKey;
import dev.portcullis.attributes.AttributeSource;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.Extensions;
import java.net.URI;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *   <tr><td>{@value #SOURCE}</td><td>none</td><td>{@code jdbc}, {@code file}, {@code none}
 *       (no attribute store: {@code fromSettings} returns empty), or the class name of an
 *       {@link AttributeSource}: public, with a public constructor taking {@link Settings} or
 *       none, loaded through the thread's context class loader</td></tr>
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
    /**
     * Which store to read: {@code jdbc}, {@code file}, {@code none}, or the class name of an
     * {@link AttributeSource} (public, with a public constructor taking {@link Settings} or none);
     * default none.
     */
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

    /*
     * The work is done by package-private parts, each of which can be read alone:
     *   CacheOptions  settings and builder values -> validated options
     *   CacheTiers    the Ehcache managers and caches (node-local, from XML, or ClusteredTier)
     *   Lookup        how a get is answered (fresh, loaded, stale, refused) and what a load does
     *   Loads         single flight, the loader pool, load timeouts (own timer thread)
     *   Generations   striped per-principal generations and their ordering rules
     *   EntryStore    reads, stores and removals with the generation checks and the cluster rules
     *   Revocations   evict and revoke, the revoked memory and the cluster hand-off
     *   Freshness     TTL, negative TTL, stale window and revocation window, by the clock
     *   Counters      the published counters
     *   ClusterLink, OutageEntries, ClusteredTier: the link to the cluster and the outage rules
     */

    private final AttributeSource source;
    private final Freshness freshness;
    private final Duration loadTimeout;
    private final CacheTiers tiers;
    private final Loads loads;
    private final EntryStore entries;
    private final Revocations revocations;
    private final Lookup lookup;
    private final Counters counters = new Counters();
    private final AtomicBoolean closed = new AtomicBoolean();

    private AttributeCache(CacheOptions o, CacheTiers tiers) {
        this.source = o.source;
        this.freshness = new Freshness(o.clock, o.ttl, o.negativeTtl, o.staleWindow);
        this.loadTimeout = o.loadTimeout;
        this.tiers = tiers;
        Generations generations = new Generations();
        this.loads = new Loads(o.loaderThreads, o.loaderQueue, o.loadTimeout, o.flightTimeout(), generations,
                counters);
        this.entries = new EntryStore(tiers, o, generations, loads, freshness);
        this.revocations = new Revocations(entries, freshness, counters);
        this.lookup = new Lookup(source, freshness, entries, loads, revocations, counters, o.retryAfter);
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
        String kind = settings.get(SOURCE, "none").strip();
        if (kind.toLowerCase(Locale.ROOT).equals("none")) {
            return Optional.empty();
        }
        // validate the cache settings before anything opens a pool
        Builder builder = builder().clock(clock).settings(settings);
        AttributeSource source = source(kind, settings, clock);
        try {
            return Optional.of(builder.source(source).build());
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    private static AttributeSource source(String kind, Settings settings, Clock clock) {
        switch (kind.toLowerCase(Locale.ROOT)) {
            case "jdbc":
                return JdbcAttributeSource.fromSettings(settings, clock);
            case "file":
                return FileAttributeSource.fromSettings(settings, clock);
            default:
                return Extensions.instantiate(SOURCE, kind, AttributeSource.class, settings);
        }
    }

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
            throw lookup.unavailable(key, "the attribute cache is closed", null);
        }
        return lookup.get(key);
    }

    /**
     * Drops the principal's entry; no {@code get} that starts after this returns is answered
     * with data read before it was called (neither fresh nor stale).
     */
    public void evict(String issuer, String subject) {
        revocations.evict(PrincipalKey.of(issuer, subject));
    }

    /**
     * {@link #evict} and remember the revocation: for TTL + stale window no entry of this
     * principal is served stale, so while the store fails the principal is refused.
     */
    public void revoke(String issuer, String subject) {
        revocations.revoke(PrincipalKey.of(issuer, subject));
    }

    /** Drops every entry, as {@link #evict} for every principal. */
    public void evictAll() {
        entries.clear();
    }

    /** Gets answered from a fresh entry. */
    public long hits() {
        return counters.hits();
    }

    /** Gets that found no fresh entry and waited for a load. */
    public long misses() {
        return counters.misses();
    }

    /** Calls to {@link AttributeSource#load}. */
    public long loads() {
        return counters.loads();
    }

    /** Loads that failed or timed out (counted once per load, not per waiter). */
    public long loadFailures() {
        return counters.loadFailures();
    }

    /** Gets answered from an entry past its TTL because the load failed. */
    public long staleServes() {
        return counters.staleServes();
    }

    /** Cluster reads and writes that failed (0 for a node-local cache). */
    public long clusterFailures() {
        return entries.link() == null ? 0 : entries.link().failures();
    }

    /** Whether the cache is clustered ({@value #CLUSTER_URI} set). */
    public boolean clustered() {
        return entries.link() != null;
    }

    /** Calls to {@link #revoke}. */
    public long revocations() {
        return counters.revocations();
    }

    /** Calls to the source that ended (answered or failed), for the load-latency metric. */
    public long timedLoads() {
        return counters.timedLoads();
    }

    /** Total time of those calls, in nanoseconds. */
    public long loadNanos() {
        return counters.loadNanos();
    }

    /** Whether the last load that ended failed or timed out: the store is taken to be down until one answers. */
    public boolean storeFailing() {
        return counters.storeFailing();
    }

    /** Whether this node is connected to the cluster (false for a node-local cache). */
    public boolean clusterConnected() {
        return entries.link() != null && entries.link().online();
    }

    /** Closes the Ehcache manager, stops the loader threads and closes the source. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // The loader threads first, waiting bounded: a load stuck in its source (JDBC ignores
        // interrupts) ends when the source closes, last. Then the cluster checks, the tiers, the source.
        loads.close();
        if (entries.link() != null) {
            entries.link().close();
        }
        tiers.close();
        try {
            source.close();
        } catch (Exception e) {
            LOG.warn("Closing the attribute source failed", e);
        }
    }

    @Override
    public String toString() {
        return "AttributeCache[" + freshness + ", loadTimeout=" + loadTimeout
                + (clustered() ? ", clustered" : "") + ", source=" + source.getClass().getSimpleName() + "]";
    }

    /**
     * Builds an {@link AttributeCache}; every setter checks its argument at once, naming the
     * setting, and {@link #build()} checks combinations.
     *
     * <p>Thread safety: not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private final CacheOptions options = new CacheOptions();

        private Builder() {
        }

        /** The store to load from (required); the cache closes it when closed. */
        public Builder source(AttributeSource source) {
            options.source(source);
            return this;
        }

        /** The clock for all expiry decisions; default the system UTC clock. */
        public Builder clock(Clock clock) {
            options.clock(clock);
            return this;
        }

        /** {@value AttributeCache#TTL}: positive; default 30s. */
        public Builder ttl(Duration ttl) {
            options.ttl(ttl);
            return this;
        }

        /** {@value AttributeCache#MAX_ENTRIES}: positive; default 10000. */
        public Builder maxEntries(long maxEntries) {
            options.maxEntries(maxEntries);
            return this;
        }

        /** {@value AttributeCache#OFFHEAP_MB}: 0 (none) or positive; default 0. */
        public Builder offHeapMb(long offHeapMb) {
            options.offHeapMb(offHeapMb);
            return this;
        }

        /** {@value AttributeCache#NEGATIVE_TTL}: 0 or positive; default 5s. */
        public Builder negativeTtl(Duration negativeTtl) {
            options.negativeTtl(negativeTtl);
            return this;
        }

        /** {@value AttributeCache#STALE_WINDOW}: 0 or positive; default 60s. */
        public Builder staleWindow(Duration staleWindow) {
            options.staleWindow(staleWindow);
            return this;
        }

        /** {@value AttributeCache#LOAD_TIMEOUT}: positive; default 2s. */
        public Builder loadTimeout(Duration loadTimeout) {
            options.loadTimeout(loadTimeout);
            return this;
        }

        /** {@value AttributeCache#RETRY_AFTER}: positive; default 5s. */
        public Builder retryAfter(Duration retryAfter) {
            options.retryAfter(retryAfter);
            return this;
        }

        /** {@value AttributeCache#LOADER_THREADS}: 1 to 256; default 4. */
        public Builder loaderThreads(int loaderThreads) {
            options.loaderThreads(loaderThreads);
            return this;
        }

        /**
         * {@value AttributeCache#EHCACHE_XML}: take the resource pools (heap, off-heap, disk,
         * clustered) and cache-manager services from the cache {@code alias} of this Ehcache XML
         * file instead of {@link #maxEntries}/{@link #offHeapMb}. Its key and value types, if
         * declared, are ignored; expiry is always Portcullis's own.
         */
        public Builder ehcacheXml(URL xml, String alias) {
            options.ehcacheXml(xml, alias);
            return this;
        }

        /**
         * {@value AttributeCache#CLUSTER_URI}: share entries and revocations through the Terracotta
         * cluster at {@code terracotta://host[:port]/entity} (see the class comment); needs
         * {@code org.ehcache:ehcache-clustered} on the class path.
         */
        public Builder cluster(URI uri) {
            options.cluster(uri);
            return this;
        }

        /** {@value AttributeCache#CLUSTER_RESOURCE}: a server off-heap resource name; default main. */
        public Builder clusterResource(String resource) {
            options.clusterResource(resource);
            return this;
        }

        /** {@value AttributeCache#CLUSTER_MB}: 1 to 1048576; default 32. */
        public Builder clusterMb(long mb) {
            options.clusterMb(mb);
            return this;
        }

        /** {@value AttributeCache#CLUSTER_TIMEOUT}: positive, at most 1 minute; default 1s. */
        public Builder clusterTimeout(Duration timeout) {
            options.clusterTimeout(timeout);
            return this;
        }

        /**
         * Applies the cache settings listed in the class comment (not the source ones).
         *
         * @throws ConfigurationException naming the first bad setting
         */
        public Builder settings(Settings s) {
            options.read(s);
            return this;
        }

        /**
         * @throws IllegalStateException if no source was given, or an Ehcache XML was combined
         *     with {@link #maxEntries}/{@link #offHeapMb} or with {@link #cluster}
         * @throws ConfigurationException naming {@value AttributeCache#EHCACHE_XML} if that file
         *     cannot be read or lacks the alias, or {@value AttributeCache#CLUSTER_URI} if the
         *     cluster cannot be reached or {@code ehcache-clustered} is missing
         */
        public AttributeCache build() {
            options.check();
            CacheTiers tiers = CacheTiers.start(options);
            try {
                return new AttributeCache(options, tiers);
            } catch (RuntimeException | Error e) {
                tiers.close();
                throw e;
            }
        }
    }
}
