package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.AttributeSource;
import dev.portcullis.internal.ThreadCounters;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counters an {@link AttributeCache} publishes (its {@code hits()}, {@code misses()} and so
 * on): each part of the cache counts its own events here.
 *
 * <p>Thread safety: safe for concurrent use (one {@link LongAdder} per counter; {@link ThreadCounters} for
 * the one every request adds to).
 */
final class Counters {
    /** Every request with cached attributes counts a hit: per thread, so that request threads write no shared line. */
    private final ThreadCounters hits = new ThreadCounters(1);
    private final LongAdder misses = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder staleServes = new LongAdder();
    private final LongAdder revocations = new LongAdder();
    private final LongAdder timedLoads = new LongAdder();
    private final LongAdder loadNanos = new LongAdder();
    /** Whether the last load that ended failed (the store is taken to be down until one succeeds). */
    private volatile boolean storeFailing;

    /** A get answered from a fresh entry. */
    void hit() {
        hits.add(0, 1);
    }

    /** A get that found no fresh entry. */
    void miss() {
        misses.increment();
    }

    /** A call to {@link AttributeSource#load}. */
    void load() {
        loads.increment();
    }

    /** A load that failed or timed out (once per load, not per waiter). */
    void loadFailure() {
        loadFailures.increment();
        storeFailing = true;
    }

    /** A load that answered (active, disabled or unknown): the store is up. */
    void loadSuccess() {
        storeFailing = false;
    }

    /** How long one call to the source took, answered or failed (for the load-latency metric). */
    void loadTime(long nanos) {
        timedLoads.increment();
        loadNanos.add(nanos);
    }

    /** A get answered from an entry past its TTL because the load failed. */
    void staleServe() {
        staleServes.increment();
    }

    /** A call to {@link AttributeCache#revoke}. */
    void revocation() {
        revocations.increment();
    }

    long hits() {
        return hits.sum(0);
    }

    long misses() {
        return misses.sum();
    }

    long loads() {
        return loads.sum();
    }

    long loadFailures() {
        return loadFailures.sum();
    }

    long staleServes() {
        return staleServes.sum();
    }

    long revocations() {
        return revocations.sum();
    }

    long timedLoads() {
        return timedLoads.sum();
    }

    long loadNanos() {
        return loadNanos.sum();
    }

    boolean storeFailing() {
        return storeFailing;
    }
}
