package io.vigil.gpu;

import java.util.List;

/**
 * Every GPU read at one moment: when (epoch milliseconds), by which reader ({@code nvml} or
 * {@code nvidia-smi}), the driver version, the GPUs in index order, and problems that did not stop
 * the reading (a metric failing with an unexpected error). Immutable, so views may hold it.
 */
public record GpuSnapshot(long epochMillis, String reader, String driverVersion, List<GpuReading> gpus,
                          List<String> problems) {

    public static final GpuSnapshot EMPTY = new GpuSnapshot(0, "", "", List.of(), List.of());

    public GpuSnapshot {
        gpus = List.copyOf(gpus);
        problems = List.copyOf(problems);
    }
}
