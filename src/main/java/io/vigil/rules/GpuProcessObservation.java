package io.vigil.rules;

import java.util.OptionalDouble;

/**
 * A process seen running on a GPU (by index), as the GPU source reports it, with its share of the
 * GPU's SM time in percent when the driver samples it per process (empty otherwise).
 */
public record GpuProcessObservation(int gpu, int pid, OptionalDouble smUtilPercent) {

    /** A process without a utilization sample. */
    public GpuProcessObservation(int gpu, int pid) {
        this(gpu, pid, OptionalDouble.empty());
    }
}
