package dev.portcullis.token.internal.dpop;

import dev.portcullis.internal.BoundedClose;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;

import java.net.URI;
import java.time.Duration;
import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ExpiryPolicyBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DPoP {@code jti} replay cache (RFC 9449 §11.1): an Ehcache cache of the proofs seen, each
 * kept for the time a proof is accepted ({@code max-age} plus twice the clock skew) and then
 * expired. {@link #firstUse} is one atomic {@code putIfAbsent}: of two requests with one proof,
 * exactly one wins.
 *
 * <p>Node-local by default: a heap tier of {@code replay-cache-entries}. With
 * {@value SettingNames#ATTRIBUTES_CACHE_CLUSTER_URI} set, a heap tier over a clustered Terracotta
 * tier with strong consistency ({@link ClusteredReplayTier}, entity {@code <uri>-dpop-jti}), so a
 * proof used on one node is refused on every other; a cluster failure refuses the proof
 * ({@code replay_check_unavailable}, 503) rather than accepting a possible replay.
 *
 * <p>Bounded: when the heap tier of a node-local cache is full, Ehcache evicts entries before they
 * expire and such a proof could be replayed within its window; size it above the proofs a node
 * accepts in one window (the default, 100000, is ≈1,600 proofs per second for 60 s).
 *
 * <p>Thread safety: thread-safe.
 */
final class ReplayCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayCache.class);
    static final String ALIAS = "portcullis-dpop-jti";
    private static final String CLUSTERING_API =
            "org.ehcache.clustered.client.config.builders.ClusteringServiceConfigurationBuilder";

    private final CacheManager manager;
    private final Cache<String, Long> seen;
    private final boolean clustered;

    private ReplayCache(CacheManager manager, boolean clustered) {
        this.manager = manager;
        this.seen = manager.getCache(ALIAS, String.class, Long.class);
        this.clustered = clustered;
    }

    /** A node-local cache of {@code entries}, each kept for {@code lifetime}. */
    static ReplayCache local(long entries, Duration lifetime) {
        CacheManager manager = CacheManagerBuilder.newCacheManagerBuilder()
                .withClassLoader(ReplayCache.class.getClassLoader())
                .withCache(ALIAS, CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class, Long.class,
                                ResourcePoolsBuilder.heap(entries))
                        .withExpiry(ExpiryPolicyBuilder.timeToLiveExpiration(lifetime)))
                .build(true);
        return new ReplayCache(manager, false);
    }

    /** A cache shared through the Terracotta cluster at {@code uri}. */
    static ReplayCache clustered(URI uri, String resource, Duration timeout, long heapEntries, Duration lifetime) {
        ClassLoader loader = ReplayCache.class.getClassLoader();
        try {
            Class.forName(CLUSTERING_API, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigurationException(SettingNames.ATTRIBUTES_CACHE_CLUSTER_URI,
                    "clustered mode needs org.ehcache:ehcache-clustered on the class path", e);
        }
        CacheManager manager = ClusteredReplayTier.manager(loader, uri, resource, timeout, heapEntries, lifetime);
        try {
            manager.init();
        } catch (RuntimeException e) {
            try {
                manager.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new ConfigurationException(SettingNames.ATTRIBUTES_CACHE_CLUSTER_URI,
                    "cannot connect the DPoP replay cache to the cluster " + uri + ": " + e.getMessage(), e);
        }
        return new ReplayCache(manager, true);
    }

    /**
     * Records a proof; true the first time it is seen (within its lifetime), false for a replay.
     *
     * @throws IllegalStateException when the shared cache cannot be reached
     */
    boolean firstUse(String key, long expiresAtEpochSecond) {
        try {
            return seen.putIfAbsent(key, expiresAtEpochSecond) == null;
        } catch (RuntimeException e) {
            throw new IllegalStateException("DPoP replay cache unavailable: " + e, e);
        }
    }

    boolean isClustered() {
        return clustered;
    }

    @Override
    public void close() {
        // bounded: with the Terracotta server gone, Ehcache waits minutes before releasing the tier
        BoundedClose.close("the DPoP replay cache", manager::close, java.time.Duration.ofSeconds(10));
    }
}
