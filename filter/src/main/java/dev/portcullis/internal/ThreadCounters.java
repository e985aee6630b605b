package dev.portcullis.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A few counters that every request adds to, kept per thread: a thread adds to a cell of its own
 * with a plain store, no atomic instruction and no cache line that another thread writes; reading
 * sums the cells. Counters shared by the request threads (an atomic, a {@link LongAdder}, or
 * stripes picked by thread id) cost the full request path several points of throughput over HTTP
 * (issue 19): the lines they write move between cores with every request.
 *
 * <p>A thread's cell is registered the first time it counts, and folded into a running total once
 * the thread has ended, so that a pool that replaces its threads leaves no cells behind. Virtual
 * threads (Java 21 and later) count in {@link LongAdder}s instead: a cell per short-lived thread
 * would cost more than it saves. A thread finds its cell in a small table by thread id (its own
 * slot, unless another live thread took it first) rather than in its thread-locals: a container's
 * threads carry many, and that look-up, done several times per request, measured a few percent of
 * the full path's throughput.
 *
 * <pre>{@code
 * ThreadCounters times = new ThreadCounters(2);   // a count and a total
 * times.addEvent(nanos);                          // one event that took nanos
 * long count = times.sum(0);
 * long totalNanos = times.sum(1);
 * }</pre>
 *
 * <p>A sum sees every addition of threads that have ended and, for the others, each cell as its
 * thread last published it (a reader may see one counter of an event before another, and an
 * addition a moment late); sums never go down.
 *
 * <p>Thread safety: thread-safe; {@link #add}, {@link #addEvent} and {@link #nextUnique} take no
 * lock once the calling thread has its cell.
 */
public final class ThreadCounters {
    /** Most counters per object. */
    static final int MAX_WIDTH = 16;
    /** Ids a thread takes at once for {@link #nextUnique}. */
    static final int ID_BLOCK = 1024;
    /** Longs before and after a cell's own: 128 bytes, so that no other object shares its lines. */
    private static final int PAD = 16;
    /** Slots of {@link #recent} (a power of two). */
    private static final int RECENT = 256;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    /** {@code Thread.isVirtual()} on Java 21 and later; null before, where every thread is a platform thread. */
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    private final int width;
    /** The cell of the calling thread: {@code width} counters, then the next id and its block's end. */
    private final ThreadLocal<long[]> mine = new ThreadLocal<>();
    /**
     * Cells by thread id, in front of {@link #mine}: one array read and one comparison instead of
     * a look-up in the thread's own map of thread-locals, which a container's threads fill with
     * many. Entries are immutable; a slot is written when its thread first counts, read by all.
     */
    private final Owned[] recent = new Owned[RECENT];
    /** Every registered thread's cell; guarded by this. */
    private final List<Cell> cells = new ArrayList<>();
    /** What ended threads counted; guarded by this. */
    private final long[] retired;
    /** Virtual threads' counts. */
    private final LongAdder[] shared;
    private final AtomicLong idBlocks = new AtomicLong();
    private final AtomicLong sharedIds = new AtomicLong();

    /**
     * @param width how many counters, 1 to 16
     */
    public ThreadCounters(int width) {
        if (width < 1 || width > MAX_WIDTH) {
            throw new IllegalArgumentException("width must be 1 to " + MAX_WIDTH + ", was " + width);
        }
        this.width = width;
        this.retired = new long[width];
        this.shared = new LongAdder[width];
        for (int i = 0; i < width; i++) {
            shared[i] = new LongAdder();
        }
    }

    /** Adds {@code delta} to counter {@code index}. */
    public void add(int index, long delta) {
        int i = checked(index);
        long[] cell = cell();
        if (cell == null) {
            shared[i].add(delta);
            return;
        }
        int at = PAD + i;
        LONGS.setOpaque(cell, at, cell[at] + delta); // this thread is the cell's only writer
    }

    /** Adds one to counter 0 and {@code delta} to counter 1: an event and its time. */
    public void addEvent(long delta) {
        if (width < 2) {
            throw new IndexOutOfBoundsException("an event needs two counters, this has " + width);
        }
        long[] cell = cell();
        if (cell == null) {
            shared[0].increment();
            shared[1].add(delta);
            return;
        }
        LONGS.setOpaque(cell, PAD, cell[PAD] + 1);
        LONGS.setOpaque(cell, PAD + 1, cell[PAD + 1] + delta);
    }

    /**
     * A number no other call on this object returns, counted in counter 0: even numbers from
     * blocks of {@value #ID_BLOCK} that a thread takes one at a time (one shared atomic step per
     * block, not per call), odd numbers from one shared sequence on virtual threads.
     */
    public long nextUnique() {
        long[] cell = cell();
        if (cell == null) {
            shared[0].increment();
            return sharedIds.getAndIncrement() * 2 + 1;
        }
        int next = PAD + width;
        long id = cell[next];
        if (id == cell[next + 1]) {
            id = idBlocks.getAndIncrement() * ID_BLOCK;
            cell[next + 1] = id + ID_BLOCK;
        }
        cell[next] = id + 1;
        LONGS.setOpaque(cell, PAD, cell[PAD] + 1);
        return id * 2;
    }

    /** The sum of counter {@code index} over every thread that has counted. */
    public synchronized long sum(int index) {
        int i = checked(index);
        retireEnded();
        long sum = retired[i] + shared[i].sum();
        for (Cell c : cells) {
            sum += (long) LONGS.getOpaque(c.values, PAD + i);
        }
        return sum;
    }

    /** Threads with a cell now (for tests). */
    synchronized int cells() {
        retireEnded();
        return cells.size();
    }

    private int checked(int index) {
        if (index < 0 || index >= width) {
            throw new IndexOutOfBoundsException("counter " + index + " of " + width);
        }
        return index;
    }

    /** The calling thread's cell, registered on its first call; null on a virtual thread. */
    private long[] cell() {
        Thread thread = Thread.currentThread();
        Owned owned = recent[(int) thread.getId() & (RECENT - 1)];
        if (owned != null && owned.thread == thread) {
            return owned.values;
        }
        return cellOf(thread);
    }

    /**
     * The cell through the thread-local, remembered in the thread's slot of {@link #recent} unless
     * a live thread holds that slot (two live threads sharing a slot would each keep replacing it).
     */
    private long[] cellOf(Thread thread) {
        long[] cell = mine.get();
        if (cell == null) {
            cell = register();
            if (cell == null) {
                return null;
            }
        }
        int slot = (int) thread.getId() & (RECENT - 1);
        Owned owned = recent[slot];
        if (owned == null || !owned.thread.isAlive()) {
            recent[slot] = new Owned(thread, cell);
        }
        return cell;
    }

    private long[] register() {
        Thread thread = Thread.currentThread();
        if (isVirtual(thread)) {
            return null;
        }
        long[] cell = new long[PAD + width + 2 + PAD];
        synchronized (this) {
            retireEnded();
            cells.add(new Cell(thread, cell));
        }
        mine.set(cell);
        return cell;
    }

    /**
     * Folds the cells of ended threads into {@link #retired}: a thread's end happens before
     * {@code isAlive()} returns false, so its last additions are all there.
     */
    private void retireEnded() {
        for (int c = cells.size() - 1; c >= 0; c--) {
            Cell cell = cells.get(c);
            Thread thread = cell.thread.get();
            if (thread == null || !thread.isAlive()) {
                for (int i = 0; i < width; i++) {
                    retired[i] += cell.values[PAD + i];
                }
                cells.remove(c);
            }
        }
    }

    private static boolean isVirtual(Thread thread) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(thread);
        } catch (Throwable e) {
            return false;
        }
    }

    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null; // before Java 21
        }
    }

    /** A thread and its cell, for {@link #recent}; holds the thread until a later thread takes the slot. */
    private static final class Owned {
        final Thread thread;
        final long[] values;

        Owned(Thread thread, long[] values) {
            this.thread = thread;
            this.values = values;
        }
    }

    /** A thread's counters; the thread is held weakly, so that a cell never keeps a thread. */
    private static final class Cell {
        final WeakReference<Thread> thread;
        final long[] values;

        Cell(Thread thread, long[] values) {
            this.thread = new WeakReference<>(thread);
            this.values = values;
        }
    }
}
