package io.vigil.cost;

import io.vigil.telemetry.MetricId;

/** The series the live cost estimate publishes (USD per hour), for rules, tiles and {@code vigil status}. */
public final class LiveCostMetrics {

    /**
     * One GPU's estimated cost, USD per hour: its share of the instance's on-demand price plus its power
     * at the electricity price. Labels {@code gpu} (index) and {@code uuid}.
     */
    public static final String GPU_COST_PER_HOUR = "gpu.cost_per_hour";
    /** The sum over this machine's GPUs, USD per hour. */
    public static final String LIVE_PER_HOUR = "cost.live_per_hour";
    public static final MetricId LIVE_PER_HOUR_ID = MetricId.of(LIVE_PER_HOUR);

    private LiveCostMetrics() {
    }

    /**
     * {@code gpu.cost_per_hour{gpu="<UUID>"}}: keyed like every GPU series (the UUID, the index only
     * when the reader gives none; ADR 0131), so a rule joins it with the GPU's utilization and processes.
     */
    public static MetricId gpu(int index, String uuid) {
        return io.vigil.gpu.GpuMetrics.of(GPU_COST_PER_HOUR, io.vigil.gpu.GpuMetrics.key(index, uuid));
    }
}
