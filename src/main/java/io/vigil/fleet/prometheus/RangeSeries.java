package io.vigil.fleet.prometheus;

import io.vigil.telemetry.SeriesPoints;
import java.util.Map;

/** One series of a {@code query_range} answer: its labels and its points (epoch ms, values). Immutable. */
public record RangeSeries(Map<String, String> labels, SeriesPoints points) {

    public RangeSeries {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
