package io.vigil.telemetry;

import java.util.Objects;

/**
 * One reading of one series: the metric, when it was taken (epoch milliseconds) and its value in
 * the unit the metric name states ({@code _bytes}, {@code _percent}, {@code _per_s}, …).
 */
public record Sample(MetricId metric, long epochMillis, double value) {

    public Sample {
        Objects.requireNonNull(metric, "metric");
    }

    public static Sample of(MetricId metric, long epochMillis, double value) {
        return new Sample(metric, epochMillis, value);
    }
}
