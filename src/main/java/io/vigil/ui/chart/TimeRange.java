package io.vigil.ui.chart;

/**
 * A span of time on a chart's x-axis, epoch milliseconds, {@code fromMillis < toMillis}.
 *
 * @param fromMillis the left edge, inclusive
 * @param toMillis the right edge
 */
public record TimeRange(long fromMillis, long toMillis) {

    public TimeRange {
        if (toMillis <= fromMillis) {
            throw new IllegalArgumentException("empty time range " + fromMillis + ".." + toMillis);
        }
    }

    public long span() {
        return toMillis - fromMillis;
    }

    public boolean overlaps(TimeRange other) {
        return fromMillis < other.toMillis && other.fromMillis < toMillis;
    }

    /** This range cut to {@code bounds}; this range itself when they do not overlap. */
    public TimeRange within(TimeRange bounds) {
        if (!overlaps(bounds)) {
            return this;
        }
        return new TimeRange(Math.max(fromMillis, bounds.fromMillis), Math.min(toMillis, bounds.toMillis));
    }
}
