package dev.portcullis.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} that tests move by hand, so that expiry, skew, cache TTLs and refresh intervals
 * are tested without sleeping.
 *
 * <pre>{@code
 * MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
 * clock.advance(Duration.ofSeconds(31));
 * }</pre>
 *
 * <p>Thread safety: thread-safe (the instant is volatile).
 */
public final class MutableClock extends Clock {
    private volatile Instant now;

    private MutableClock(Instant now) {
        this.now = now;
    }

    public static MutableClock at(Instant now) {
        return new MutableClock(now);
    }

    /** A clock at the current whole second. */
    public static MutableClock now() {
        return new MutableClock(Instant.ofEpochSecond(Instant.now().getEpochSecond()));
    }

    public synchronized void advance(Duration d) {
        now = now.plus(d);
    }

    public synchronized void set(Instant instant) {
        now = instant;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
