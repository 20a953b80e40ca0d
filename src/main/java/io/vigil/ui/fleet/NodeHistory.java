package io.vigil.ui.fleet;

import io.vigil.fleet.FleetMetric;
import io.vigil.telemetry.SeriesPoints;
import java.util.List;
import java.util.Map;

/**
 * One node's chart data as fetched from the fleet reader: per metric, one series per GPU, over
 * {@code [fromMillis, toMillis]}. {@code problem} says why some or all of it is missing.
 */
record NodeHistory(String node, long fromMillis, long toMillis, Map<FleetMetric, List<GpuSeries>> series,
                   String problem) {

    static final NodeHistory EMPTY = new NodeHistory("", 0, 1, Map.of(), "");

    NodeHistory {
        series = Map.copyOf(series);
        problem = problem == null ? "" : problem;
    }

    /** One GPU's points of one metric. */
    record GpuSeries(int gpuIndex, String uuid, SeriesPoints points) {
    }

    List<GpuSeries> of(FleetMetric metric) {
        return series.getOrDefault(metric, List.of());
    }
}
