package io.vigil.ui.chart;

import io.vigil.telemetry.SeriesPoints;

/** One line of a {@link TimeSeriesChart}: its name, CSS colour variable index (1–8) and points. */
public record ChartSeries(String name, int colorIndex, SeriesPoints points) {
}
