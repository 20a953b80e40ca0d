package io.vigil.telemetry;

/**
 * Reduces a run of points to a fixed budget by splitting it into equal-count buckets and keeping,
 * per bucket, its minimum and maximum in the order they occurred. Unlike LTTB, this keeps every
 * extreme by construction, which matters more to an analyst than visual fidelity of a smooth line:
 * a one-second spike must not vanish from a 24 h chart.
 */
final class MinMaxDownsampler {

    private MinMaxDownsampler() {
    }

    /**
     * @param times ring buffer of times
     * @param values ring buffer of values
     * @param head physical index of the ring's oldest point
     * @param from logical index of the first point to read
     * @param count number of points to read
     * @param maxPoints budget; the result has at most this many points
     */
    static SeriesPoints downsample(long[] times, double[] values, int head, int from, int count, int maxPoints) {
        int buckets = Math.max(1, maxPoints / 2);
        long[] outT = new long[buckets * 2];
        double[] outV = new double[buckets * 2];
        int out = 0;
        int length = times.length;
        int start = head + from;
        if (start >= length) {
            start -= length;
        }
        for (int b = 0; b < buckets; b++) {
            int lo = (int) ((long) b * count / buckets);
            int hi = (int) ((long) (b + 1) * count / buckets);
            if (hi <= lo) {
                continue;
            }
            int minIdx = -1;
            int maxIdx = -1;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            int p = start + lo;
            if (p >= length) {
                p -= length;
            }
            for (int i = lo; i < hi; i++) {
                double v = values[p];
                if (v < min) {
                    min = v;
                    minIdx = p;
                }
                if (v > max) {
                    max = v;
                    maxIdx = p;
                }
                if (++p == length) {
                    p = 0;
                }
            }
            if (minIdx < 0) { // all NaN
                int first = start + lo >= length ? start + lo - length : start + lo;
                outT[out] = times[first];
                outV[out++] = Double.NaN;
                continue;
            }
            int firstIdx = isBefore(minIdx, maxIdx, start, length) ? minIdx : maxIdx;
            int secondIdx = firstIdx == minIdx ? maxIdx : minIdx;
            outT[out] = times[firstIdx];
            outV[out++] = values[firstIdx];
            if (secondIdx != firstIdx) {
                outT[out] = times[secondIdx];
                outV[out++] = values[secondIdx];
            }
        }
        return new SeriesPoints(outT, outV, out);
    }

    private static boolean isBefore(int physA, int physB, int start, int length) {
        int la = physA >= start ? physA - start : physA + length - start;
        int lb = physB >= start ? physB - start : physB + length - start;
        return la <= lb;
    }
}
