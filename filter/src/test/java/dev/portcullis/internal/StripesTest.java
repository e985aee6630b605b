package dev.portcullis.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StripesTest {
    /** More threads than stripes, so that some share one: the sums are exact all the same. */
    private static final int THREADS = Stripes.STRIPES * 2;
    private static final int EACH = 5_000;

    @Test
    void concurrentEventsAreAllCountedWithTheirTime() throws Exception {
        Stripes times = new Stripes(2);
        race(t -> {
            for (int i = 0; i < EACH; i++) {
                times.addEvent(t + 1);
            }
        });
        assertThat(times.sum(0)).isEqualTo((long) THREADS * EACH);
        assertThat(times.sum(1)).isEqualTo((long) EACH * THREADS * (THREADS + 1) / 2);
    }

    @Test
    void concurrentAddsToSeveralCountersStayApart() throws Exception {
        Stripes counters = new Stripes(3);
        race(t -> {
            for (int i = 0; i < EACH; i++) {
                counters.add(0, 1);
                counters.add(2, 10);
            }
        });
        assertThat(counters.sum(0)).isEqualTo((long) THREADS * EACH);
        assertThat(counters.sum(1)).isZero();
        assertThat(counters.sum(2)).isEqualTo(10L * THREADS * EACH);
    }

    @Test
    void nextUniqueNeverRepeatsAcrossThreads() throws Exception {
        Stripes ids = new Stripes(1);
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        race(t -> {
            for (int i = 0; i < EACH; i++) {
                assertThat(seen.add(ids.nextUnique())).isTrue();
            }
        });
        assertThat(seen).hasSize(THREADS * EACH);
        assertThat(ids.sum(0)).as("each id counted").isEqualTo((long) THREADS * EACH);
    }

    @Test
    void aCounterOutsideTheWidthIsRefused() {
        Stripes one = new Stripes(1);
        assertThat(one.sum(0)).isZero();
        assertThatThrownBy(() -> one.add(1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> one.sum(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> one.addEvent(5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new Stripes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Stripes(17)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stripesArePowersOfTwoFromEightToSixtyFourAndConsecutiveThreadIdsSpread() {
        assertThat(Stripes.stripes(1)).isEqualTo(8);
        assertThat(Stripes.stripes(2)).isEqualTo(16);
        assertThat(Stripes.stripes(3)).isEqualTo(32);
        assertThat(Stripes.stripes(1000)).isEqualTo(64);
        Set<Integer> used = new HashSet<>();
        for (long id = 100; id < 100 + Stripes.STRIPES; id++) {
            int stripe = Stripes.stripe(id);
            assertThat(stripe).isBetween(0, Stripes.STRIPES - 1);
            used.add(stripe);
        }
        // as many consecutive ids as stripes land on most of them, not on a few
        assertThat(used.size()).isGreaterThanOrEqualTo(Stripes.STRIPES / 2);
    }

    private static void race(IntConsumer work) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int n = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    work.accept(n);
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
    }
}
