package io.vigil.ui.fleet;

import io.vigil.fleet.FleetGpu;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * What the heat grid colours its cells by. Each metric has four stop values that map onto the
 * four colours of the scale (idle, ok, warning, danger: looked up from CSS), chosen so that the
 * warning and danger stops match the default rules (85 °C warns, 90 °C is critical) and a busy
 * training GPU (80–95 %) reads as working, a GPU pinned at 100 % (a miner's shape) as danger.
 */
enum HeatMetric {
    UTILIZATION("Utilization", "%", new double[] {0, 50, 90, 100}),
    TEMPERATURE("Temperature", "°C", new double[] {30, 65, 85, 90}),
    POWER("Power vs limit", "% of limit", new double[] {0, 50, 85, 100}),
    MEMORY("Memory used", "% of total", new double[] {0, 50, 85, 100}),
    ERRORS("ECC / XID", "errors", new double[] {0, 0.5, 1, 4});

    private final String title;
    private final String unit;
    private final double[] stops;

    HeatMetric(String title, String unit, double[] stops) {
        this.title = title;
        this.unit = unit;
        this.stops = stops;
    }

    String title() {
        return title;
    }

    String unit() {
        return unit;
    }

    /** The value of the four colour stops, lowest first. */
    double stop(int i) {
        return stops[i];
    }

    double min() {
        return stops[0];
    }

    double max() {
        return stops[stops.length - 1];
    }

    /** This metric's value for a GPU; empty when its exporter does not publish it. */
    OptionalDouble value(FleetGpu g) {
        return switch (this) {
            case UTILIZATION -> g.utilizationPercent();
            case TEMPERATURE -> g.temperatureC();
            case POWER -> g.powerPercentOfLimit();
            case MEMORY -> g.memoryPercent();
            case ERRORS -> errors(g);
        };
    }

    /** Uncorrected ECC errors plus one when the last XID is an error (XID 0 means none seen). */
    static OptionalDouble errors(FleetGpu g) {
        if (g.eccErrors().isEmpty() && g.xidLast().isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(g.eccErrors().orElse(0) + (g.xidLast().orElse(0) > 0 ? 1 : 0));
    }

    /**
     * Where {@code v} sits on the colour scale, 0 to 1: the stops are equally spaced on the scale,
     * values between two stops are placed linearly between them.
     */
    double position(double v) {
        if (Double.isNaN(v) || v <= stops[0]) {
            return 0;
        }
        for (int i = 1; i < stops.length; i++) {
            if (v <= stops[i]) {
                double f = (v - stops[i - 1]) / (stops[i] - stops[i - 1]);
                return (i - 1 + f) / (stops.length - 1);
            }
        }
        return 1;
    }

    /** The value with its unit, as the legend and tooltip print it ("87 %", "72 °C", "2 errors"). */
    String format(double v) {
        return switch (this) {
            case ERRORS -> String.format(Locale.ROOT, "%.0f %s", v, v == 1 ? "error" : "errors");
            case TEMPERATURE -> String.format(Locale.ROOT, "%.0f °C", v);
            default -> String.format(Locale.ROOT, "%.0f %s", v, unit);
        };
    }

    @Override
    public String toString() {
        return title;
    }
}
