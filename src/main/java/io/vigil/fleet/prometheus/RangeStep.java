package io.vigil.fleet.prometheus;

import java.time.Duration;
import java.time.Instant;

/**
 * The step of a {@code query_range}: Prometheus refuses more than {@value #MAX_POINTS_PER_SERIES}
 * points per series, and a chart wants no more points than it has pixels, so the step is the larger
 * of {@code ceil(range / 11000)} and {@code ceil(range / (maxPoints - 1))}, and at least one second
 * (no exporter is scraped faster). Stateless.
 */
public final class RangeStep {

    /** Prometheus's own limit ({@code end - start) / step > 11000} is refused). */
    public static final int MAX_POINTS_PER_SERIES = 11_000;
    static final long MIN_STEP_MILLIS = 1000;

    private RangeStep() {
    }

    /** The step for {@code [start, end]} at most {@code maxPoints} points per series. */
    public static Duration choose(Instant start, Instant end, int maxPoints) {
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("the range must end after it starts: " + start + " .. " + end);
        }
        long range = Duration.between(start, end).toMillis();
        long byLimit = Math.ceilDiv(range, MAX_POINTS_PER_SERIES);
        long byPoints = Math.ceilDiv(range, Math.max(1, maxPoints - 1));
        return Duration.ofMillis(Math.max(MIN_STEP_MILLIS, Math.max(byLimit, byPoints)));
    }
}
