package io.vigil.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Round axis ticks for a value range in a {@link Unit}: the values, the step, and their labels.
 *
 * @param values tick positions in the metric's own unit (bytes, watts, …), ascending
 * @param step distance between ticks in the metric's own unit
 * @param labels one label per value, in the unit's scaled form ("16 GiB", "250 W")
 */
public record Ticks(List<Double> values, double step, List<String> labels) {

    public Ticks {
        values = List.copyOf(values);
        labels = List.copyOf(labels);
    }

    static Ticks round(Unit unit, double min, double max, int maxTicks) {
        if (!(max > min) || Double.isNaN(min) || Double.isInfinite(max - min)) {
            // One value (or none): a small band around it so the axis still has round ends.
            double centre = Double.isNaN(min) ? 0 : min;
            double pad = centre == 0 ? 1 : Math.abs(centre) * 0.1;
            min = centre - pad;
            max = centre + pad;
            if (centre >= 0 && min < 0) {
                min = 0;
            }
        }
        int count = Math.max(2, maxTicks);
        boolean binary = unit == Unit.BYTES || unit == Unit.BYTES_PER_SECOND;
        double step;
        int prefix = 0;
        if (binary) {
            prefix = Unit.bytePrefixIndex(Math.max(Math.abs(min), Math.abs(max)));
            double scale = Math.pow(1024, prefix);
            step = niceStep((max - min) / scale / (count - 1), true) * scale;
        } else {
            step = niceStep((max - min) / (count - 1), false);
        }
        double first = Math.floor(min / step) * step;
        double last = Math.ceil(max / step) * step;
        List<Double> values = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        int decimals = binary ? decimalsFor(step / Math.pow(1024, prefix)) : decimalsFor(step);
        for (int i = 0; first + i * step <= last + step / 2 && i < 1000; i++) {
            double v = first + i * step;
            if (Math.abs(v) < step * 1e-9) {
                v = 0;
            }
            values.add(v);
            labels.add(label(unit, v, prefix, decimals));
        }
        return new Ticks(values, step, labels);
    }

    private static String label(Unit unit, double v, int prefix, int decimals) {
        return switch (unit) {
            case BYTES -> Unit.trim(v / Math.pow(1024, prefix), decimals) + " " + Unit.bytePrefix(prefix);
            case BYTES_PER_SECOND -> Unit.trim(v / Math.pow(1024, prefix), decimals) + " "
                    + Unit.bytePrefix(prefix) + "/s";
            case USD -> "$" + Unit.grouped(v, decimals);
            case USD_PER_HOUR -> "$" + Unit.grouped(v, decimals) + "/h";
            case PERCENT -> Unit.trim(v, decimals) + " %";
            case WATTS -> Unit.grouped(v, decimals) + " W";
            case CELSIUS -> Unit.trim(v, decimals) + " °C";
            case MEGAHERTZ -> Unit.grouped(v, decimals) + " MHz";
            case JOULES -> Unit.grouped(v, decimals) + " J";
            case SECONDS -> Unit.trim(v, decimals) + " s";
            case NONE -> Unit.grouped(v, decimals);
        };
    }

    private static int decimalsFor(double step) {
        int d = 0;
        while (d < 6 && Math.abs(step * Math.pow(10, d) - Math.rint(step * Math.pow(10, d))) > 1e-6) {
            d++;
        }
        return d;
    }

    /** 1, 2, 5 × 10^n at or above {@code raw}; for binary units 1, 2, 4, 8, 16 … 512 below 1024. */
    private static double niceStep(double raw, boolean binary) {
        if (raw <= 0 || Double.isNaN(raw)) {
            return 1;
        }
        if (binary && raw >= 1) {
            double p = 1;
            while (p < raw) {
                p *= 2;
            }
            return p;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / magnitude;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * magnitude;
    }
}
