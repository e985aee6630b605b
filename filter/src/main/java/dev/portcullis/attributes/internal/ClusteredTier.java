package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalKey;
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
import org.ehcache.impl.serialization.PlainJavaSerializer;

/**
 * The only class that touches Ehcache's clustered (Terracotta) API: it builds the cache managers
 * of a clustered {@link AttributeCache}, one per cache, on the cluster named by the URI:
 * <ul>
 *   <li>{@link #ATTRIBUTES}: a local heap tier over a clustered dedicated tier with strong
 *       consistency, so that a remove on one node invalidates every other node's heap copy before
 *       it returns;</li>
 *   <li>{@link #REVOCATIONS}: the revocations every node made, with strong consistency, kept by the
 *       server while the cluster runs (so a node that restarts still sees them).</li>
 * </ul>
 * Both caches report store failures to the caller ({@link ThrowingResilience}); the cluster entity
 * is created on first connection and again on reconnection to a server that lost it. Keys and
 * values use Ehcache's stateless {@code PlainJavaSerializer}: the default compact serializer keeps
 * its class table in a clustered state repository, which a restarted server has lost (the
 * clients then fail for good, and could disagree on the table).
 *
 * <p>{@link CacheTiers} refers to this class only when a cluster URI is configured, so
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

    /** Connecting (at startup, after an outage) may take ten times an operation, at least 10 s. */
    static Duration connectionTimeout(Duration operation) {
        Duration tenfold = operation.multipliedBy(10);
        return tenfold.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : tenfold;
    }

    /**
     * The cache manager of the attributes cache, on the entity named by {@code uri}.
     */
    static CacheManager attributesManager(ClassLoader loader, URI uri, String resource, long clusterMb,
            long heapEntries, long offHeapMb, Duration timeout) {
        ResourcePoolsBuilder pools = ResourcePoolsBuilder.heap(heapEntries);
        if (offHeapMb > 0) {
            pools = pools.offheap(offHeapMb, MemoryUnit.MB);
        }
        pools = pools.with(ClusteredResourcePoolBuilder.clusteredDedicated(resource, clusterMb, MemoryUnit.MB));
        return CacheManagerBuilder.newCacheManagerBuilder()
                .withClassLoader(loader)
                .with(clustering(uri, resource, timeout))
                .withCache(ATTRIBUTES, CacheConfigurationBuilder.newCacheConfigurationBuilder(
                                PrincipalKey.class, CacheEntry.class, pools)
                        .withKeySerializer(new PlainJavaSerializer<>(loader))
                        .withValueSerializer(new PlainJavaSerializer<>(loader))
                        .withService(ClusteredStoreConfigurationBuilder.withConsistency(Consistency.STRONG))
                        .withResilienceStrategy(new ThrowingResilience<>()))
                .build(false);
    }

    /**
     * The cache manager of the revocations cache, on the entity {@code uri} + {@code -revocations}
     * over its own connection. (One cache per manager: with Ehcache 3.11 a manager whose
     * connection to a restarted server was re-established reconnected only one of its caches, so
     * the revocations do not share the attributes' manager.)
     */
    static CacheManager revocationsManager(ClassLoader loader, URI uri, String resource, Duration timeout,
            Duration revocationLifetime) {
        URI own = URI.create(uri.toString() + "-revocations");
        return CacheManagerBuilder.newCacheManagerBuilder()
                .withClassLoader(loader)
                .with(clustering(own, resource, timeout))
                .withCache(REVOCATIONS, CacheConfigurationBuilder.newCacheConfigurationBuilder(
                                PrincipalKey.class, Revocation.class, ResourcePoolsBuilder.heap(REVOCATION_HEAP_ENTRIES)
                                        .with(ClusteredResourcePoolBuilder.clusteredDedicated(resource,
                                                REVOCATION_CLUSTER_MB, MemoryUnit.MB)))
                        .withKeySerializer(new PlainJavaSerializer<>(loader))
                        .withValueSerializer(new PlainJavaSerializer<>(loader))
                        .withService(ClusteredStoreConfigurationBuilder.withConsistency(Consistency.STRONG))
                        // only bounds the memory: whether a revocation still counts is decided
                        // by the cache with its clock (Freshness, Revocations)
                        .withExpiry(ExpiryPolicyBuilder.timeToLiveExpiration(revocationLifetime))
                        .withResilienceStrategy(new ThrowingResilience<>()))
                .build(false);
    }

    private static ClusteringServiceConfigurationBuilder clustering(URI uri, String resource, Duration timeout) {
        return ClusteringServiceConfigurationBuilder.cluster(uri)
                .timeouts(TimeoutsBuilder.timeouts().read(timeout).write(timeout)
                        .connection(connectionTimeout(timeout)))
                .autoCreateOnReconnect(server -> server.defaultServerResource(resource));
    }
}
