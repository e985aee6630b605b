package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import java.time.Clock;
import java.time.Duration;

/**
 * The time rules of an {@link AttributeCache}, all by its injected {@link Clock}: an entry is fresh
 * for the TTL after its load <em>started</em> (the negative TTL for an {@link PrincipalStatus#UNKNOWN}
 * answer; 0 means such answers are not cached), may be served stale for the stale window past that
 * while the store fails, and a revocation bars stale serving for TTL + stale window after it. Expiry
 * is computed here; Ehcache only stores and bounds the entries. Sums saturate instead of
 * overflowing.
 *
 * <p>Thread safety: immutable.
 */
final class Freshness {
    private final Clock clock;
    private final long ttlMillis;
    private final long negativeTtlMillis;
    private final long staleWindowMillis;

    Freshness(Clock clock, Duration ttl, Duration negativeTtl, Duration staleWindow) {
        this.clock = clock;
        this.ttlMillis = ttl.toMillis();
        this.negativeTtlMillis = negativeTtl.toMillis();
        this.staleWindowMillis = staleWindow.toMillis();
    }

    /** Now, by the cache's clock (epoch milliseconds). */
    long now() {
        return clock.millis();
    }

    /**
     * The entry for {@code result}, whose load started at {@code started}: fresh for its TTL, then
     * servable stale for the stale window; null when such an answer is not cached (negative TTL 0).
     */
    CacheEntry entry(PrincipalAttributes result, long started) {
        long ttl = result.status() == PrincipalStatus.UNKNOWN ? negativeTtlMillis : ttlMillis;
        if (ttl <= 0) {
            return null;
        }
        long freshUntil = saturatedAdd(started, ttl);
        return new CacheEntry(result, freshUntil, saturatedAdd(freshUntil, staleWindowMillis));
    }

    /**
     * {@code entry} without its stale window: for an answer that could not be checked against the
     * revocations of other nodes, which is kept for its TTL but never served stale.
     */
    static CacheEntry unfenced(CacheEntry entry) {
        return new CacheEntry(entry.attributes, entry.freshUntil, entry.freshUntil);
    }

    /** Whether {@code entry} is within its TTL at {@code now}. */
    static boolean fresh(CacheEntry entry, long now) {
        return now < entry.freshUntil;
    }

    /** Whether {@code entry} may still be served at {@code now} when the load failed (TTL + stale window). */
    static boolean withinStaleWindow(CacheEntry entry, long now) {
        return now < entry.staleUntil;
    }

    /** Whether a revocation at {@code at} still bars stale serving at {@code now}: for TTL + stale window. */
    boolean revocationHolds(long at, long now) {
        return now < saturatedAdd(at, saturatedAdd(ttlMillis, staleWindowMillis));
    }

    static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    @Override
    public String toString() {
        return "ttl=" + ttlMillis + "ms, negativeTtl=" + negativeTtlMillis + "ms, staleWindow=" + staleWindowMillis
                + "ms";
    }
}
