package dev.portcullis.signals.internal;

import org.ehcache.Cache;
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

import java.net.URI;
import java.time.Duration;

/**
 * The receiver's caches on the Terracotta cluster (the attribute cache's cluster URI with
 * {@code -signals} appended: its own entity and connection, as the attribute cache's revocations
 * have): accepted {@code jti}s and principal cutoffs, strongly consistent, reporting failures to
 * the caller. Loaded only when a cluster is configured, so {@code ehcache-clustered} may be absent
 * otherwise.
 *
 * <p>Thread safety: thread-safe.
 */
final class ClusteredSignalCaches implements AutoCloseable {
    private static final long CLUSTER_MB = 4;

    private final CacheManager manager;
    private final Cache<String, Long> seen;
    private final Cache<String, Long> cutoffs;

    ClusteredSignalCaches(ClassLoader loader, URI uri, String resource, Duration timeout, Duration replayLifetime,
                          Duration cutoffLifetime) {
        URI own = URI.create(uri.toString() + "-signals");
        Duration connect = timeout.multipliedBy(10).compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10)
                : timeout.multipliedBy(10);
        manager = CacheManagerBuilder.newCacheManagerBuilder()
                .withClassLoader(loader)
                .with(ClusteringServiceConfigurationBuilder.cluster(own)
                        .timeouts(TimeoutsBuilder.timeouts().read(timeout).write(timeout).connection(connect))
                        .autoCreateOnReconnect(server -> server.defaultServerResource(resource)))
                .withCache("jtis", config(loader, resource, replayLifetime))
                .withCache("cutoffs", config(loader, resource, cutoffLifetime))
                .build(true);
        seen = manager.getCache("jtis", String.class, Long.class);
        cutoffs = manager.getCache("cutoffs", String.class, Long.class);
    }

    private static CacheConfigurationBuilder<String, Long> config(ClassLoader loader, String resource, Duration ttl) {
        return CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class, Long.class,
                        ResourcePoolsBuilder.heap(1_000)
                                .with(ClusteredResourcePoolBuilder.clusteredDedicated(resource, CLUSTER_MB, MemoryUnit.MB)))
                .withKeySerializer(new PlainJavaSerializer<>(loader))
                .withValueSerializer(new PlainJavaSerializer<>(loader))
                .withService(ClusteredStoreConfigurationBuilder.withConsistency(Consistency.STRONG))
                .withExpiry(ExpiryPolicyBuilder.timeToLiveExpiration(ttl));
    }

    boolean firstUse(String key, long now) {
        return seen.putIfAbsent(key, now) == null;
    }

    void cutOff(String key, long epochSecond) {
        Long before = cutoffs.putIfAbsent(key, epochSecond);
        if (before != null && before < epochSecond) {
            cutoffs.replace(key, before, epochSecond);
        }
    }

    Long cutoff(String key) {
        return cutoffs.get(key);
    }

    @Override
    public void close() {
        manager.close();
    }
}
