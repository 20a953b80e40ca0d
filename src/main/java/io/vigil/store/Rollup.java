package io.vigil.store;

/**
 * The aggregate of one series over one bucket of {@code resolutionSeconds}: count, mean, min and
 * max of the samples whose time falls in {@code [bucketStartMillis, bucketStartMillis + resolution)}.
 */
public record Rollup(int resolutionSeconds, long bucketStartMillis, long count, double mean, double min, double max) {
}
