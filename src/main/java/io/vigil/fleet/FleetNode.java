package io.vigil.fleet;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One node of the fleet: its name (the exporter's {@code Hostname}/{@code hostname} label, else the
 * target's {@code instance} without the port), the labels shared by its targets ({@code cluster},
 * {@code job}, …), its scrape health with Prometheus's last error and last scrape time (epoch
 * milliseconds, 0 when never), node_exporter's host readings, and its GPUs ordered by index. A DOWN
 * node carries no GPU readings: its last numbers are stale and are never shown as current.
 * Immutable.
 */
public record FleetNode(
        String name,
        Map<String, String> labels,
        NodeHealth health,
        String lastError,
        long lastScrapeMillis,
        OptionalDouble cpuPercent,
        OptionalDouble memoryUsedBytes,
        OptionalDouble memoryTotalBytes,
        OptionalDouble networkRxBytesPerS,
        OptionalDouble networkTxBytesPerS,
        List<FleetGpu> gpus) {

    public FleetNode {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        gpus = gpus == null ? List.of() : List.copyOf(gpus);
        lastError = lastError == null ? "" : lastError;
    }
}
