package dev.portcullis.internal;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ThreadCountersTest {
    private static final int THREADS = 16;
    private static final int EACH = 5_000;

    @Test
    void concurrentEventsAreAllCountedWithTheirTimeWhileTheThreadsLiveAndAfter() throws Exception {
        ThreadCounters times = new ThreadCounters(2);
        CountDownLatch counted = new CountDownLatch(THREADS);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> threads = start(t -> {
            for (int i = 0; i < EACH; i++) {
                times.addEvent(t + 1);
            }
            counted.countDown();
            await(release);
        });
        counted.await();
        long events = (long) THREADS * EACH;
        long nanos = (long) EACH * THREADS * (THREADS + 1) / 2;
        assertThat(times.cells()).as("one cell per live thread").isEqualTo(THREADS);
        assertThat(times.sum(0)).as("live cells").isEqualTo(events);
        assertThat(times.sum(1)).isEqualTo(nanos);

        release.countDown();
        join(threads);
        assertThat(times.sum(0)).as("ended threads' counts are kept").isEqualTo(events);
        assertThat(times.sum(1)).isEqualTo(nanos);
        assertThat(times.cells()).as("and their cells let go").isZero();
    }

    @Test
    void concurrentAddsToSeveralCountersStayApart() throws Exception {
        ThreadCounters counters = new ThreadCounters(3);
        join(start(t -> {
            for (int i = 0; i < EACH; i++) {
                counters.add(0, 1);
                counters.add(2, 10);
            }
        }));
        assertThat(counters.sum(0)).isEqualTo((long) THREADS * EACH);
        assertThat(counters.sum(1)).isZero();
        assertThat(counters.sum(2)).isEqualTo(10L * THREADS * EACH);
    }

    /**
     * More live threads than the cell cache has slots (thread ids then share slots): each thread
     * still counts in a cell of its own, so plain stores lose no count; a thread that shared a
     * cell with another would lose many.
     */
    @Test
    void moreLiveThreadsThanSlotsEachCountInTheirOwnCell() throws Exception {
        ThreadCounters counters = new ThreadCounters(1);
        int threads = 600;
        CountDownLatch started = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch counted = new CountDownLatch(threads);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                counters.add(0, 1); // take a cell (and a slot, if it is free) while every thread lives
                started.countDown();
                await(go);
                for (int i = 0; i < 20_000; i++) {
                    counters.add(0, 1);
                }
                counted.countDown();
                await(release);
            });
            thread.start();
            all.add(thread);
        }
        started.await();
        go.countDown();
        counted.await();
        assertThat(counters.cells()).as("one cell per live thread").isEqualTo(threads);
        assertThat(counters.sum(0)).isEqualTo(threads * 20_001L);
        release.countDown();
        join(all);
        assertThat(counters.sum(0)).isEqualTo(threads * 20_001L);
    }

    /** A pool that replaces its threads (idle timeouts) leaves no cells behind and loses no count. */
    @Test
    void threadsThatComeAndGoLeaveNoCellsAndLoseNoCount() throws Exception {
        ThreadCounters counters = new ThreadCounters(1);
        for (int round = 0; round < 500; round++) {
            Thread thread = new Thread(() -> counters.add(0, 3));
            thread.start();
            thread.join();
            counters.add(0, 1); // this thread's own cell, alive throughout
        }
        assertThat(counters.sum(0)).isEqualTo(500L * 4);
        assertThat(counters.cells()).as("only the test thread's").isEqualTo(1);
    }

    /** What a scrape sees never goes down, while threads count, end and are folded in. */
    @Test
    void sumsNeverGoDownWhileThreadsCountAndEnd() throws Exception {
        ThreadCounters counters = new ThreadCounters(1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> wentDown = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            long last = 0;
            while (!stop.get()) {
                long now = counters.sum(0);
                if (now < last) {
                    wentDown.set(last + " then " + now);
                }
                last = now;
            }
        });
        reader.start();
        for (int wave = 0; wave < 50; wave++) {
            join(start(t -> {
                for (int i = 0; i < 200; i++) {
                    counters.add(0, 1);
                }
            }));
        }
        stop.set(true);
        reader.join();
        assertThat(wentDown.get()).isNull();
        assertThat(counters.sum(0)).isEqualTo(50L * THREADS * 200);
    }

    @Test
    void nextUniqueNeverRepeatsAcrossThreadsNorAfterThemAndCountsEachId() throws Exception {
        ThreadCounters ids = new ThreadCounters(1);
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        for (int wave = 0; wave < 3; wave++) { // later threads take new blocks, never an ended thread's
            join(start(t -> {
                for (int i = 0; i < ThreadCounters.ID_BLOCK + 7; i++) {
                    assertThat(seen.add(ids.nextUnique())).isTrue();
                }
            }));
        }
        int total = 3 * THREADS * (ThreadCounters.ID_BLOCK + 7);
        assertThat(seen).hasSize(total);
        assertThat(ids.sum(0)).as("each id counted").isEqualTo(total);
        assertThat(seen).allMatch(id -> id >= 0);
    }

    /** Java 21 and later: virtual threads count in shared adders and get no cell (skipped before 21). */
    @Test
    void virtualThreadsCountWithoutCells() throws Exception {
        Method ofVirtual;
        try {
            ofVirtual = Thread.class.getMethod("ofVirtual");
        } catch (NoSuchMethodException e) {
            ofVirtual = null;
        }
        assumeTrue(ofVirtual != null, "virtual threads need Java 21");
        Object builder = ofVirtual.invoke(null);
        Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
        ThreadCounters counters = new ThreadCounters(2);
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 200; t++) {
            threads.add((Thread) start.invoke(builder, (Runnable) () -> {
                counters.addEvent(5);
                ids.add(counters.nextUnique());
            }));
        }
        join(threads);
        assertThat(counters.sum(0)).isEqualTo(400);
        assertThat(counters.sum(1)).isEqualTo(1000);
        assertThat(ids).hasSize(200);
        assertThat(counters.cells()).isZero();
        assertThat(ids).as("virtual threads' ids are odd").allMatch(id -> id % 2 == 1);
        assertThat(counters.nextUnique() % 2).as("a platform thread's even: the two never meet").isZero();
    }

    @Test
    void aCounterOutsideTheWidthIsRefused() {
        ThreadCounters one = new ThreadCounters(1);
        assertThat(one.sum(0)).isZero();
        assertThatThrownBy(() -> one.add(1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> one.sum(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> one.addEvent(5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new ThreadCounters(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ThreadCounters(17)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Thread> start(IntConsumer work) {
        List<Thread> threads = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < THREADS; t++) {
            int n = t;
            Thread thread = new Thread(() -> {
                await(go);
                work.accept(n);
            });
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        return threads;
    }

    private static void join(List<Thread> threads) throws InterruptedException {
        for (Thread thread : threads) {
            thread.join();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
