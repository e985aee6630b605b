package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalKey;
import dev.portcullis.attributes.PrincipalAttributes;
import java.util.Objects;
import org.ehcache.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entries of an {@link AttributeCache} as its gets, loads and invalidations use them: reads,
 * stores and removals on the cache of {@link CacheTiers}, with the generation checks of
 * {@link Generations}, and, when clustered, the cluster rules:
 * <ul>
 *   <li>A failed clustered operation is reported to the {@link ClusterLink}, which then keeps
 *       requests off the cluster; a read that failed is a miss, and the principal is noted as not
 *       held by this node's heap tier for this outage (so it is not asked again).</li>
 *   <li>While the cluster is unreachable, answers go to this node's {@link OutageEntries} instead of
 *       the clustered tier, and removals are not tried (the link writes them on reconnection).</li>
 *   <li>A load is <em>fenced</em> when it read the shared revocation before calling the store. Only
 *       a fenced answer goes to the cluster, and after the put the shared revocation is read again:
 *       if it changed, a revocation on another node happened while the load ran, and the answer is
 *       taken back. An answer that could not be checked so is kept for its TTL on this node only and
 *       never served stale ({@link Freshness#unfenced}).</li>
 * </ul>
 * Node-local, a failed read is a miss and a failed store or removal is logged.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class EntryStore {
    private static final Logger LOG = LoggerFactory.getLogger(AttributeCache.class);

    private final Cache<PrincipalKey, CacheEntry> store;
    private final Generations generations;
    private final Loads loads;
    private final Freshness freshness;
    /** What this node keeps on its own while the cluster is unreachable; null for a node-local cache. */
    private final OutageEntries outage;
    /** The link to the cluster and the shared revocations; null for a node-local cache. */
    private final ClusterLink link;

    EntryStore(CacheTiers tiers, CacheOptions options, Generations generations, Loads loads, Freshness freshness) {
        this.store = tiers.entries();
        this.generations = generations;
        this.loads = loads;
        this.freshness = freshness;
        if (tiers.sharedRevocations() != null) {
            this.outage = new OutageEntries(options.maxEntries);
            this.link = new ClusterLink(tiers.sharedRevocations(), options.clusterTimeout, options.clock,
                    this::dropShared, this::probeShared, outage::clear);
        } else {
            this.outage = null;
            this.link = null;
        }
    }

    /** The link to the cluster; null for a node-local cache. */
    ClusterLink link() {
        return link;
    }

    /** This node's entries while the cluster is unreachable; null for a node-local cache. */
    OutageEntries outage() {
        return outage;
    }

    /** The stored entry or null; a failed read is a miss (and, clustered, marks the cluster unreachable). */
    CacheEntry read(PrincipalKey key) {
        long started = System.nanoTime();
        RuntimeException failure;
        try {
            CacheEntry entry = store.get(key);
            if (entry != null || link == null || !link.missTimedOut(started)) {
                return entry;
            }
            failure = new IllegalStateException("reading an entry from the attribute cluster timed out");
        } catch (RuntimeException e) {
            if (link == null) {
                LOG.warn("Reading the attribute cache failed; treating it as a miss", e);
                return null;
            }
            failure = e;
        }
        link.failed("reading an entry", failure);
        // a heap-tier hit never waits for the cluster: this node does not hold the principal
        outage.markNotHeld(key, link.epoch());
        return null;
    }

    /** Drops the entry and detaches any load in flight for it; false if the (clustered) store could not be reached. */
    boolean invalidate(PrincipalKey key) {
        synchronized (generations.lock(key)) {
            generations.advance(key);
            loads.detach(key);
            if (link != null) {
                outage.remove(key);
                if (!link.online()) {
                    return false; // the removal would only wait for the timeout; written on reconnection
                }
            }
            try {
                store.remove(key);
                return true;
            } catch (RuntimeException e) {
                if (link != null) {
                    link.failed("removing an entry", e);
                } else {
                    LOG.warn("Removing an entry from the attribute cache failed", e);
                }
                return false;
            }
        }
    }

    /** Drops every entry and detaches every load; throws if the store could not be cleared. */
    void clear() {
        generations.advanceAll();
        loads.detachAll();
        if (outage != null) {
            outage.clear();
        }
        try {
            store.clear();
        } catch (RuntimeException e) {
            // every generation moved on: no stale entry can be stored again, but old ones could
            // still be read, so fail loudly rather than claim success
            throw new IllegalStateException("could not clear the attribute cache", e);
        }
    }

    /**
     * Stores the answer of a load that read {@code generation} and started at {@code started}: in
     * the cache, or, while the cluster is unreachable, in this node's {@link OutageEntries}. An
     * answer whose load started before the cluster failed could not be checked against revocations
     * on other nodes: it is kept for its TTL but never served stale. {@code fenced}: {@code before}
     * was read from the cluster before the store was.
     */
    void put(PrincipalKey key, long generation, PrincipalAttributes result, long started, boolean fenced,
            Revocation before) {
        CacheEntry entry = freshness.entry(result, started);
        if (entry == null) {
            return;
        }
        CacheEntry unfenced = Freshness.unfenced(entry);
        synchronized (generations.lock(key)) {
            if (!generations.current(key, generation)) {
                return; // invalidated while loading: the answer may predate the invalidation
            }
            if (link != null && !link.online()) {
                outage.put(key, fenced ? unfenced : entry, link.epoch());
                return;
            }
            if (link != null && !fenced) {
                return; // loaded while cut off, reconnected meanwhile: answer only this request
            }
            try {
                store.put(key, entry);
            } catch (RuntimeException e) {
                if (link == null) {
                    LOG.warn("Storing attributes in the cache failed", e);
                    return;
                }
                link.failed("storing an entry", e);
                outage.put(key, unfenced, link.epoch());
                return;
            }
        }
        if (link != null) {
            // A revocation on another node between the load's start and the put above changed
            // the shared revocation; the entry may predate it, so take it back. (A revocation
            // after this read removes the entry itself: it shares the revocation, then removes.)
            try {
                if (!Objects.equals(before, link.revocationOf(key))) {
                    store.remove(key);
                } else {
                    // Ehcache's put leaves this node's heap tier without the entry: read it back,
                    // so that the node holds the principal should it lose the cluster
                    long read = System.nanoTime();
                    if (store.get(key) == null && link.missTimedOut(read)) {
                        throw new IllegalStateException("reading an entry back from the attribute cluster timed out");
                    }
                }
            } catch (RuntimeException e) {
                link.failed("checking revocations", e);
                synchronized (generations.lock(key)) {
                    if (generations.current(key, generation)) {
                        outage.put(key, unfenced, link.epoch());
                    }
                }
            }
        }
    }

    /** Drops the entry (and any load in flight) from the reachable cluster; throws if it fails. */
    private void dropShared(PrincipalKey key) {
        synchronized (generations.lock(key)) {
            generations.advance(key);
            loads.detach(key);
            store.remove(key);
        }
    }

    /** The read makes Ehcache reconnect this tier if need be; the removal (a write) fails if it is not back. */
    private void probeShared(PrincipalKey key) {
        store.get(key);
        store.remove(key);
    }
}
