package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalKey;
import dev.portcullis.internal.LogText;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evictions and revocations of an {@link AttributeCache}, and the rule they set for stale serving.
 * <ul>
 *   <li>{@link #evict} drops the principal's entry and detaches any load in flight for it
 *       ({@link EntryStore#invalidate}); clustered, an eviction that could not reach the cluster is
 *       held by the {@link ClusterLink} and written when it is back.</li>
 *   <li>{@link #revoke} is an eviction plus a memory that the principal was revoked, here and,
 *       clustered, in the shared revocations: for TTL + stale window after it, no entry of that
 *       principal is served stale ({@link #barsStale}). The local memory holds at most
 *       {@value AttributeCache#REVOCATION_MEMORY} principals (the oldest is forgotten first;
 *       forgetting only re-allows stale serving of data loaded after the revocation).</li>
 * </ul>
 * The cluster hand-off: the shared revocation is written first and the entry removed second, so a
 * load on another node that puts after the removal sees the revocation and takes its answer back
 * ({@link EntryStore#put}). If either step fails, the link holds the revocation until the cluster
 * is reachable again, and meanwhile this node honours it on its own.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class Revocations {
    private static final Logger LOG = LoggerFactory.getLogger(AttributeCache.class);

    /** Revoked principals and when (clock millis); guarded by itself. */
    private final LinkedHashMap<PrincipalKey, Long> revoked;
    private final EntryStore entries;
    /** The link to the cluster; null for a node-local cache. */
    private final ClusterLink link;
    private final Freshness freshness;
    private final Counters counters;

    Revocations(EntryStore entries, Freshness freshness, Counters counters) {
        this.entries = entries;
        this.link = entries.link();
        this.freshness = freshness;
        this.counters = counters;
        this.revoked = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<PrincipalKey, Long> eldest) {
                return size() > AttributeCache.REVOCATION_MEMORY;
            }
        };
    }

    /** Drops the principal's entry (see the class comment). */
    void evict(PrincipalKey key) {
        if (!entries.invalidate(key) && link != null) {
            link.hold(key, ClusterLink.EVICTION);
        }
    }

    /** Drops the principal's entry and remembers the revocation (see the class comment). */
    void revoke(PrincipalKey key) {
        long now = freshness.now();
        synchronized (revoked) {
            revoked.remove(key);
            revoked.put(key, now);
        }
        Revocation revocation = new Revocation(now, ThreadLocalRandom.current().nextLong() | 1);
        boolean shared = true;
        if (link != null) {
            // the shared revocation first, the removal second: a load on another node that puts
            // after the removal sees the revocation and takes its answer back (see EntryStore.put)
            shared = link.online() && link.share(key, revocation);
        }
        if ((!entries.invalidate(key) || !shared) && link != null) {
            link.hold(key, revocation);
            LOG.warn("Revocation of subject {} of issuer {} is effective on this node only until the "
                    + "attribute cluster is reachable again", LogText.safe(key.subject()),
                    LogText.safe(key.issuer()));
        }
        counters.revocation();
        LOG.info("Revoked cached attributes of subject {} of issuer {}", LogText.safe(key.subject()),
                LogText.safe(key.issuer()));
    }

    /**
     * Whether {@code key} may not be served stale at {@code now}: revoked here within TTL + stale
     * window, a revocation or eviction of it still waiting for the cluster, or revoked on another
     * node within TTL + stale window. Checked in that order, the cluster read last.
     */
    boolean barsStale(PrincipalKey key, long now) {
        return recentlyRevoked(key, now) || (link != null && link.holds(key)) || revokedElsewhere(key, now);
    }

    private boolean recentlyRevoked(PrincipalKey key, long now) {
        synchronized (revoked) {
            Long at = revoked.get(key);
            if (at == null) {
                return false;
            }
            if (freshness.revocationHolds(at, now)) {
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
            return r != null && freshness.revocationHolds(r.at(), now);
        } catch (RuntimeException e) {
            link.failed("reading revocations", e);
            return false;
        }
    }
}
