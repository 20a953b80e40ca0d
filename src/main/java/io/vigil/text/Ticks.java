package io.vigil.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Round axis ticks for a value range in a {@link Unit}: the values, the step, and their labels.
 *
 * @param values tick positions in the metric's own unit (bytes, watts, …), ascending
 * @param step distance between ticks in the metric's own unit
 * @param labels one label per value, in the unit's scaled form ("16 GiB", "250 W", "$250", "$1.5k")
 */
public record Ticks(List<Double> values, double step, List<String> labels) {

    public Ticks {
        values = List.copyOf(values);
        labels = List.copyOf(labels);
    }

    /** The lowest tick (the axis' lower bound). */
    public double first() {
        return values.getFirst();
    }

    /** The highest tick (the axis' upper bound). */
    public double last() {
        return values.getLast();
    }

    /**
     * The label of the tick at {@code value} (within a millionth of a step, as an axis computes
     * {@code lower + i * step}); null when {@code value} is not one of the ticks.
     */
    public String labelAt(double value) {
        for (int i = 0; i < values.size(); i++) {
            if (Math.abs(values.get(i) - value) <= Math.abs(step) * 1e-6) {
                return labels.get(i);
            }
        }
        return null;
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
            if (unit == Unit.USD || unit == Unit.USD_PER_HOUR) {
                step = moneyStep((max - min) / (count - 1), step);
            }
        }
        double first = Math.floor(min / step) * step;
        double last = Math.ceil(max / step) * step;
        List<Double> values = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        boolean money = unit == Unit.USD || unit == Unit.USD_PER_HOUR;
        // Money axes above $10,000 read in thousands or millions ("$15k", "$2.5M"): the prefix is
        // the "prefix" of the byte units, a power of 1000 here.
        if (money) {
            prefix = moneyPrefix(Math.max(Math.abs(first), Math.abs(last)));
        }
        int decimals = binary ? decimalsFor(step / Math.pow(1024, prefix))
                : money ? moneyDecimals(step / Math.pow(1000, prefix), prefix) : decimalsFor(step);
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
            case USD -> moneyLabel(v, prefix, decimals);
            case USD_PER_HOUR -> moneyLabel(v, prefix, decimals) + "/h";
            case PERCENT -> Unit.trim(v, decimals) + " %";
            case WATTS -> Unit.grouped(v, decimals) + " W";
            case CELSIUS -> Unit.trim(v, decimals) + " °C";
            case MEGAHERTZ -> Unit.grouped(v, decimals) + " MHz";
            case JOULES -> Unit.grouped(v, decimals) + " J";
            case SECONDS -> Unit.trim(v, decimals) + " s";
            case NONE -> Unit.grouped(v, decimals);
        };
    }

    /** "$250", "-$1,500", "$0.25", "$15k", "$2.5M": the sign before the dollar, as {@link Unit#money}. */
    private static String moneyLabel(double v, int prefix, int decimals) {
        if (v == 0) {
            return prefix == 0 ? "$" + Unit.grouped(0, decimals) : "$0";
        }
        String digits = Unit.grouped(Math.abs(v) / Math.pow(1000, prefix), decimals);
        if (prefix > 0 && digits.indexOf('.') >= 0) {
            digits = digits.replaceAll("0+$", "").replaceAll("\\.$", ""); // "$5k" beside "$2.5k", not "$5.0k"
        }
        return (v < 0 ? "-$" : "$") + digits + MONEY_PREFIXES[prefix];
    }

    /**
     * Money also steps by 25 × 10^n ($250, $2.5k): a budget reads in quarters. Not below $25, where
     * "$2.50" steps would show cents on a dollar axis.
     */
    private static double moneyStep(double raw, double decimalStep) {
        if (!(raw > 0)) {
            return decimalStep;
        }
        double quarter = 2.5 * Math.pow(10, Math.floor(Math.log10(raw / 2.5)));
        if (quarter < raw) {
            quarter *= 10;
        }
        return quarter >= 25 && quarter < decimalStep ? quarter : decimalStep;
    }

    private static final String[] MONEY_PREFIXES = {"", "k", "M", "B"};

    /** Whole dollars below $10,000 ("$7,500"), then k below $1 M ("$250k"), M below $1 B, then B. */
    private static int moneyPrefix(double largest) {
        if (largest < 10_000) {
            return 0;
        }
        int prefix = 1;
        while (prefix < MONEY_PREFIXES.length - 1 && largest >= Math.pow(1000, prefix + 1)) {
            prefix++;
        }
        return prefix;
    }

    /** Whole dollars when the step is; cents (two decimals, "$0.50" not "$0.5") below a dollar. */
    private static int moneyDecimals(double scaledStep, int prefix) {
        int d = decimalsFor(scaledStep);
        return prefix == 0 && d > 0 ? Math.max(2, d) : d;
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
