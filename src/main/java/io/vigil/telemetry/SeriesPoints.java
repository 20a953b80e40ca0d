package io.vigil.telemetry;

import java.util.Arrays;

/**
 * A read-only copy of points from one series: parallel primitive arrays, oldest first, of which the
 * first {@code size} entries are valid. Times are epoch milliseconds.
 */
public record SeriesPoints(long[] times, double[] values, int size) {

    public static final SeriesPoints EMPTY = new SeriesPoints(new long[0], new double[0], 0);

    /** These points followed by {@code later}'s (older history before live points, say). */
    public SeriesPoints followedBy(SeriesPoints later) {
        if (isEmpty()) {
            return later;
        }
        if (later.isEmpty()) {
            return this;
        }
        long[] t = new long[size + later.size];
        double[] v = new double[t.length];
        System.arraycopy(times, 0, t, 0, size);
        System.arraycopy(values, 0, v, 0, size);
        System.arraycopy(later.times, 0, t, size, later.size);
        System.arraycopy(later.values, 0, v, size, later.size);
        return new SeriesPoints(t, v, t.length);
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public double lastValue() {
        if (size == 0) {
            throw new IllegalStateException("no points");
        }
        return values[size - 1];
    }

    public long lastTime() {
        if (size == 0) {
            throw new IllegalStateException("no points");
        }
        return times[size - 1];
    }

    public double max() {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            max = Math.max(max, values[i]);
        }
        return max;
    }

    public double min() {
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            min = Math.min(min, values[i]);
        }
        return min;
    }

    @Override
    public String toString() {
        return "SeriesPoints[size=" + size + ", times=" + Arrays.toString(Arrays.copyOf(times, Math.min(size, 8)))
                + (size > 8 ? "…" : "") + "]";
    }
}
