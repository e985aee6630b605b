package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalKey;
import dev.portcullis.attributes.AttributeSource;
import dev.portcullis.attributes.AttributeSourceException;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.internal.LogText;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an {@link AttributeCache} answers a get, and what its loads do.
 * <ul>
 *   <li><b>Get.</b> A fresh entry is the answer. Otherwise the get joins or starts the principal's
 *       load ({@link Loads}) and waits for it; if the load fails or times out, an entry still
 *       within its stale window is served unless a revocation bars it ({@link Revocations}),
 *       else {@link AttributesUnavailableException} (503, {@code Retry-After}).</li>
 *   <li><b>Cut off from the cluster</b> ({@link ClusterLink} offline): no clustered operation but
 *       the heap tier, asked at most once per principal and outage. An entry within its TTL is
 *       served as it is (unless an eviction or revocation of it waits for the cluster), an entry
 *       past its TTL is reloaded from the store and kept on this node for the outage
 *       ({@link OutageEntries}), and stale within the window only while the store fails too; a
 *       principal this node does not hold is not loaded (fail closed).</li>
 *   <li><b>Load.</b> Clustered, the shared revocation is read before the source is called (the
 *       fence {@link EntryStore#put} checks against); the answer must be for the principal asked
 *       for, and is stored unless its flight already timed out.</li>
 * </ul>
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class Lookup {
    private static final Logger LOG = LoggerFactory.getLogger(AttributeCache.class);

    private final AttributeSource source;
    private final Freshness freshness;
    private final EntryStore entries;
    private final Loads loads;
    private final Revocations revocations;
    private final Counters counters;
    private final Duration retryAfter;
    /** The link to the cluster; null for a node-local cache. */
    private final ClusterLink link;
    /** This node's entries while the cluster is unreachable; null for a node-local cache. */
    private final OutageEntries outage;
    private final BiConsumer<PrincipalKey, Loads.Flight> load = this::load;

    Lookup(AttributeSource source, Freshness freshness, EntryStore entries, Loads loads, Revocations revocations,
            Counters counters, Duration retryAfter) {
        this.source = source;
        this.freshness = freshness;
        this.entries = entries;
        this.loads = loads;
        this.revocations = revocations;
        this.counters = counters;
        this.retryAfter = retryAfter;
        this.link = entries.link();
        this.outage = entries.outage();
    }

    /** The principal's attributes: fresh, loaded, or stale within the window (see the class comment). */
    PrincipalAttributes get(PrincipalKey key) throws AttributesUnavailableException {
        CacheEntry cached;
        boolean loadedInOutage = false;
        if (link == null || link.online()) {
            cached = entries.read(key);
        } else {
            // cut off: no clustered operation but the heap tier, asked once per principal
            link.checkSoon();
            long epoch = link.epoch();
            cached = outage.entry(key, epoch);
            loadedInOutage = cached != null;
            if (cached == null && !outage.knownNotHeld(key, epoch)) {
                cached = entries.read(key);
            }
        }
        if (cached != null && Freshness.fresh(cached, freshness.now())
                && (loadedInOutage || link == null || !link.holds(key))) {
            counters.hit();
            return cached.attributes;
        }
        counters.miss();
        if (cached == null && link != null && !link.online()) {
            // cut off: a principal this node does not hold is not loaded (fail closed)
            return fallback(key, new AttributeSourceException("the attribute cluster is unreachable"), null);
        }
        Loads.Flight flight = loads.flightFor(key, load);
        Throwable failure;
        try {
            return flight.answer.get();
        } catch (ExecutionException e) {
            failure = e.getCause();
        } catch (CancellationException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        }
        return fallback(key, failure, cached);
    }

    /** An {@link AttributesUnavailableException} for {@code key} with the cache's Retry-After. */
    AttributesUnavailableException unavailable(PrincipalKey key, String message, Throwable cause) {
        return new AttributesUnavailableException(key, retryAfter, message, cause);
    }

    /** Runs on a loader thread; completes the flight. */
    private void load(PrincipalKey key, Loads.Flight flight) {
        counters.load();
        long started = freshness.now();
        PrincipalAttributes result;
        Revocation before = null;
        boolean fenced = false;
        try {
            if (link != null && link.online()) {
                try {
                    before = link.revocationOf(key);
                    fenced = true;
                } catch (RuntimeException e) {
                    link.failed("reading revocations", e); // and load as a node cut off from the cluster
                }
            }
            long loadStart = System.nanoTime(); // latency for metrics only, never for freshness
            try {
                result = source.load(key.issuer(), key.subject());
            } finally {
                counters.loadTime(System.nanoTime() - loadStart);
            }
            if (result == null) {
                throw new AttributeSourceException("the source answered null");
            }
            if (!result.key().equals(key)) {
                throw new AttributeSourceException("the source answered for " + result.key());
            }
        } catch (Exception e) {
            flight.future.completeExceptionally(e);
            return;
        } catch (Error e) {
            flight.future.completeExceptionally(e);
            throw e;
        }
        if (!flight.future.isDone()) {
            entries.put(key, flight.generation, result, started, fenced, before);
        }
        flight.future.complete(result);
    }

    private PrincipalAttributes fallback(PrincipalKey key, Throwable failure, CacheEntry first)
            throws AttributesUnavailableException {
        long now = freshness.now();
        // unreachable cluster: a second read would only wait for the timeout again
        CacheEntry entry = link != null && !link.online() ? first : entries.read(key);
        if (entry != null && Freshness.withinStaleWindow(entry, now) && !revocations.barsStale(key, now)) {
            if (!Freshness.fresh(entry, now)) {
                counters.staleServe();
                LOG.debug("Serving stale attributes of subject {} of issuer {}", LogText.safe(key.subject()),
                        LogText.safe(key.issuer()));
            }
            return entry.attributes;
        }
        throw unavailable(key, "attributes of subject " + LogText.safe(key.subject()) + " of issuer "
                + LogText.safe(key.issuer()) + " are unavailable: "
                + (failure == null ? "unknown failure" : failure.toString()), failure);
    }
}
