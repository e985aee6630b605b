package dev.portcullis.signals.internal;

import dev.portcullis.internal.BoundedClose;
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
 * <p>A node reads a principal's cutoff from the cluster once per load of the principal's
 * attributes ({@link #cutoff(String, String, java.time.Instant)}), not on every request.
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
    /** Clustered only: the cluster's cutoff as read when the principal's attributes were loaded. */
    private final Cache<String, Known> known;
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
                .withCache("portcullis-signal-known", CacheConfigurationBuilder.newCacheConfigurationBuilder(
                                String.class, Known.class, ResourcePoolsBuilder.heap(LOCAL_ENTRIES))
                        .withExpiry(ExpiryPolicyBuilder.timeToLiveExpiration(cutoffLifetime)))
                .build(true);
        known = manager.getCache("portcullis-signal-known", String.class, Known.class);
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

    /** The cutoff this node knows of (epoch seconds), or {@code Long.MIN_VALUE} for none; no cluster read. */
    long localCutoff(String issuer, String subject) {
        Long local = cutoffs.get(key(issuer, subject));
        return local == null ? Long.MIN_VALUE : local;
    }

    /**
     * The principal's cutoff including the cluster's, read from the cluster only when the
     * principal's attributes were loaded since the last read ({@code attributesLoadedAt} differs):
     * every revoking event revokes the principal's attributes on every node (strong consistency)
     * after writing its cutoff to the cluster, so a node holding attributes loaded after its last
     * read has nothing newer to learn. Steady state: two local lookups, no network.
     */
    long cutoff(String issuer, String subject, java.time.Instant attributesLoadedAt) {
        String key = key(issuer, subject);
        Long local = cutoffs.get(key);
        long best = local == null ? Long.MIN_VALUE : local;
        if (cluster == null) {
            return best;
        }
        Known k = known.get(key);
        if (k == null || !k.loadedAt.equals(attributesLoadedAt)) {
            try {
                Long shared = cluster.cutoff(key);
                k = new Known(shared == null ? Long.MIN_VALUE : shared, attributesLoadedAt);
                known.put(key, k);
            } catch (RuntimeException e) {
                clusterFailures.incrementAndGet();
                LOG.debug("The shared cutoffs cannot be read: {}", e.toString());
                return best;
            }
        }
        return Math.max(best, k.cutoff);
    }

    /** A cluster cutoff as read for one load of the principal's attributes. */
    private static final class Known {
        final long cutoff;
        final java.time.Instant loadedAt;

        Known(long cutoff, java.time.Instant loadedAt) {
            this.cutoff = cutoff;
            this.loadedAt = loadedAt;
        }
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
        // bounded: with the Terracotta server gone, Ehcache waits minutes before releasing a tier
        BoundedClose.close("the signal caches", () -> {
            if (cluster != null) {
                cluster.close();
            }
            manager.close();
        }, java.time.Duration.ofSeconds(10));
    }
}
