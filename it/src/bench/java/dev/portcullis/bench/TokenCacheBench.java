package dev.portcullis.bench;

import dev.portcullis.Portcullis;
import dev.portcullis.token.TokenCache;
import dev.portcullis.token.VerifiedToken;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The token cache's hit path on Caffeine against, in the same run, the hand-written map it
 * replaced (a {@link ConcurrentHashMap} keyed by the same length-and-signature-tail hash, with the
 * same expiry check), each filled with 10,000 verified tokens and asked for one by an equal but
 * distinct string, as each request brings. The replacement is kept only if it costs at most 20%
 * more (BENCHMARKS.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2)
@State(Scope.Benchmark)
public class TokenCacheBench {
    private static final int ENTRIES = 10_000;

    TokenCache caffeine;
    ConcurrentHashMap<HandKey, HandEntry> handRolled;
    Clock clock = Clock.systemUTC();
    String probe;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        caffeine = TokenCache.builder().maxEntries(ENTRIES).build();
        handRolled = new ConcurrentHashMap<>(ENTRIES * 4 / 3 + 1);
        String base = Fixture.token("RS256", "bob");
        VerifiedToken verified;
        try (Portcullis engine = Fixture.engine(Fixture.workDir("tokencache"))) {
            verified = engine.authenticate(List.of("Bearer " + base), List.of());
        }
        for (int i = 0; i < ENTRIES; i++) {
            // distinct strings of a real token's length and shape: a different signature tail each
            String token = base.substring(0, base.length() - 8) + String.format("%08d", i);
            caffeine.put(token, verified, caffeine.generation());
            handRolled.put(new HandKey(token), new HandEntry(verified, Long.MAX_VALUE));
        }
        String chosen = base.substring(0, base.length() - 8) + String.format("%08d", ENTRIES / 2);
        probe = new String(chosen.toCharArray());
    }

    @Benchmark
    public VerifiedToken caffeineHit() {
        return caffeine.get(probe);
    }

    @Benchmark
    public VerifiedToken handRolledHit() {
        HandEntry e = handRolled.get(new HandKey(probe));
        return e != null && clock.millis() < e.expiresAtMillis ? e.token : null;
    }

    /** The replaced cache's key: the whole token, hashed over its length and last 32 characters. */
    static final class HandKey {
        final String token;
        final int hash;

        HandKey(String token) {
            this.token = token;
            int n = token.length();
            int h = n;
            for (int i = Math.max(0, n - 32); i < n; i++) {
                h = 31 * h + token.charAt(i);
            }
            this.hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof HandKey && ((HandKey) o).hash == hash && ((HandKey) o).token.equals(token);
        }
    }

    static final class HandEntry {
        final VerifiedToken token;
        final long expiresAtMillis;

        HandEntry(VerifiedToken token, long expiresAtMillis) {
            this.token = token;
            this.expiresAtMillis = expiresAtMillis;
        }
    }
}
