package dev.portcullis;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A decision's {@code attribute_age_ms} is computed without {@link Duration}: the same milliseconds
 * as {@code Duration.between(from, to).toMillis()} (cut toward zero), for ages forward and backward (a clock
 * stepped back) and across second boundaries.
 */
class DeciderMillisTest {
    @Test
    void millisBetweenWhenAnyTwoInstantsThenAsDuration() {
        SplittableRandom random = new SplittableRandom(19);
        Instant base = Instant.parse("2026-12-02T12:00:00Z");
        for (int i = 0; i < 200_000; i++) {
            Instant from = base.plusSeconds(random.nextLong(-100_000, 100_000)).plusNanos(random.nextInt(1_000_000_000));
            Instant to = random.nextInt(4) == 0
                    ? from.plusNanos(random.nextLong(-3_000_000_000L, 3_000_000_000L)) // near: within seconds
                    : base.plusSeconds(random.nextLong(-100_000, 100_000)).plusNanos(random.nextInt(1_000_000_000));
            assertThat(Decider.millisBetween(from, to)).as("%s -> %s", from, to)
                    .isEqualTo(Duration.between(from, to).toMillis());
        }
        Instant t = Instant.parse("2026-12-02T12:00:01.000000001Z");
        assertThat(Decider.millisBetween(t, t)).isZero();
        assertThat(Decider.millisBetween(t, t.minusNanos(1))).as("cut toward zero").isZero();
        assertThat(Decider.millisBetween(t, t.minusNanos(1_000_000))).isEqualTo(-1);
        assertThat(Decider.millisBetween(t, t.plusNanos(999_999))).isZero();
        assertThat(Decider.millisBetween(t, t.plusNanos(1_000_000))).isEqualTo(1);
    }
}
