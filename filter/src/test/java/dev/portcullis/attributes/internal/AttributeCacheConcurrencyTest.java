package dev.portcullis.attributes.internal;

import dev.portcullis.attributes.AttributeSource;
import dev.portcullis.attributes.PrincipalAttributes;
import dev.portcullis.attributes.PrincipalStatus;
import dev.portcullis.testing.MutableClock;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * Revocation under load: readers hammer one subject while another thread disables it in the store
 * and calls revoke(). Order is measured with one sequence counter shared by every thread (not
 * wall time): a get whose start number is above the number taken right after revoke() returned
 * started after it, and must not see the data of before the revoke.
 */
class AttributeCacheConcurrencyTest {
    private static final String ISSUER = "https://idp.example";
    private static final int READERS = 8;
    private static final Duration TTL = Duration.ofHours(1);

    /** A store holding one principal whose status and "round" (its version) change. */
    private interface Store {
        void set(PrincipalStatus status, long round) throws Exception;

        AttributeSource source();
    }

    /** In memory; loads dawdle a little after reading, to widen the in-flight window. */
    private static final class MemoryStore implements Store, AttributeSource {
        private PrincipalStatus status = PrincipalStatus.ACTIVE;
        private long round;
        private final MutableClock clock;

        MemoryStore(MutableClock clock) {
            this.clock = clock;
        }

        @Override
        public synchronized void set(PrincipalStatus status, long round) {
            this.round = round;
            this.status = status;
        }

        @Override
        public AttributeSource source() {
            return this;
        }

        @Override
        public PrincipalAttributes load(String issuer, String subject) {
            PrincipalStatus s;
            long r;
            synchronized (this) {
                s = status;
                r = round;
            }
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(500_000));
            return PrincipalAttributes.builder(issuer, subject).status(s).version(Long.toString(r))
                    .loadedAt(clock.instant()).build();
        }
    }

    /** H2 with the shipped schema, read by JdbcAttributeSource, updated with plain SQL. */
    private static final class H2Store implements Store, AutoCloseable {
        private final Connection connection;
        private final JdbcAttributeSource source;

        H2Store(MutableClock clock) throws Exception {
            String url = "jdbc:h2:mem:hammer-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=0";
            connection = DriverManager.getConnection(url, "sa", "");
            SqlScript.run(connection, SqlScript.SCHEMA);
            JdbcAttributeSourceContract.principal(connection, ISSUER, "alice", "ACTIVE", 0L);
            JdbcDataSource ds = new JdbcDataSource();
            ds.setURL(url);
            ds.setUser("sa");
            ds.setPassword("");
            source = JdbcAttributeSource.builder().dataSource(ds).clock(clock).build();
        }

        @Override
        public void set(PrincipalStatus status, long round) throws SQLException {
            try (PreparedStatement ps = connection.prepareStatement(
                    "UPDATE portcullis_principal SET status = ?, version = ? WHERE subject = 'alice'")) {
                ps.setString(1, status.name());
                ps.setLong(2, round);
                ps.executeUpdate();
            }
        }

        @Override
        public AttributeSource source() {
            return source;
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    @Test
    void revokeWhenReadersHammerOneSubjectThenNoActiveResultStartsAfterRevokeReturned() throws Exception {
        MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
        hammer(clock, new MemoryStore(clock), 300);
    }

    @Test
    void revokeWhenReadersHammerOneSubjectInH2ThenNoActiveResultStartsAfterRevokeReturned() throws Exception {
        MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
        try (H2Store store = new H2Store(clock)) {
            hammer(clock, store, 80);
        }
    }

    private static void hammer(MutableClock clock, Store store, int rounds) throws Exception {
        AttributeCache cache = AttributeCache.builder().source(store.source()).clock(clock)
                .ttl(TTL).staleWindow(Duration.ofHours(1))
                .loadTimeout(Duration.ofSeconds(30)).build();
        AtomicLong sequence = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        AtomicLongArray revokedAt = new AtomicLongArray(rounds + 1);
        for (int r = 0; r <= rounds; r++) {
            revokedAt.set(r, Long.MAX_VALUE);
        }
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        try {
            List<Future<long[]>> readers = new ArrayList<>();
            for (int t = 0; t < READERS; t++) {
                readers.add(pool.submit(() -> {
                    // per round: the highest start number of a get answered ACTIVE with that
                    // round's data; the last slot counts DISABLED answers
                    long[] maxActiveStart = new long[rounds + 2];
                    while (!stop.get()) {
                        long start = sequence.incrementAndGet();
                        PrincipalAttributes p = cache.get(ISSUER, "alice");
                        int round = Integer.parseInt(p.version().orElseThrow());
                        if (p.isActive()) {
                            maxActiveStart[round] = Math.max(maxActiveStart[round], start);
                        } else {
                            maxActiveStart[rounds + 1]++;
                        }
                        completed.incrementAndGet();
                    }
                    return maxActiveStart;
                }));
            }
            Random random = new Random(42);
            for (int r = 1; r <= rounds; r++) {
                store.set(PrincipalStatus.ACTIVE, r);
                cache.evict(ISSUER, "alice");
                awaitProgress(completed, 1 + random.nextInt(50));
                // expire the entry so that readers start a load of this round's ACTIVE data,
                // and disable while that load is (often) still in flight
                clock.advance(TTL);
                for (int spin = random.nextInt(20_000); spin > 0; spin--) {
                    Thread.onSpinWait();
                }
                store.set(PrincipalStatus.DISABLED, r);
                cache.revoke(ISSUER, "alice");
                revokedAt.set(r, sequence.incrementAndGet());
                awaitProgress(completed, 20);
            }
            stop.set(true);

            long violations = 0;
            long activeRounds = 0;
            long disabled = 0;
            for (Future<long[]> f : readers) {
                long[] maxActiveStart = f.get(60, TimeUnit.SECONDS);
                for (int round = 1; round <= rounds; round++) {
                    if (maxActiveStart[round] > revokedAt.get(round)) {
                        violations++;
                    } else if (maxActiveStart[round] > 0) {
                        activeRounds++;
                    }
                }
                disabled += maxActiveStart[rounds + 1];
            }
            assertThat(violations).as("ACTIVE answers to gets that started after revoke() returned")
                    .isZero();
            // the positive twin inside the same run: readers did see ACTIVE before each revoke
            // and DISABLED after it
            assertThat(activeRounds).isPositive();
            assertThat(disabled).isPositive();
            assertThat(cache.revocations()).isEqualTo(rounds);
        } finally {
            stop.set(true);
            pool.shutdownNow();
            cache.close();
        }
    }

    private static void awaitProgress(AtomicLong completed, long gets) throws InterruptedException {
        long target = completed.get() + gets;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (completed.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("readers made no progress");
            }
            Thread.sleep(1);
        }
    }
}
