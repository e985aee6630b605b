package dev.portcullis.internal.audit;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decision-log overflow: a slow sink fills a small queue. In {@code drop} mode records are dropped
 * and counted without waiting; in {@code block} mode the request waits for the sink up to the bound,
 * then drops. Every overflow leaves a WARN line with the running count: at the first drop, then at
 * most once per interval (the interval runs on an injected ticker, not the wall clock), and at close.
 * Wall-clock time is only used to bound waits, with wide margins.
 */
class DecisionLogOverflowTest {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final AtomicLong ticker = new AtomicLong();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch entered = new CountDownLatch(1);

    private static DecisionRecord record(DecisionLog log) {
        return DecisionRecord.builder(Instant.parse("2026-12-01T10:00:00Z"), log.newDecisionId())
                .request("GET", "/api/documents/7").principal("https://idp", "bob", "t-1")
                .resource("document", "7", "read").effect("ALLOW", null).build();
    }

    /** A sink that holds the writer until {@link #release} is counted down. */
    private Consumer<String> stuckSink() {
        return line -> {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lines.add(line);
        };
    }

    private DecisionLog.Builder builder(int capacity, Consumer<String> sink) {
        return DecisionLog.builder().capacity(capacity).sink(sink).warnings(warnings::add).ticker(ticker::get)
                .warnInterval(Duration.ofSeconds(10));
    }

    /**
     * Records until one is dropped: the first record is held by the writer in the stuck sink, then
     * the queue fills; so exactly {@code capacity + 1} are accepted.
     */
    private int fillUntilDropped(DecisionLog log) throws InterruptedException {
        assertThat(log.record(record(log))).isTrue();
        assertThat(entered.await(10, TimeUnit.SECONDS)).as("the writer took the first record").isTrue();
        int accepted = 1;
        for (int i = 0; i < 100; i++) {
            if (!log.record(record(log))) {
                return accepted;
            }
            accepted++;
        }
        throw new AssertionError("nothing was dropped");
    }

    private static void awaitSize(List<String> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(list).hasSizeGreaterThanOrEqualTo(size);
    }

    @Test
    void recordWhenDropModeAndQueueFullThenDropsCountsAndWarnsAtTheFirstDrop() throws Exception {
        DecisionLog log = builder(2, stuckSink()).start();
        int accepted = fillUntilDropped(log);
        assertThat(accepted).isEqualTo(3); // the writer holds 1, the queue 2
        assertThat(log.dropped()).isEqualTo(1);
        assertThat(warnings).containsExactly("decision log queue full (capacity 2, overflow=drop): "
                + "1 decision records dropped so far, 1 since the last report");
        for (int i = 0; i < 20; i++) {
            assertThat(log.record(record(log))).isFalse();
        }
        assertThat(log.dropped()).isEqualTo(21);
        assertThat(warnings).as("rate-limited: no second line within the interval").hasSize(1);
        ticker.addAndGet(Duration.ofSeconds(10).toNanos());
        log.record(record(log));
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(1)).endsWith(": 22 decision records dropped so far, 21 since the last report");
        release.countDown();
        log.close();
        assertThat(lines).hasSize(accepted);
        assertThat(warnings).as("nothing left to report at close").hasSize(2);
    }

    @Test
    void drainWhenDropsStopThenTheWriterReportsTheRestOnceTheIntervalPassed() throws Exception {
        DecisionLog log = builder(1, stuckSink()).start();
        int accepted = fillUntilDropped(log);
        log.record(record(log));
        log.record(record(log));
        assertThat(log.dropped()).isEqualTo(3);
        assertThat(warnings).hasSize(1);
        release.countDown();
        awaitSize(lines, accepted);
        Thread.sleep(50); // the idle writer checks, but the interval has not passed on the ticker
        assertThat(warnings).hasSize(1);
        ticker.addAndGet(Duration.ofSeconds(11).toNanos());
        awaitSize(warnings, 2);
        assertThat(warnings.get(1)).endsWith(": 3 decision records dropped so far, 2 since the last report");
        log.close();
        assertThat(warnings).hasSize(2);
    }

    @Test
    void closeWhenDropsNotYetReportedThenWarnsWithTheCount() throws Exception {
        DecisionLog log = builder(1, stuckSink()).start();
        fillUntilDropped(log);
        for (int i = 0; i < 4; i++) {
            log.record(record(log));
        }
        assertThat(warnings).hasSize(1);
        release.countDown();
        log.close();
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(1)).endsWith(": 5 decision records dropped so far, 4 since the last report");
        assertThat(log.record(record(log))).as("closed").isFalse();
    }

    @Test
    void recordWhenBlockModeAndSinkCatchesUpWithinTheBoundThenNothingIsDropped() throws Exception {
        DecisionLog log = builder(2, line -> {
            LockSupportNap.nap();
            lines.add(line);
        }).overflow(DecisionLog.Overflow.BLOCK).blockTimeout(Duration.ofSeconds(10)).start();
        for (int i = 0; i < 40; i++) {
            assertThat(log.record(record(log))).as("record %d", i).isTrue();
        }
        log.close();
        assertThat(log.dropped()).isZero();
        assertThat(lines).hasSize(40);
        assertThat(warnings).isEmpty();
    }

    @Test
    void recordWhenBlockModeAndBoundExceededThenWaitsThenDropsAndWarns() throws Exception {
        DecisionLog log = builder(1, stuckSink()).overflow(DecisionLog.Overflow.BLOCK)
                .blockTimeout(Duration.ofMillis(200)).start();
        assertThat(log.record(record(log))).isTrue();
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(log.record(record(log))).as("fills the queue").isTrue();
        long start = System.nanoTime();
        boolean accepted = log.record(record(log));
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(accepted).isFalse();
        assertThat(waitedMillis).as("waited for the bound, and not much longer").isBetween(200L, 10_000L);
        assertThat(log.dropped()).isEqualTo(1);
        assertThat(warnings).containsExactly("decision log queue full (capacity 1, overflow=block, after waiting"
                + " 200 ms): 1 decision records dropped so far, 1 since the last report");
        release.countDown();
        log.close();
    }

    @Test
    void recordWhenBlockModeAndThreadInterruptedThenDropsAtOnceKeepingTheInterrupt() throws Exception {
        DecisionLog log = builder(1, stuckSink()).overflow(DecisionLog.Overflow.BLOCK)
                .blockTimeout(Duration.ofSeconds(10)).start();
        try {
            log.record(record(log));
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            log.record(record(log));
            Thread.currentThread().interrupt();
            long start = System.nanoTime();
            assertThat(log.record(record(log))).isFalse();
            assertThat(Thread.interrupted()).as("interrupt kept").isTrue();
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
        } finally {
            Thread.interrupted();
            release.countDown();
            log.close();
        }
    }

    @Test
    void recordWhenDefaultWarningsThenWarnLineOnTheDecisionLogLogger() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            DecisionLog log = DecisionLog.builder().capacity(1).sink(stuckSink()).start();
            fillUntilDropped(log);
            release.countDown();
            log.close();
        } finally {
            System.setErr(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("WARN dev.portcullis.internal.audit.DecisionLog - decision log queue full (capacity 1, overflow=drop): "
                        + "1 decision records dropped so far");
    }

    /** A short pause for a slow sink, without wall-clock assertions on it. */
    private static final class LockSupportNap {
        static void nap() {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
