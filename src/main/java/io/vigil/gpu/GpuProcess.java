package io.vigil.gpu;

import java.util.OptionalLong;

/**
 * A process holding a context on a GPU, as the driver reports it. {@code usedMemoryBytes} is empty
 * when the driver does not say (e.g. on Windows WDDM, or without permission). Immutable.
 */
public record GpuProcess(int pid, Kind kind, OptionalLong usedMemoryBytes) {

    /** Compute (CUDA) or graphics context. */
    public enum Kind { COMPUTE, GRAPHICS }
}
