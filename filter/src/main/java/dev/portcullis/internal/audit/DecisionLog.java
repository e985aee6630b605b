package dev.portcullis.internal.audit;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.SettingNames;
import dev.portcullis.config.Settings;
import dev.portcullis.internal.ThreadCounters;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The decision log: one JSON line per decision on the SLF4J logger {@value #LOGGER_NAME} at INFO,
 * or, with {@value SettingNames#DECISION_LOG_OUTPUT}, on standard output or error or in a file.
 *
 * <p>Records go into a bounded queue drained by one daemon thread, which takes them a batch at a
 * time (napping 10 ms when the queue is empty) so that a request never pays for waking it; besides
 * the queue's capacity, only the batch being written (at most {@value #BATCH} records) is held.
 * When the queue is full, the
 * {@linkplain Overflow overflow policy} decides:
 * <ul>
 *   <li>{@code drop} (the default, setting {@value SettingNames#DECISION_LOG_OVERFLOW}): the record is dropped and counted
 *       ({@link #dropped()}); the request never waits;</li>
 *   <li>{@code block}: the request thread waits for room up to {@value SettingNames#DECISION_LOG_BLOCK_TIMEOUT} (default
 *       100 ms, at most 10 s), then the record is dropped and counted.</li>
 * </ul>
 * Every overflow leaves a WARN line on this class's logger with the running drop count: at the
 * first drop, then at most once per {@link #WARN_INTERVAL} while drops go on (the writer reports
 * drops that happened since the last line even if no further drop comes), and a last one at
 * {@link #close()} for any drop not yet reported.
 *
 * <pre>{@code
 * DecisionLog log = DecisionLog.builder().capacity(10_000).overflow(DecisionLog.Overflow.BLOCK)
 *     .blockTimeout(Duration.ofMillis(50)).start();
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
    /** Default of {@value SettingNames#DECISION_LOG_BLOCK_TIMEOUT}. */
    public static final Duration DEFAULT_BLOCK_TIMEOUT = Duration.ofMillis(100);
    /** Longest {@value SettingNames#DECISION_LOG_BLOCK_TIMEOUT}: a request thread must never wait on logging for long. */
    public static final Duration MAX_BLOCK_TIMEOUT = Duration.ofSeconds(10);
    /** Least time between two WARN lines about dropped records. */
    public static final Duration WARN_INTERVAL = Duration.ofSeconds(10);

    /** What happens to a record when the queue is full. */
    public enum Overflow {
        /** Drop the record and count it; the request never waits. */
        DROP,
        /** Wait for room up to the block timeout, then drop the record and count it. */
        BLOCK
    }

    private static final Logger DECISIONS = LoggerFactory.getLogger(LOGGER_NAME);
    private static final Logger LOG = LoggerFactory.getLogger(DecisionLog.class);
    /** How long the writer naps when the queue is empty: the most a record waits to be written. */
    private static final long IDLE_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final DecisionRecord POISON = DecisionRecord.builder(java.time.Instant.EPOCH, "").build();
    private static final long NEVER = Long.MIN_VALUE;
    private static final char[] BASE_36 = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
    /** A decision id's most characters: the 8-character prefix, '-' and a long's 13 base-36 digits. */
    private static final int ID_CHARS = 8 + 1 + 13;
    /** The most records the writer takes from the queue at once. */
    static final int BATCH = 256;
    /**
     * Characters the writer formats before it writes them out (with an output): its buffer stays
     * about this size however many records a batch holds.
     */
    static final int CHUNK = 32 * 1024;
    /** A buffer grown past this by an outsized line is dropped after its batch. */
    private static final int MAX_KEPT_BUFFER = 4 * CHUNK;

    private final BlockingQueue<DecisionRecord> queue;
    private final int capacity;
    private final Overflow overflow;
    private final long blockTimeoutNanos;
    private final Consumer<String> sink;
    /** The direct output ({@value SettingNames#DECISION_LOG_OUTPUT}), or null for the sink. */
    private final Output output;
    private final Consumer<String> listener;
    private final Consumer<String> warnings;
    private final LongSupplier ticker;
    private final long warnIntervalNanos;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong reportedDrops = new AtomicLong();
    private final AtomicLong lastWarn = new AtomicLong(NEVER);
    private final AtomicLong written = new AtomicLong();
    private final ThreadCounters ids = new ThreadCounters(1);
    /** Records the output failed to write, and when that was last reported; the writer's own. */
    private long lost;
    private long lastLossWarn = NEVER;
    private final char[] idPrefix;
    private final Thread writer;
    private volatile boolean closed;

    private DecisionLog(Builder b) {
        this.capacity = b.capacity;
        this.queue = new ArrayBlockingQueue<>(b.capacity);
        this.overflow = b.overflow;
        this.blockTimeoutNanos = b.blockTimeout.toNanos();
        this.listener = b.listener == null ? null : line -> {
            try {
                b.listener.accept(line);
            } catch (RuntimeException e) {
                LOG.warn("decision log listener failed: {}", e.toString());
            }
        };
        this.sink = listener == null ? b.sink : b.sink.andThen(listener);
        this.output = b.file == null ? null : Output.open(b.file);
        this.warnings = b.warnings;
        this.ticker = b.ticker;
        this.warnIntervalNanos = b.warnInterval.toNanos();
        this.idPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE).substring(0, 8)
                .toCharArray();
        this.writer = new Thread(this::drain, "portcullis-decision-log");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder with {@value SettingNames#DECISION_LOG_OVERFLOW} and {@value SettingNames#DECISION_LOG_BLOCK_TIMEOUT} read from {@code settings};
     * a bad value, or a block timeout without {@code overflow=block}, fails naming the setting.
     */
    public static Builder builder(Settings settings) {
        Builder b = builder();
        settings.get(SettingNames.DECISION_LOG_OUTPUT).ifPresent(b::output);
        Overflow overflow = settings.getEnum(SettingNames.DECISION_LOG_OVERFLOW, Overflow.class, Overflow.DROP);
        b.overflow(overflow);
        if (settings.get(SettingNames.DECISION_LOG_BLOCK_TIMEOUT).isPresent()) {
            if (overflow != Overflow.BLOCK) {
                throw new ConfigurationException(SettingNames.DECISION_LOG_BLOCK_TIMEOUT, "applies only with " + SettingNames.DECISION_LOG_OVERFLOW + "=block, but "
                        + SettingNames.DECISION_LOG_OVERFLOW + " is " + overflow.name().toLowerCase(java.util.Locale.ROOT));
            }
            Duration timeout = settings.getDuration(SettingNames.DECISION_LOG_BLOCK_TIMEOUT, DEFAULT_BLOCK_TIMEOUT);
            b.blockTimeout(timeout);
        }
        return b;
    }

    /** A log writing to the {@value #LOGGER_NAME} SLF4J logger, dropping records on overflow. */
    public static DecisionLog start(int capacity) {
        return builder().capacity(capacity).start();
    }

    /** A log writing lines to {@code sink} (for tests and custom pipelines), dropping records on overflow. */
    public static DecisionLog start(int capacity, Consumer<String> sink) {
        return builder().capacity(capacity).sink(sink).start();
    }

    /**
     * A short unique id for a decision: a per-log random prefix and a number unique in this log
     * (not a sequence: each thread draws from a block of its own, so that threads share no counter).
     */
    public String newDecisionId() {
        // the prefix, '-' and the number in base 36 (as Long.toString(n, 36)), built in one array:
        // one string per id rather than the number's string and the concatenation's
        long n = ids.nextUnique();
        char[] id = new char[ID_CHARS];
        int at = ID_CHARS;
        do {
            id[--at] = BASE_36[(int) (n % 36)];
            n /= 36;
        } while (n > 0);
        id[--at] = '-';
        at -= idPrefix.length;
        System.arraycopy(idPrefix, 0, id, at, idPrefix.length);
        return new String(id, at, ID_CHARS - at);
    }

    /**
     * Queues a record. With {@code overflow=drop} never blocks; with {@code block} waits for room
     * up to the block timeout when the queue is full.
     *
     * @return false if the record was dropped (queue full, or the log closed)
     */
    public boolean record(DecisionRecord record) {
        if (!closed) {
            if (queue.offer(record)) {
                return true;
            }
            if (overflow == Overflow.BLOCK) {
                try {
                    if (queue.offer(record, blockTimeoutNanos, TimeUnit.NANOSECONDS)) {
                        return true;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // the request is being cancelled: drop and go
                }
            }
        }
        dropped.incrementAndGet();
        warnIfDue(false);
        return false;
    }

    /** Records dropped because the queue was full (or the log closed). */
    public long dropped() {
        return dropped.get();
    }

    /** Records written so far. */
    public long written() {
        return written.get();
    }

    /** The overflow policy. */
    public Overflow overflow() {
        return overflow;
    }

    /**
     * Writes the WARN line about drops not yet reported: always when {@code force}, else at the
     * first drop and then at most once per warn interval. Concurrent callers write at most one line.
     */
    private void warnIfDue(boolean force) {
        long drops = dropped.get();
        if (drops == reportedDrops.get()) {
            return;
        }
        long now = ticker.getAsLong();
        long last = lastWarn.get();
        if (!force && last != NEVER && now - last < warnIntervalNanos) {
            return;
        }
        if (!lastWarn.compareAndSet(last, now) && !force) {
            return; // another thread is writing this line
        }
        long previous = reportedDrops.getAndAccumulate(drops, Math::max);
        if (previous >= drops) {
            return;
        }
        String policy = overflow == Overflow.DROP ? "overflow=drop"
                : "overflow=block, after waiting " + TimeUnit.NANOSECONDS.toMillis(blockTimeoutNanos) + " ms";
        warnings.accept("decision log queue full (capacity " + capacity + ", " + policy + "): " + drops
                + " decision records dropped so far, " + (drops - previous) + " since the last report");
    }

    private void drain() {
        // one buffer for every line: the writer is the only thread that formats
        int initial = output == null ? 1024 : CHUNK + 1024; // one line at a time for the sink, a chunk for an output
        StringBuilder text = new StringBuilder(initial);
        List<DecisionRecord> batch = new ArrayList<>(BATCH);
        while (true) {
            // Poll and nap rather than take(): a writer blocked in take() must be woken by every
            // record, and that wake-up (a system call) would cost each request a microsecond or more.
            // Records are taken a batch at a time: one turn of the queue's lock, which the request
            // threads' offers share, per batch rather than per record.
            batch.clear();
            if (queue.drainTo(batch, BATCH) == 0) {
                if (Thread.interrupted()) {
                    return;
                }
                warnIfDue(false); // drops since the last WARN line, once the interval has passed
                LockSupport.parkNanos(IDLE_NAP_NANOS);
                continue;
            }
            boolean last = output == null ? writeEach(batch, text) : writeAll(batch, text);
            if (text.capacity() > MAX_KEPT_BUFFER) {
                text = new StringBuilder(initial); // an outsized line does not keep its buffer
            }
            if (last) {
                return;
            }
            warnIfDue(false);
        }
    }

    /** Hands each record's line to the sink; true when the batch ended the log. */
    private boolean writeEach(List<DecisionRecord> batch, StringBuilder line) {
        for (DecisionRecord r : batch) {
            if (r == POISON) {
                return true;
            }
            try {
                line.setLength(0);
                r.appendJson(line);
                sink.accept(line.toString());
                written.incrementAndGet();
            } catch (RuntimeException e) {
                LOG.warn("decision log sink failed: {}", e.toString());
            }
        }
        return false;
    }

    /**
     * Writes the batch's lines to the output a chunk of about {@value #CHUNK} characters at a
     * time (one system call per chunk, not one per line; the buffer stays that size however large
     * the batch), then hands each line to the listener; true when the batch ended the log.
     */
    private boolean writeAll(List<DecisionRecord> batch, StringBuilder text) {
        text.setLength(0);
        int lines = 0;
        for (DecisionRecord r : batch) {
            if (r == POISON) {
                flush(text, lines);
                return true;
            }
            r.appendJson(text);
            text.append('\n');
            lines++;
            if (text.length() >= CHUNK) {
                flush(text, lines);
                text.setLength(0);
                lines = 0;
            }
        }
        flush(text, lines);
        return false;
    }

    /** Writes {@code lines} whole lines held in {@code text} to the output, then to the listener. */
    private void flush(StringBuilder text, int lines) {
        if (lines == 0) {
            return;
        }
        try {
            output.write(text);
            written.addAndGet(lines);
        } catch (IOException | RuntimeException e) {
            // a broken output fails every chunk: one WARN line at once, then at most one per interval
            lost += lines;
            long now = ticker.getAsLong();
            if (lastLossWarn == NEVER || now - lastLossWarn >= warnIntervalNanos) {
                lastLossWarn = now;
                LOG.warn("decision log output {} failed: {} decision records lost so far: {}", output, lost, e.toString());
            }
            return;
        }
        if (listener != null) {
            for (int from = 0, to; from < text.length(); from = to + 1) {
                to = text.indexOf("\n", from);
                listener.accept(text.substring(from, to));
            }
        }
    }

    /** Writes what is queued (waiting up to 2 s), stops the writer, and reports unreported drops. */
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
        } finally {
            if (output != null && !writer.isAlive()) {
                output.close();
            }
            warnIfDue(true);
        }
    }

    /**
     * Builds and starts a {@link DecisionLog}; each setter validates its argument at once.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private int capacity = DEFAULT_CAPACITY;
        private Overflow overflow = Overflow.DROP;
        private Duration blockTimeout = DEFAULT_BLOCK_TIMEOUT;
        private Consumer<String> sink = line -> DECISIONS.info(line);
        private Consumer<String> warnings = line -> LOG.warn(line);
        private Consumer<String> listener;
        private String file;
        private LongSupplier ticker = System::nanoTime;
        private Duration warnInterval = WARN_INTERVAL;

        private Builder() {
        }

        /** Queue capacity, at least 1 (default {@value DecisionLog#DEFAULT_CAPACITY}). */
        public Builder capacity(int capacity) {
            if (capacity < 1) {
                throw new ConfigurationException(SettingNames.DECISION_LOG_CAPACITY, "decision log capacity must be positive, was " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /** The overflow policy (default {@link Overflow#DROP}). */
        public Builder overflow(Overflow overflow) {
            this.overflow = Objects.requireNonNull(overflow, "overflow");
            return this;
        }

        /** With {@link Overflow#BLOCK}, the longest wait for room: 1 ms to 10 s (default 100 ms). */
        public Builder blockTimeout(Duration timeout) {
            if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(MAX_BLOCK_TIMEOUT) > 0) {
                throw new ConfigurationException(SettingNames.DECISION_LOG_BLOCK_TIMEOUT, "block timeout must be between 1 ms and 10 s, was " + timeout);
            }
            this.blockTimeout = timeout;
            return this;
        }

        /** Where lines go (default the {@value DecisionLog#LOGGER_NAME} SLF4J logger at INFO). */
        public Builder sink(Consumer<String> sink) {
            this.sink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * Where the lines go: {@code logger} (the default: the sink, normally the
         * {@value DecisionLog#LOGGER_NAME} SLF4J logger), or instead {@code stdout} or {@code stderr}
         * (the current {@code System.out} or {@code System.err}), or a file, created if missing and
         * appended to. Those three get plain JSON lines, one per decision, and the writer writes
         * them a chunk at a time: one system call per batch, or per {@value DecisionLog#CHUNK}
         * characters of a large batch, rather than one per line.
         *
         * @throws ConfigurationException naming {@value SettingNames#DECISION_LOG_OUTPUT} when the file cannot be opened
         */
        public Builder output(String where) {
            String value = Objects.requireNonNull(where, "where").trim();
            if (value.equals(Output.LOGGER)) {
                this.file = null;
                return this;
            }
            Output.open(value).close(); // a file that cannot be opened fails now, naming the setting
            this.file = value;
            return this;
        }

        /**
         * Also hands each line, after the sink, to {@code listener} (on the writer thread; its
         * failures are logged, never passed on): an application's own view of recent decisions.
         */
        public Builder listener(Consumer<String> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Where drop warnings go (default WARN on this class's logger); for tests. */
        Builder warnings(Consumer<String> warnings) {
            this.warnings = Objects.requireNonNull(warnings, "warnings");
            return this;
        }

        /** The nanosecond time source of the warning rate limit; for tests. */
        Builder ticker(LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** Least time between two drop warnings (default {@link DecisionLog#WARN_INTERVAL}); for tests. */
        Builder warnInterval(Duration interval) {
            this.warnInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** Starts the writer thread. */
        public DecisionLog start() {
            return new DecisionLog(this);
        }
    }
}
