package io.vigil.gpu;

import io.vigil.telemetry.MetricId;

/**
 * The GPU metric names shared with rules, dashboard and alerts. Every series carries the label
 * {@code gpu}: the GPU's UUID ({@code GPU-…}, as the fleet source labels its GPUs), so a driver
 * re-initialisation that renumbers the GPUs keeps each card's history and alerts on that card; the
 * index only where a reader gives no UUID. The index NVML gives the card now is the value of
 * {@link #INDEX}, a display attribute and not an identity (ADR 0131). ECC series also carry
 * {@code counter} ("volatile" or "aggregate"), process series also {@code pid}.
 */
public final class GpuMetrics {

    public static final String UTILIZATION = "gpu.utilization";
    public static final String MEMORY_UTILIZATION = "gpu.memory_utilization";
    public static final String MEMORY_USED_BYTES = "gpu.memory.used_bytes";
    public static final String MEMORY_TOTAL_BYTES = "gpu.memory.total_bytes";
    public static final String TEMPERATURE_C = "gpu.temperature_c";
    public static final String POWER_WATTS = "gpu.power_watts";
    public static final String POWER_LIMIT_WATTS = "gpu.power_limit_watts";
    public static final String CLOCK_SM_MHZ = "gpu.clock.sm_mhz";
    public static final String CLOCK_MEMORY_MHZ = "gpu.clock.memory_mhz";
    public static final String FAN_PERCENT = "gpu.fan_percent";
    public static final String THROTTLE_REASONS = "gpu.throttle_reasons";
    public static final String ECC_CORRECTED = "gpu.ecc.corrected";
    public static final String ECC_UNCORRECTED = "gpu.ecc.uncorrected";
    public static final String LOST = "gpu.lost";
    public static final String PROCESS_MEMORY_BYTES = "gpu.process.memory_bytes";
    /** Energy the GPU used since the driver loaded, joules (a counter: take its rate for watts). */
    public static final String ENERGY_JOULES = "gpu.energy_joules";
    /** 1 at the moment of an XID error, labelled {@code gpu}, {@code uuid} and {@code xid}. */
    public static final String XID = "gpu.xid";
    /** A process's SM utilization percent, labelled {@code gpu} and {@code pid}. */
    public static final String PROCESS_SM_UTIL = "gpu.process.sm_util_percent";
    /** The index NVML gives the GPU now (0-based), labelled by {@code gpu} = UUID: for display. */
    public static final String INDEX = "gpu.index";
    public static final MetricId COUNT = MetricId.of("gpu.count");

    private GpuMetrics() {
    }

    /** {@code name{gpu="<key of g>"}}. */
    public static MetricId of(String name, GpuReading g) {
        return MetricId.of(name, "gpu", key(g.index(), g.uuid()));
    }

    /** {@code name{gpu="<key>"}} for a key from {@link #key}. */
    public static MetricId of(String name, String key) {
        return MetricId.of(name, "gpu", key);
    }

    /** The {@code gpu} label of a GPU: its UUID, or its index when the reader gives no UUID. */
    public static String key(int index, String uuid) {
        return uuid == null || uuid.isBlank() ? Integer.toString(index) : uuid;
    }
}
