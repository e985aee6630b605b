package dev.portcullis.attributes;

import java.net.URI;
import java.time.Duration;
import org.ehcache.CacheManager;
import org.ehcache.clustered.client.config.builders.ClusteredResourcePoolBuilder;
import org.ehcache.clustered.client.config.builders.ClusteredStoreConfigurationBuilder;
import org.ehcache.clustered.client.config.builders.ClusteringServiceConfigurationBuilder;
import org.ehcache.clustered.client.config.builders.TimeoutsBuilder;
import org.ehcache.clustered.common.Consistency;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ExpiryPolicyBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;

/**
 * The only class that touches Ehcache's clustered (Terracotta) API: it builds the cache manager
 * of a clustered {@link AttributeCache} with two caches on the cluster named by the URI:
 * <ul>
 *   <li>{@link #ATTRIBUTES}: a local heap tier over a clustered dedicated tier with strong
 *       consistency, so that a remove on one node invalidates every other node's heap copy before
 *       it returns;</li>
 *   <li>{@link #REVOCATIONS}: the revocations every node made, with strong consistency, kept by the
 *       server while the cluster runs (so a node that restarts still sees them).</li>
 * </ul>
 * Both caches report store failures to the caller ({@link ThrowingResilience}); the cluster entity
 * is created on first connection and again on reconnection to a server that lost it.
 *
 * <p>{@link AttributeCache} refers to this class only when a cluster URI is configured, so
 * without one neither this class nor any clustered Ehcache class is ever loaded, and the
 * {@code ehcache-clustered} jar may be absent.
 *
 * <p>Thread safety: stateless.
 */
final class ClusteredTier {
    /** The attributes cache alias on the cluster. */
    static final String ATTRIBUTES = "portcullis-attributes";
    /** The revocations cache alias on the cluster. */
    static final String REVOCATIONS = "portcullis-revocations";
    /** Heap entries of revocations kept on each node. */
    static final long REVOCATION_HEAP_ENTRIES = 1_000;
    /** Clustered size of the revocations cache. */
    static final long REVOCATION_CLUSTER_MB = 4;

    private ClusteredTier() {
    }

    static CacheManager newCacheManager(ClassLoader loader, URI uri, String resource, long clusterMb,
            long heapEntries, long offHeapMb, Duration timeout, Duration revocationLifetime) {
        ResourcePoolsBuilder pools = ResourcePoolsBuilder.heap(heapEntries);
        if (offHeapMb > 0) {
            pools = pools.offheap(offHeapMb, MemoryUnit.MB);
        }
        pools = pools.with(ClusteredResourcePoolBuilder.clusteredDedicated(resource, clusterMb, MemoryUnit.MB));
        return CacheManagerBuilder.newCacheManagerBuilder()
                .withClassLoader(loader)
                .with(ClusteringServiceConfigurationBuilder.cluster(uri)
                        .timeouts(TimeoutsBuilder.timeouts().read(timeout).write(timeout)
                                .connection(timeout.multipliedBy(5)))
                        .autoCreateOnReconnect(server -> server.defaultServerResource(resource)))
                .withCache(ATTRIBUTES, CacheConfigurationBuilder.newCacheConfigurationBuilder(
                                PrincipalKey.class, CacheEntry.class, pools)
                        .withService(ClusteredStoreConfigurationBuilder.withConsistency(Consistency.STRONG))
                        .withResilienceStrategy(new ThrowingResilience<>()))
                .withCache(REVOCATIONS, CacheConfigurationBuilder.newCacheConfigurationBuilder(
                                PrincipalKey.class, Revocation.class, ResourcePoolsBuilder.heap(REVOCATION_HEAP_ENTRIES)
                                        .with(ClusteredResourcePoolBuilder.clusteredDedicated(resource,
                                                REVOCATION_CLUSTER_MB, MemoryUnit.MB)))
                        .withService(ClusteredStoreConfigurationBuilder.withConsistency(Consistency.STRONG))
                        // only bounds the memory: whether a revocation still counts is decided
                        // by AttributeCache with its clock
                        .withExpiry(ExpiryPolicyBuilder.timeToLiveExpiration(revocationLifetime))
                        .withResilienceStrategy(new ThrowingResilience<>()))
                .build(false);
    }
}
