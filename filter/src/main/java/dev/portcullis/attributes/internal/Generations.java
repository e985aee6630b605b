package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.PrincipalKey;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The per-principal generations of an {@link AttributeCache}, which stop a load that was in flight
 * during an invalidation from putting its pre-invalidation answer back. Every invalidation ({@code
 * evict}, {@code revoke}, {@code evictAll}, an eviction or revocation written to the cluster after
 * an outage) moves the principal's generation on; a load stores its answer only if the generation
 * it read before calling the source is still current. The generations are striped, so their memory
 * is fixed: an invalidation also turns away the answers of loads in flight for the principals that
 * share its stripe, which costs those a reload, never a wrong answer.
 *
 * <p>The ordering rules, which the callers ({@link Loads}, {@link EntryStore}) keep:
 * <ul>
 *   <li>A generation is changed, and compared before a store, only under its stripe's
 *       {@linkplain #lock lock}, so an invalidation and a store of one stripe never interleave.</li>
 *   <li>A load reads its generation ({@link #read}) after its flight is visible and before the
 *       source is called: whatever the load reads, it reads after this point, so if no invalidation
 *       moves the generation on in between, its answer is at least as new as any invalidation
 *       before it. (No stripe lock for that read: a clustered put may hold it for a cluster
 *       timeout; the put compares under it.)</li>
 * </ul>
 *
 * <p>Thread safety: safe for concurrent use under the rules above.
 */
final class Generations {
    private static final int STRIPES = 256;

    private final Object[] locks = new Object[STRIPES];
    /** Per-stripe generation; changed and compared under the stripe's lock. */
    private final AtomicLongArray generations = new AtomicLongArray(STRIPES);

    Generations() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /** The lock of {@code key}'s stripe: hold it to change the generation or to store against it. */
    Object lock(PrincipalKey key) {
        return locks[stripe(key)];
    }

    /** The current generation of {@code key}'s stripe (read without the lock, see the class comment). */
    long read(PrincipalKey key) {
        return generations.get(stripe(key));
    }

    /** Whether {@code generation} is still {@code key}'s; call with {@link #lock}{@code (key)} held. */
    boolean current(PrincipalKey key, long generation) {
        return generations.get(stripe(key)) == generation;
    }

    /** Moves {@code key}'s generation on; call with {@link #lock}{@code (key)} held. */
    void advance(PrincipalKey key) {
        generations.incrementAndGet(stripe(key));
    }

    /** Moves every generation on, each under its stripe's lock. */
    void advanceAll() {
        for (int i = 0; i < STRIPES; i++) {
            synchronized (locks[i]) {
                generations.incrementAndGet(i);
            }
        }
    }

    private static int stripe(PrincipalKey key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }
}
