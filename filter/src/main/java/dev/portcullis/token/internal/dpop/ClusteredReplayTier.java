package dev.portcullis.token.internal.dpop;

import dev.portcullis.attributes.internal.ThrowingResilience;

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
 * The only class of the DPoP package that touches Ehcache's clustered API, built the way the
 * attribute cache's clustered tier is (dev.portcullis.attributes.internal.ClusteredTier): a heap
 * tier over a dedicated clustered tier with strong consistency on its own entity
 * ({@code <cluster-uri>-dpop-jti}), failures reported to the caller, stateless serializers.
 * Loaded only when a cluster URI is configured.
 *
 * <p>Thread safety: stateless.
 */
final class ClusteredReplayTier {
    /** Clustered size of the replay cache. */
    static final long CLUSTER_MB = 8;

    private ClusteredReplayTier() {
    }

    static CacheManager manager(ClassLoader loader, URI uri, String resource, Duration timeout, long heapEntries,
            Duration lifetime) {
        URI own = URI.create(uri.toString() + "-dpop-jti");
        Duration connect = timeout.multipliedBy(10).compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10)
                : timeout.multipliedBy(10);
        return CacheManagerBuilder.newCacheManagerBuilder()
                .withClassLoader(loader)
                .with(ClusteringServiceConfigurationBuilder.cluster(own)
                        .timeouts(TimeoutsBuilder.timeouts().read(timeout).write(timeout).connection(connect))
                        .autoCreateOnReconnect(server -> server.defaultServerResource(resource)))
                .withCache(ReplayCache.ALIAS, CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class,
                                Long.class, ResourcePoolsBuilder.heap(Math.min(heapEntries, 10_000))
                                        .with(ClusteredResourcePoolBuilder.clusteredDedicated(resource, CLUSTER_MB,
                                                MemoryUnit.MB)))
                        .withKeySerializer(new PlainJavaSerializer<>(loader))
                        .withValueSerializer(new PlainJavaSerializer<>(loader))
                        .withService(ClusteredStoreConfigurationBuilder.withConsistency(Consistency.STRONG))
                        .withExpiry(ExpiryPolicyBuilder.timeToLiveExpiration(lifetime))
                        .withResilienceStrategy(new ThrowingResilience<>("DPoP replay cache")))
                .build(false);
    }
}
