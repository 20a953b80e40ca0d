package io.vigil.fleet;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One GPU of one fleet node at one moment, identified by its UUID (indexes change when a node is
 * re-provisioned). Every reading is optional: empty means the exporter does not publish it.
 * {@code labels} keeps the exporter's descriptive labels that matter to an analyst (model name, pci
 * bus id, Kubernetes {@code pod}/{@code namespace}/{@code container}, cluster). Units are in the
 * names. {@code xidLast} is the last XID error the exporter saw (dcgm-exporter's
 * {@code DCGM_FI_DEV_XID_ERRORS}), {@code eccErrors} the uncorrected ECC count. Immutable.
 */
public record FleetGpu(
        String node,
        String uuid,
        int index,
        String model,
        Map<String, String> labels,
        OptionalDouble utilizationPercent,
        OptionalDouble memoryUsedBytes,
        OptionalDouble memoryTotalBytes,
        OptionalDouble temperatureC,
        OptionalDouble powerWatts,
        OptionalDouble powerLimitWatts,
        OptionalDouble eccErrors,
        OptionalDouble xidLast,
        List<FleetProcess> processes) {

    public FleetGpu {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        processes = processes == null ? List.of() : List.copyOf(processes);
        model = model == null ? "" : model;
    }

    /** Memory used as a percentage of total, when both are known. */
    public OptionalDouble memoryPercent() {
        if (memoryUsedBytes.isEmpty() || memoryTotalBytes.isEmpty() || memoryTotalBytes.getAsDouble() <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(100.0 * memoryUsedBytes.getAsDouble() / memoryTotalBytes.getAsDouble());
    }

    /** Power draw as a percentage of the limit, when both are known. */
    public OptionalDouble powerPercentOfLimit() {
        if (powerWatts.isEmpty() || powerLimitWatts.isEmpty() || powerLimitWatts.getAsDouble() <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(100.0 * powerWatts.getAsDouble() / powerLimitWatts.getAsDouble());
    }
}
