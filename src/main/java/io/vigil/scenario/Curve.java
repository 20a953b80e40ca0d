package io.vigil.scenario;

import java.util.Arrays;

/**
 * A value over scenario time: points (offset ms, value) joined by straight lines, held flat before
 * the first and after the last, plus optional jitter. Jitter is a deterministic function of the
 * offset and a seed, so a scenario replays identically. Immutable.
 */
public record Curve(long[] offsetsMillis, double[] values, double jitter, long seed) {

    public Curve {
        if (offsetsMillis.length == 0 || offsetsMillis.length != values.length) {
            throw new IllegalArgumentException("a curve needs at least one [offset, value] point");
        }
        for (int i = 1; i < offsetsMillis.length; i++) {
            if (offsetsMillis[i] < offsetsMillis[i - 1]) {
                throw new IllegalArgumentException("curve points must be in time order");
            }
        }
        offsetsMillis = offsetsMillis.clone();
        values = values.clone();
    }

    public static Curve constant(double value) {
        return new Curve(new long[] {0}, new double[] {value}, 0, 0);
    }

    /** The value at {@code offsetMillis} into the scenario. */
    public double at(long offsetMillis) {
        int i = Arrays.binarySearch(offsetsMillis, offsetMillis);
        double base;
        if (i >= 0) {
            base = values[i];
        } else {
            int next = -i - 1;
            if (next == 0) {
                base = values[0];
            } else if (next == offsetsMillis.length) {
                base = values[values.length - 1];
            } else {
                long t0 = offsetsMillis[next - 1];
                long t1 = offsetsMillis[next];
                double f = (double) (offsetMillis - t0) / (t1 - t0);
                base = values[next - 1] + f * (values[next] - values[next - 1]);
            }
        }
        if (jitter == 0) {
            return base;
        }
        // One noise value per second of scenario time: steady under repeated reads of one instant.
        long h = (offsetMillis / 1000) * 0x9E3779B97F4A7C15L ^ seed;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        double unit = (h >>> 11) * 0x1.0p-53 * 2 - 1;
        return base + unit * jitter;
    }

    /**
     * The area under the curve without its jitter from offset 0 to {@code toMillis}, in value ×
     * milliseconds (for a power curve in watts: millijoules). Exact for the straight-line segments.
     */
    public double integralFromZero(long toMillis) {
        if (toMillis <= 0) {
            return 0;
        }
        double area = 0;
        long t = 0;
        double v = base(0);
        for (int i = 0; i < offsetsMillis.length && offsetsMillis[i] < toMillis; i++) {
            if (offsetsMillis[i] > t) {
                double next = values[i];
                area += (v + next) / 2 * (offsetsMillis[i] - t);
                t = offsetsMillis[i];
            }
            v = values[i];
        }
        double end = base(toMillis);
        area += (v + end) / 2 * (toMillis - t);
        return area;
    }

    /** The value at {@code offsetMillis} without jitter. */
    private double base(long offsetMillis) {
        return new Curve(offsetsMillis, values, 0, 0).at(offsetMillis);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Curve c && Arrays.equals(offsetsMillis, c.offsetsMillis) && Arrays.equals(values, c.values)
                && jitter == c.jitter && seed == c.seed;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(offsetsMillis) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Curve" + Arrays.toString(values);
    }
}
