package io.vigil.fleet;

/**
 * The per-GPU readings a fleet view can colour by and a drill-down can chart. Each names the series
 * the fleet source publishes ({@code gpu.utilization{node="…",gpu="<uuid>"}}: the same metric
 * names as the local GPU source, with a {@code node} label and the GPU's UUID), so rules written for
 * local GPUs apply to fleet GPUs too.
 */
public enum FleetMetric {
    UTILIZATION("gpu.utilization", "%"),
    TEMPERATURE("gpu.temperature_c", "°C"),
    POWER("gpu.power_watts", "W"),
    MEMORY_USED("gpu.memory.used_bytes", "B"),
    ECC_ERRORS("gpu.ecc.uncorrected", ""),
    XID("gpu.xid_last", "");

    private final String seriesName;
    private final String unit;

    FleetMetric(String seriesName, String unit) {
        this.seriesName = seriesName;
        this.unit = unit;
    }

    /** The metric name in the series store and in rules. */
    public String seriesName() {
        return seriesName;
    }

    /** The unit of its values ({@code B} for bytes, empty for counts). */
    public String unit() {
        return unit;
    }
}
