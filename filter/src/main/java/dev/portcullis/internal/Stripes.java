package dev.portcullis.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A few counters that every request adds to, kept in stripes: a thread adds to the stripe its id
 * picks, so that request threads on different cores do not write the same cache line for every
 * request. A {@link java.util.concurrent.atomic.LongAdder} spreads over no more cells than there
 * are processors and picks them by a per-thread probe, so that threads migrating between cores
 * still share a line; a Micrometer {@code Timer} adds a shared maximum on top. Reading sums the
 * stripes; a reader may see one counter of an event before another.
 *
 * <pre>{@code
 * Stripes times = new Stripes(2);       // a count and a total
 * times.addEvent(nanos);                // one event that took nanos
 * long count = times.sum(0);
 * long totalNanos = times.sum(1);
 * }</pre>
 *
 * <p>Thread safety: thread-safe; {@link #add} is lock-free.
 */
public final class Stripes {
    /** Stripes: eight per processor, a power of two between 8 and 64. */
    static final int STRIPES = stripes(Runtime.getRuntime().availableProcessors());
    private static final int SHIFT = 64 - Integer.numberOfTrailingZeros(STRIPES);
    /** Longs per stripe: 128 bytes, so that two stripes share no cache line (nor an adjacent-line prefetch). */
    private static final int STRIDE = 16;

    private final int width;
    /** Stripe {@code s} holds counter {@code i} at {@code (s + 1) * STRIDE + i}; the first stride pads the array's header. */
    private final AtomicLongArray cells = new AtomicLongArray((STRIPES + 1) * STRIDE);

    /**
     * @param width how many counters, 1 to 16
     */
    public Stripes(int width) {
        if (width < 1 || width > STRIDE) {
            throw new IllegalArgumentException("width must be 1 to " + STRIDE + ", was " + width);
        }
        this.width = width;
    }

    /** Adds {@code delta} to counter {@code index} in the calling thread's stripe. */
    public void add(int index, long delta) {
        cells.getAndAdd(base() + checked(index), delta);
    }

    /** Adds one to counter 0 and {@code delta} to counter 1: an event and its time. */
    public void addEvent(long delta) {
        if (width < 2) {
            throw new IndexOutOfBoundsException("an event needs two counters, this has " + width);
        }
        int at = base();
        cells.getAndIncrement(at);
        cells.getAndAdd(at + 1, delta);
    }

    /**
     * A number no other call on this object returns, from counter 0 (which this call counts): the
     * calling thread's stripe's new count times the number of stripes, plus the stripe. Unique
     * without a counter that every thread increments.
     */
    public long nextUnique() {
        int stripe = stripe(Thread.currentThread().getId());
        return cells.incrementAndGet((stripe + 1) * STRIDE) * STRIPES + stripe;
    }

    /** The sum of counter {@code index} over every stripe. */
    public long sum(int index) {
        int i = checked(index);
        long sum = 0;
        for (int s = 1; s <= STRIPES; s++) {
            sum += cells.get(s * STRIDE + i);
        }
        return sum;
    }

    private int checked(int index) {
        if (index < 0 || index >= width) {
            throw new IndexOutOfBoundsException("counter " + index + " of " + width);
        }
        return index;
    }

    private static int base() {
        return (stripe(Thread.currentThread().getId()) + 1) * STRIDE;
    }

    /** The stripe of a thread id: a multiplicative hash, so that consecutive ids spread. */
    static int stripe(long threadId) {
        return (int) ((threadId * 0x9E37_79B9_7F4A_7C15L) >>> SHIFT);
    }

    static int stripes(int processors) {
        int wanted = Math.max(8, Math.min(64, processors * 8));
        return Integer.highestOneBit(wanted - 1) << 1;
    }
}
