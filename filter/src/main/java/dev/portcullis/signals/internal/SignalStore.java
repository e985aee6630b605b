package dev.portcullis.signals.internal;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.internal.LogText;

import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ExpiryPolicyBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the receiver remembers, in Ehcache: the {@code jti}s of accepted event tokens (replay) and,
 * per principal, the instant before which its tokens are refused (the <em>cutoff</em> a revoking
 * event sets). Node-local heap caches; with {@value SettingNames#ATTRIBUTES_CACHE_CLUSTER_URI} both
 * are also kept on the Terracotta cluster ({@link ClusteredSignalCaches}, strong consistency), so a
 * token used on one node is a replay on every node and a cutoff set through one node holds on all.
 *
 * <p>Cutoffs live as long as the longest token lifetime accepted (plus the clock skew): a token
 * issued before the cutoff has expired by then. Every cutoff is also written to the local cache,
 * which answers when the cluster cannot be read (counted, logged). The local caches hold at most
 * {@value #LOCAL_ENTRIES} entries each; a cutoff forgotten under that pressure stays on the cluster
 * when there is one.
 *
 * <p>Thread safety: thread-safe.
 */
final class SignalStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SignalStore.class);
    static final long LOCAL_ENTRIES = 100_000;

    private final CacheManager manager;
    private final Cache<String, Long> seen;
    private final Cache<String, Long> cutoffs;
    private final ClusteredSignalCaches cluster;
    private final AtomicLong clusterFailures = new AtomicLong();

    SignalStore(Duration replayLifetime, Duration cutoffLifetime, URI clusterUri, String clusterResource,
                Duration clusterTimeout) {
        ClassLoader loader = SignalStore.class.getClassLoader();
        manager = CacheManagerBuilder.newCacheManagerBuilder()
                .withClassLoader(loader)
                .withCache("portcullis-signal-jtis", CacheConfigurationBuilder.newCacheConfigurationBuilder(
                                String.class, Long.class, ResourcePoolsBuilder.heap(LOCAL_ENTRIES))
                        .withExpiry(ExpiryPolicyBuilder.timeToLiveExpiration(replayLifetime)))
                .withCache("portcullis-signal-cutoffs", CacheConfigurationBuilder.newCacheConfigurationBuilder(
                                String.class, Long.class, ResourcePoolsBuilder.heap(LOCAL_ENTRIES))
                        .withExpiry(ExpiryPolicyBuilder.timeToLiveExpiration(cutoffLifetime)))
                .build(true);
        seen = manager.getCache("portcullis-signal-jtis", String.class, Long.class);
        cutoffs = manager.getCache("portcullis-signal-cutoffs", String.class, Long.class);
        ClusteredSignalCaches c = null;
        if (clusterUri != null) {
            try {
                c = new ClusteredSignalCaches(loader, clusterUri, clusterResource, clusterTimeout, replayLifetime,
                        cutoffLifetime);
            } catch (RuntimeException | LinkageError e) {
                manager.close();
                throw new ConfigurationException(SettingNames.ATTRIBUTES_CACHE_CLUSTER_URI, "the signal receiver's"
                        + " shared caches cannot start on the cluster: " + e, e);
            }
        }
        cluster = c;
    }

    /**
     * Whether {@code key} (issuer and jti) is used here for the first time, on any node when
     * clustered; remembers it. A cluster that cannot be asked fails closed (throws).
     */
    boolean firstUse(String key) throws SignalException {
        long now = System.currentTimeMillis();
        if (cluster != null) {
            try {
                if (!cluster.firstUse(key, now)) {
                    return false;
                }
            } catch (RuntimeException e) {
                clusterFailures.incrementAndGet();
                LOG.warn("The shared jti cache cannot be reached: {}", e.toString());
                throw new SignalException(SignalException.UNAVAILABLE, "replay cache unavailable");
            }
        }
        return seen.putIfAbsent(key, now) == null;
    }

    /** Refuses the principal's tokens issued before {@code epochSecond} (a later cutoff wins). */
    void cutOff(String issuer, String subject, long epochSecond) {
        String key = key(issuer, subject);
        Long before = cutoffs.get(key);
        if (before == null || before < epochSecond) {
            cutoffs.put(key, epochSecond);
        }
        if (cluster != null) {
            try {
                cluster.cutOff(key, epochSecond);
            } catch (RuntimeException e) {
                clusterFailures.incrementAndGet();
                LOG.warn("The revocation of subject {} of issuer {} holds on this node only: the cluster cannot"
                        + " be written ({})", LogText.safe(subject), LogText.safe(issuer), e.toString());
            }
        }
    }

    /** The principal's cutoff (epoch seconds), or {@code Long.MIN_VALUE} for none. */
    long cutoff(String issuer, String subject) {
        String key = key(issuer, subject);
        Long local = cutoffs.get(key);
        long best = local == null ? Long.MIN_VALUE : local;
        if (cluster != null) {
            try {
                Long shared = cluster.cutoff(key);
                if (shared != null && shared > best) {
                    best = shared;
                }
            } catch (RuntimeException e) {
                clusterFailures.incrementAndGet();
                LOG.debug("The shared cutoffs cannot be read: {}", e.toString());
            }
        }
        return best;
    }

    long clusterFailures() {
        return clusterFailures.get();
    }

    private static String key(String issuer, String subject) {
        // length-prefixed: no issuer and subject pair can spell another pair's key
        return issuer.length() + ":" + issuer + subject;
    }

    @Override
    public void close() {
        if (cluster != null) {
            cluster.close();
        }
        manager.close();
    }
}
