package io.vigil.ui.dashboard;

import io.vigil.alerts.AlertMarks;
import io.vigil.gpu.GpuMetrics;
import io.vigil.host.HostMetrics;
import java.util.Map;

/**
 * The Dashboard's headline values and the metric each one stands for: the alerts of the rules on
 * that metric colour the tile. GPU tiles are this machine's GPUs, so fleet alerts (which carry a
 * {@code node} label) do not colour them.
 */
enum DashboardTile {
    CPU("tile-cpu", "CPU", HostMetrics.CPU_PERCENT.name(), Map.of()),
    MEMORY("tile-memory", "Memory", HostMetrics.MEMORY_PERCENT.name(), Map.of()),
    NETWORK_IN("tile-rx", "Network in", HostMetrics.NET_RX_BYTES_PER_S.name(), Map.of()),
    NETWORK_OUT("tile-tx", "Network out", HostMetrics.NET_TX_BYTES_PER_S.name(), Map.of()),
    PROCESSES("tile-processes", "Processes", HostMetrics.PROCESS_COUNT.name(), Map.of()),
    GPUS_BUSY("tile-gpus-busy", "GPUs busy", GpuMetrics.UTILIZATION, Map.of("node", AlertMarks.ABSENT)),
    HOTTEST_GPU("tile-hottest-gpu", "Hottest GPU", GpuMetrics.TEMPERATURE_C, Map.of("node", AlertMarks.ABSENT)),
    GPU_POWER("tile-gpu-power", "GPU power", GpuMetrics.POWER_WATTS, Map.of("node", AlertMarks.ABSENT)),
    SPEND_TODAY("tile-spend-today", "Spend today", "cost.daily.total", Map.of()),
    MTD("tile-mtd-forecast", "Month to date", "cost.mtd", Map.of()),
    /** The live estimate of this machine's GPUs (price per GPU-hour plus power), docs/live-cost.md. */
    SPEND_NOW("tile-spend-now", "Spend now ($/h)", io.vigil.cost.LiveCostMetrics.LIVE_PER_HOUR, Map.of());

    final String id;
    final String title;
    final String metric;
    final Map<String, String> labels;

    DashboardTile(String id, String title, String metric, Map<String, String> labels) {
        this.id = id;
        this.title = title;
        this.metric = metric;
        this.labels = labels;
    }
}
