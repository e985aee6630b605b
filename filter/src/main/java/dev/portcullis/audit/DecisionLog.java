package dev.portcullis.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The decision log: one JSON line per decision on the SLF4J logger {@value #LOGGER_NAME} at INFO.
 *
 * <p>Recording never blocks a request: records go into a bounded queue drained by one daemon
 * thread, which polls (napping 2 ms when the queue is empty) so that a request never pays for
 * waking it; when the queue is full the record is dropped and counted ({@link #dropped()}), and the
 * drop count is itself logged (WARN) when the writer catches up.
 *
 * <pre>{@code
 * DecisionLog log = DecisionLog.start(10_000);
 * log.record(DecisionRecord.builder(now, log.newDecisionId())...build());
 * }</pre>
 *
 * <p>Thread safety: thread-safe.
 */
public final class DecisionLog implements AutoCloseable {
    /** Name of the SLF4J logger decisions are written to. */
    public static final String LOGGER_NAME = "portcullis.decision";
    /** Default queue capacity. */
    public static final int DEFAULT_CAPACITY = 10_000;

    private static final Logger DECISIONS = LoggerFactory.getLogger(LOGGER_NAME);
    private static final Logger LOG = LoggerFactory.getLogger(DecisionLog.class);
    /** How long the writer naps when the queue is empty: the most a record waits to be written. */
    private static final long IDLE_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final DecisionRecord POISON = DecisionRecord.builder(java.time.Instant.EPOCH, "").build();

    private final BlockingQueue<DecisionRecord> queue;
    private final Consumer<String> sink;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private final String idPrefix;
    private final Thread writer;
    private volatile boolean closed;

    private DecisionLog(int capacity, Consumer<String> sink) {
        if (capacity < 1) {
            throw new IllegalArgumentException("decision log capacity must be positive, was " + capacity);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sink = sink;
        this.idPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE).substring(0, 8);
        this.writer = new Thread(this::drain, "portcullis-decision-log");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** A log writing to the {@value #LOGGER_NAME} SLF4J logger. */
    public static DecisionLog start(int capacity) {
        return new DecisionLog(capacity, line -> DECISIONS.info(line));
    }

    /** A log writing lines to {@code sink} (for tests and custom pipelines). */
    public static DecisionLog start(int capacity, Consumer<String> sink) {
        return new DecisionLog(capacity, sink);
    }

    /** A short unique id for a decision: a per-log random prefix and a sequence number. */
    public String newDecisionId() {
        return idPrefix + "-" + Long.toString(sequence.incrementAndGet(), 36);
    }

    /** Queues a record; never blocks. Returns false if it was dropped. */
    public boolean record(DecisionRecord record) {
        if (closed || !queue.offer(record)) {
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    /** Records dropped because the queue was full (or the log closed). */
    public long dropped() {
        return dropped.get();
    }

    /** Records written so far. */
    public long written() {
        return written.get();
    }

    private void drain() {
        long reportedDrops = 0;
        while (true) {
            // Poll and nap rather than take(): a writer blocked in take() must be woken by every
            // record, and that wake-up (a system call) would cost each request a microsecond or more.
            DecisionRecord r = queue.poll();
            if (r == null) {
                if (Thread.interrupted()) {
                    return;
                }
                LockSupport.parkNanos(IDLE_NAP_NANOS);
                continue;
            }
            if (r == POISON) {
                return;
            }
            try {
                sink.accept(r.toJson());
                written.incrementAndGet();
            } catch (RuntimeException e) {
                LOG.warn("decision log sink failed: {}", e.toString());
            }
            long drops = dropped.get();
            if (drops != reportedDrops && queue.isEmpty()) {
                LOG.warn("decision log dropped {} records so far (queue full)", drops);
                reportedDrops = drops;
            }
        }
    }

    /** Writes what is queued (waiting up to 2 s) and stops the writer. */
    @Override
    public void close() {
        closed = true;
        try {
            if (!queue.offer(POISON, 2, TimeUnit.SECONDS)) {
                writer.interrupt();
            }
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
