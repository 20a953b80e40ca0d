package io.vigil.rules;

import java.util.OptionalDouble;

/**
 * A process seen running on a GPU, as the GPU source reports it: the GPU's index in that reading
 * and its UUID (empty when the reader gives none), the pid, and its share of the GPU's SM time in
 * percent when the driver samples it per process (empty otherwise). The UUID is the GPU's identity;
 * the index can change when the driver re-initialises.
 */
public record GpuProcessObservation(int gpu, int pid, OptionalDouble smUtilPercent, String uuid) {

    public GpuProcessObservation {
        uuid = uuid == null ? "" : uuid;
    }

    /** Without a UUID (matched by index). */
    public GpuProcessObservation(int gpu, int pid, OptionalDouble smUtilPercent) {
        this(gpu, pid, smUtilPercent, "");
    }

    /** A process without a utilization sample. */
    public GpuProcessObservation(int gpu, int pid) {
        this(gpu, pid, OptionalDouble.empty(), "");
    }
}
