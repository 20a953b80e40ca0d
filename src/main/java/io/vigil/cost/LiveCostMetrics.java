package io.vigil.cost;

import io.vigil.telemetry.MetricId;

/** The series the live cost estimate publishes (USD per hour), for rules, tiles and {@code vigil status}. */
public final class LiveCostMetrics {

    /**
     * One GPU's estimated cost, USD per hour: its share of the instance's on-demand price plus its power
     * at the electricity price. Label {@code gpu}: the GPU's UUID, as every GPU series
     * ({@link io.vigil.gpu.GpuMetrics#key}).
     */
    public static final String GPU_COST_PER_HOUR = "gpu.cost_per_hour";
    /** The sum over this machine's GPUs, USD per hour. */
    public static final String LIVE_PER_HOUR = "cost.live_per_hour";
    public static final MetricId LIVE_PER_HOUR_ID = MetricId.of(LIVE_PER_HOUR);

    private LiveCostMetrics() {
    }

    /** {@code gpu.cost_per_hour{gpu="GPU-…"}}: keyed like every GPU series (the index when the reader gives no UUID). */
    public static MetricId gpu(int index, String uuid) {
        return io.vigil.gpu.GpuMetrics.of(GPU_COST_PER_HOUR, io.vigil.gpu.GpuMetrics.key(index, uuid));
    }
}
