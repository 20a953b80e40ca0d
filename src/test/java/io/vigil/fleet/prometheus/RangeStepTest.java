package io.vigil.fleet.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RangeStepTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void neverMoreThanElevenThousandPointsPerSeries() {
        Duration week = Duration.ofDays(7);
        Duration step = RangeStep.choose(T0, T0.plus(week), 1_000_000);
        assertEquals((long) Math.ceil(week.toMillis() / 11000.0), step.toMillis());
        assertTrue(week.toMillis() / step.toMillis() <= 11000);
    }

    @Test
    void atMostTheRequestedPoints() {
        Duration step = RangeStep.choose(T0, T0.plus(Duration.ofHours(1)), 800);
        long points = Duration.ofHours(1).toMillis() / step.toMillis() + 1;
        assertTrue(points <= 800, "points " + points);
        assertTrue(points >= 790, "not far fewer either: " + points);
    }

    @Test
    void neverFinerThanASecond() {
        assertEquals(Duration.ofSeconds(1), RangeStep.choose(T0, T0.plusSeconds(30), 2000));
    }
}
