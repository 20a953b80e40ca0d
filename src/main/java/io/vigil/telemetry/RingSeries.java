package io.vigil.telemetry;

/**
 * One series as two primitive ring buffers (times in epoch ms, values), no object per point. The
 * buffers start small and double up to {@code capacity}, so a series that only ever gets a few
 * points (one per network interface, say) costs little; once full, the oldest point is overwritten.
 *
 * <p>Thread-safe: appends and reads lock the series; a downsampled read of a full day of 1 s points
 * holds the lock for well under a millisecond.
 */
public final class RingSeries {

    private static final int INITIAL_CAPACITY = 256;

    private final int capacity;
    private long[] times;
    private double[] values;
    /** Index of the oldest point. */
    private int head;
    private int size;

    public RingSeries(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity must be at least 2");
        }
        this.capacity = capacity;
        int initial = Math.min(capacity, INITIAL_CAPACITY);
        this.times = new long[initial];
        this.values = new double[initial];
    }

    public int capacity() {
        return capacity;
    }

    public synchronized int size() {
        return size;
    }

    /**
     * Appends a point. Points must arrive in time order; one older than the newest is dropped (a
     * clock stepping back must not corrupt the binary searches of reads).
     *
     * @return whether the point was kept
     */
    public synchronized boolean append(long epochMillis, double value) {
        if (size > 0 && epochMillis < times[physical(size - 1)]) {
            return false;
        }
        if (size < times.length) {
            int idx = physical(size);
            times[idx] = epochMillis;
            values[idx] = value;
            size++;
            return true;
        }
        if (times.length < capacity) {
            grow();
            times[size] = epochMillis;
            values[size] = value;
            size++;
            return true;
        }
        times[head] = epochMillis;
        values[head] = value;
        head = (head + 1) % times.length;
        return true;
    }

    private void grow() {
        int newLength = (int) Math.min((long) times.length * 2, capacity);
        long[] newTimes = new long[newLength];
        double[] newValues = new double[newLength];
        copyOut(0, size, newTimes, newValues);
        times = newTimes;
        values = newValues;
        head = 0;
    }

    private int physical(int logical) {
        int idx = head + logical;
        return idx >= times.length ? idx - times.length : idx;
    }

    private void copyOut(int fromLogical, int count, long[] outTimes, double[] outValues) {
        int start = physical(fromLogical);
        int firstPart = Math.min(count, times.length - start);
        System.arraycopy(times, start, outTimes, 0, firstPart);
        System.arraycopy(values, start, outValues, 0, firstPart);
        if (firstPart < count) {
            System.arraycopy(times, 0, outTimes, firstPart, count - firstPart);
            System.arraycopy(values, 0, outValues, firstPart, count - firstPart);
        }
    }

    /** First logical index whose time is >= t. */
    private int lowerBound(long t) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[physical(mid)] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Every point with {@code from <= t < to}, copied. */
    public synchronized SeriesPoints read(long fromMillis, long toMillis) {
        int a = lowerBound(fromMillis);
        int b = lowerBound(toMillis);
        int n = Math.max(0, b - a);
        long[] t = new long[n];
        double[] v = new double[n];
        if (n > 0) {
            copyOut(a, n, t, v);
        }
        return new SeriesPoints(t, v, n);
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
            long[] t = new long[n];
            double[] v = new double[n];
            if (n > 0) {
                copyOut(a, n, t, v);
            }
            return new SeriesPoints(t, v, n);
        }
        return MinMaxDownsampler.downsample(times, values, head, a, n, maxPoints);
    }

    /** The newest point's time, or {@code Long.MIN_VALUE} when empty. */
    public synchronized long lastTime() {
        return size == 0 ? Long.MIN_VALUE : times[physical(size - 1)];
    }

    /** The newest value, or NaN when empty. */
    public synchronized double lastValue() {
        return size == 0 ? Double.NaN : values[physical(size - 1)];
    }

    /** The oldest point's time, or {@code Long.MAX_VALUE} when empty. */
    public synchronized long firstTime() {
        return size == 0 ? Long.MAX_VALUE : times[head];
    }

    /** Bytes held by the two arrays (what the memory budget is about). */
    public synchronized long retainedBytes() {
        return (long) times.length * Long.BYTES + (long) values.length * Double.BYTES;
    }
}
