package io.vigil.ui.fleet;

import io.vigil.fleet.FleetMetric;
import io.vigil.telemetry.SeriesPoints;
import java.util.List;
import java.util.Map;

/**
 * One node's chart data as fetched from the fleet reader: per metric, one series per GPU, over
 * {@code [fromMillis, toMillis]} at most {@code maxPoints} points a series (the reader's step follows:
 * {@link io.vigil.fleet.prometheus.RangeStep}). {@code zoomed} is true for a range the user zoomed
 * or typed, false for the window up to now. {@code problem} says why some or all of it is missing.
 */
record NodeHistory(String node, long fromMillis, long toMillis, int maxPoints, boolean zoomed,
                   Map<FleetMetric, List<GpuSeries>> series, String problem) {

    static final NodeHistory EMPTY = new NodeHistory("", 0, 1, 1, false, Map.of(), "");

    NodeHistory {
        series = Map.copyOf(series);
        problem = problem == null ? "" : problem;
    }

    /** One GPU's points of one metric. */
    record GpuSeries(int gpuIndex, String uuid, SeriesPoints points) {
    }

    /** The step the reader used for this range (Prometheus's query_range step), in ms. */
    long stepMillis() {
        return io.vigil.fleet.prometheus.RangeStep.choose(java.time.Instant.ofEpochMilli(fromMillis),
                java.time.Instant.ofEpochMilli(Math.max(toMillis, fromMillis + 1)), maxPoints).toMillis();
    }

    List<GpuSeries> of(FleetMetric metric) {
        return series.getOrDefault(metric, List.of());
    }
}
