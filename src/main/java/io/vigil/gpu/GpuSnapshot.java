package io.vigil.gpu;

import java.util.List;

/**
 * Every GPU read at one moment: when (epoch milliseconds), by which reader ({@code nvml} or
 * {@code nvidia-smi}), the driver version, the GPUs in index order, problems that did not stop
 * the reading (a metric failing with an unexpected error, a feature the reader cannot give), and
 * the most recent driver error events (XIDs, ECC; oldest first, at most {@link #MAX_EVENTS}), and
 * limitations: what this reader cannot give at all (the nvidia-smi fallback has no XID events, no
 * per-process utilization, no energy), said once in words; unlike problems they do not degrade the
 * source's health. Immutable, so views may hold it.
 */
public record GpuSnapshot(long epochMillis, String reader, String driverVersion, List<GpuReading> gpus,
                          List<String> problems, List<XidEvent> events, List<String> limitations) {

    /** How many recent events a snapshot keeps. */
    public static final int MAX_EVENTS = 20;

    public static final GpuSnapshot EMPTY = new GpuSnapshot(0, "", "", List.of(), List.of());

    public GpuSnapshot {
        gpus = List.copyOf(gpus);
        problems = List.copyOf(problems);
        events = List.copyOf(events);
        limitations = List.copyOf(limitations);
    }

    /** A snapshot without events. */
    public GpuSnapshot(long epochMillis, String reader, String driverVersion, List<GpuReading> gpus,
                       List<String> problems) {
        this(epochMillis, reader, driverVersion, gpus, problems, List.of(), List.of());
    }
}
