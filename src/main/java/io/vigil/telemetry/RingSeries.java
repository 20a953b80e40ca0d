package io.vigil.telemetry;

/**
 * One series as a ring of primitive chunks (times in epoch ms, values), no object per point.
 *
 * <p>Why chunks of {@value #CHUNK} points rather than one array per series: a day of 1 s samples is
 * 691 KB per array, which G1 allocates as a "humongous" object rounded up to whole 1 MB regions,
 * wasting about a third of the heap. 32 KB chunks are ordinary objects; they are allocated only as
 * the series fills, so a series that only ever gets a few points (one per network interface, say)
 * costs one chunk. Capacity is rounded up to whole chunks; once full, the oldest point is
 * overwritten.
 *
 * <p>Thread-safe: appends and reads lock the series; a downsampled read of a full day of 1 s
 * points holds the lock for well under a millisecond.
 */
public final class RingSeries {

    static final int CHUNK_BITS = 12;
    static final int CHUNK = 1 << CHUNK_BITS;
    private static final int MASK = CHUNK - 1;

    private final int capacity;
    private final long[][] times;
    private final double[][] values;
    /** Physical index of the oldest point. */
    private int head;
    private int size;

    public RingSeries(int requestedCapacity) {
        if (requestedCapacity < 2) {
            throw new IllegalArgumentException("capacity must be at least 2");
        }
        int chunks = (requestedCapacity + CHUNK - 1) / CHUNK;
        // Below one chunk the ring is exactly as large as asked (short-lived series stay small).
        this.capacity = requestedCapacity < CHUNK ? requestedCapacity : chunks * CHUNK;
        this.times = new long[chunks][];
        this.values = new double[chunks][];
    }

    /** Points held when full (the requested capacity rounded up to whole chunks, or below one chunk as asked). */
    public int capacity() {
        return capacity;
    }

    public synchronized int size() {
        return size;
    }

    private long timeAt(int physical) {
        return times[physical >>> CHUNK_BITS][physical & MASK];
    }

    private int physical(int logical) {
        int idx = head + logical;
        return idx >= capacity ? idx - capacity : idx;
    }

    /**
     * Appends a point. Points must arrive in time order; one older than the newest is dropped (a
     * clock stepping back must not corrupt the binary searches of reads).
     *
     * @return whether the point was kept
     */
    public synchronized boolean append(long epochMillis, double value) {
        if (size > 0 && epochMillis < timeAt(physical(size - 1))) {
            return false;
        }
        int p;
        if (size < capacity) {
            p = physical(size);
            size++;
        } else {
            p = head;
            head = head + 1 == capacity ? 0 : head + 1;
        }
        int c = p >>> CHUNK_BITS;
        if (times[c] == null) {
            times[c] = new long[Math.min(CHUNK, capacity)];
            values[c] = new double[Math.min(CHUNK, capacity)];
        }
        times[c][p & MASK] = epochMillis;
        values[c][p & MASK] = value;
        return true;
    }

    /** First logical index whose time is >= t. */
    private int lowerBound(long t) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (timeAt(physical(mid)) < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private SeriesPoints copy(int fromLogical, int count) {
        long[] t = new long[count];
        double[] v = new double[count];
        int p = physical(fromLogical);
        int out = 0;
        while (out < count) {
            int c = p >>> CHUNK_BITS;
            int off = p & MASK;
            int n = Math.min(count - out, Math.min(CHUNK - off, capacity - p));
            System.arraycopy(times[c], off, t, out, n);
            System.arraycopy(values[c], off, v, out, n);
            out += n;
            p += n;
            if (p == capacity) {
                p = 0;
            }
        }
        return new SeriesPoints(t, v, count);
    }

    /** Every point with {@code from <= t < to}, copied. */
    public synchronized SeriesPoints read(long fromMillis, long toMillis) {
        int a = lowerBound(fromMillis);
        int b = lowerBound(toMillis);
        return copy(a, Math.max(0, b - a));
    }

    /**
     * The points with {@code from <= t < to}, reduced to at most {@code maxPoints} by keeping the
     * minimum and the maximum of each time bucket (in time order), so spikes and dips survive.
     */
    public synchronized SeriesPoints readDownsampled(long fromMillis, long toMillis, int maxPoints) {
        int a = lowerBound(fromMillis);
        int b = lowerBound(toMillis);
        int n = Math.max(0, b - a);
        if (n <= maxPoints) {
            return copy(a, n);
        }
        return downsample(a, n, maxPoints);
    }

    /**
     * Min/max per equal-count bucket. Unlike LTTB, this keeps every extreme by construction, which
     * matters more to an analyst than the visual fidelity of a smooth line: a one-second spike must
     * not vanish from a 24 h chart.
     */
    private SeriesPoints downsample(int from, int count, int maxPoints) {
        int buckets = Math.max(1, maxPoints / 2);
        long[] outT = new long[buckets * 2];
        double[] outV = new double[buckets * 2];
        int out = 0;
        int p = physical(from);
        for (int b = 0; b < buckets; b++) {
            int lo = (int) ((long) b * count / buckets);
            int hi = (int) ((long) (b + 1) * count / buckets);
            int minP = -1;
            int maxP = -1;
            int firstP = p;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            int remaining = hi - lo;
            while (remaining > 0) {
                int c = p >>> CHUNK_BITS;
                int off = p & MASK;
                int n = Math.min(remaining, Math.min(CHUNK - off, capacity - p));
                double[] chunk = values[c];
                for (int i = off, end = off + n; i < end; i++) {
                    double v = chunk[i];
                    if (v < min) {
                        min = v;
                        minP = p + (i - off);
                    }
                    if (v > max) {
                        max = v;
                        maxP = p + (i - off);
                    }
                }
                remaining -= n;
                p += n;
                if (p == capacity) {
                    p = 0;
                }
            }
            if (hi <= lo) {
                continue;
            }
            if (minP < 0) { // the whole bucket is NaN: keep a gap in the line
                outT[out] = timeAt(firstP);
                outV[out++] = Double.NaN;
                continue;
            }
            int first = before(minP, maxP) ? minP : maxP;
            int second = first == minP ? maxP : minP;
            outT[out] = timeAt(first);
            outV[out++] = values[first >>> CHUNK_BITS][first & MASK];
            if (second != first) {
                outT[out] = timeAt(second);
                outV[out++] = values[second >>> CHUNK_BITS][second & MASK];
            }
        }
        return new SeriesPoints(outT, outV, out);
    }

    private boolean before(int physA, int physB) {
        int la = physA >= head ? physA - head : physA + capacity - head;
        int lb = physB >= head ? physB - head : physB + capacity - head;
        return la <= lb;
    }

    /** The newest point's time, or {@code Long.MIN_VALUE} when empty. */
    public synchronized long lastTime() {
        return size == 0 ? Long.MIN_VALUE : timeAt(physical(size - 1));
    }

    /** The newest value, or NaN when empty. */
    public synchronized double lastValue() {
        if (size == 0) {
            return Double.NaN;
        }
        int p = physical(size - 1);
        return values[p >>> CHUNK_BITS][p & MASK];
    }

    /** The oldest point's time, or {@code Long.MAX_VALUE} when empty. */
    public synchronized long firstTime() {
        return size == 0 ? Long.MAX_VALUE : timeAt(head);
    }

    /** Bytes held by the chunks (what the memory budget is about). */
    public synchronized long retainedBytes() {
        long points = 0;
        for (long[] c : times) {
            if (c != null) {
                points += c.length;
            }
        }
        return points * (Long.BYTES + Double.BYTES);
    }
}
