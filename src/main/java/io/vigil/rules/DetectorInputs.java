package io.vigil.rules;

import io.vigil.host.HostSnapshot;
import io.vigil.telemetry.SourceStatus;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the non-metric detectors read, each a supplier so the evaluator always sees the latest:
 * the host's processes and connections, the processes on each GPU, the health of every source, and
 * the signature lists.
 */
public record DetectorInputs(Supplier<HostSnapshot> host, Supplier<List<GpuProcessObservation>> gpuProcesses,
                             Supplier<List<SourceStatus>> sources, Signatures signatures) {

    /** No process or source data: for backtests, which replay metrics only. */
    public static DetectorInputs none() {
        return new DetectorInputs(() -> HostSnapshot.EMPTY, List::of, List::of, Signatures.builtIn());
    }
}
