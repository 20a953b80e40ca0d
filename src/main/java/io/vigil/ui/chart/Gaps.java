package io.vigil.ui.chart;

import io.vigil.telemetry.SeriesPoints;
import java.util.Arrays;

/**
 * Where a line must break: at NaN samples and where two samples are further apart than
 * {@link #FACTOR} times the expected step, so a lost GPU's 30 s outage reads as a gap, not as a
 * straight line across it. Stateless; safe from any thread.
 */
final class Gaps {

    /** A gap is more than this many expected steps without a sample. */
    static final double FACTOR = 2.5;

    private Gaps() {
    }

    /** The median distance between consecutive samples, in ms; 0 with fewer than two samples. */
    static long medianStep(SeriesPoints p) {
        if (p.size() < 2) {
            return 0;
        }
        long[] d = new long[p.size() - 1];
        for (int i = 1; i < p.size(); i++) {
            d[i - 1] = p.times()[i] - p.times()[i - 1];
        }
        Arrays.sort(d);
        return d[d.length / 2];
    }

    /**
     * The largest distance between two samples that still joins them. At least two pixels' worth of
     * time: a min/max-downsampled series (two points per pixel bucket, at any place in the bucket)
     * has steps of up to two buckets that are not gaps.
     */
    static double threshold(long medianStep, double millisPerPixel) {
        return FACTOR * Math.max(medianStep, 2 * millisPerPixel);
    }
}
