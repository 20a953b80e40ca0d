package io.vigil.gpu;

import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A process holding a context on a GPU, as the driver reports it. {@code usedMemoryBytes} is empty
 * when the driver does not say (e.g. on Windows WDDM, or without permission). {@code smUtilPercent}
 * and {@code memUtilPercent} are its share of the GPU's SM and memory-controller time over the last
 * sampling interval (NVML's per-process utilization), empty when the driver gives no sample for it
 * (not supported, MIG-enabled GPU, nvidia-smi fallback, or idle since the last poll). Immutable.
 */
public record GpuProcess(int pid, Kind kind, OptionalLong usedMemoryBytes, OptionalDouble smUtilPercent,
                         OptionalDouble memUtilPercent) {

    /** A process without utilization samples. */
    public GpuProcess(int pid, Kind kind, OptionalLong usedMemoryBytes) {
        this(pid, kind, usedMemoryBytes, OptionalDouble.empty(), OptionalDouble.empty());
    }

    /** Compute (CUDA) or graphics context. */
    public enum Kind { COMPUTE, GRAPHICS }
}
