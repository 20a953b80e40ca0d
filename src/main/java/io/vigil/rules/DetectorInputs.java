package io.vigil.rules;

import io.vigil.fleet.FleetSnapshot;
import io.vigil.host.HostSnapshot;
import io.vigil.telemetry.SourceStatus;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the non-metric detectors read, each a supplier so the evaluator always sees the latest:
 * the host's processes and connections, the processes on each GPU, the health of every source, the
 * signature lists, the fleet (nodes, their health, the processes on their GPUs; empty when no fleet
 * is configured), and the last PromQL evaluation error of each {@code promql:} rule by rule id.
 */
public record DetectorInputs(Supplier<HostSnapshot> host, Supplier<List<GpuProcessObservation>> gpuProcesses,
                             Supplier<List<SourceStatus>> sources, Signatures signatures,
                             Supplier<FleetSnapshot> fleet, Supplier<Map<String, String>> promqlErrors,
                             ExfiltrationDetector exfiltration) {

    /** Without the exfiltration detector (its rules then see no processes). */
    public DetectorInputs(Supplier<HostSnapshot> host, Supplier<List<GpuProcessObservation>> gpuProcesses,
                          Supplier<List<SourceStatus>> sources, Signatures signatures,
                          Supplier<FleetSnapshot> fleet, Supplier<Map<String, String>> promqlErrors) {
        this(host, gpuProcesses, sources, signatures, fleet, promqlErrors, null);
    }

    /** This machine only: no fleet, no PromQL rules. */
    public DetectorInputs(Supplier<HostSnapshot> host, Supplier<List<GpuProcessObservation>> gpuProcesses,
                          Supplier<List<SourceStatus>> sources, Signatures signatures) {
        this(host, gpuProcesses, sources, signatures, () -> FleetSnapshot.EMPTY, Map::of);
    }

    public DetectorInputs {
        fleet = fleet == null ? () -> FleetSnapshot.EMPTY : fleet;
        promqlErrors = promqlErrors == null ? Map::of : promqlErrors;
    }

    /** These inputs with the fleet read from {@code fleet}. */
    public DetectorInputs withFleet(Supplier<FleetSnapshot> fleet) {
        return new DetectorInputs(host, gpuProcesses, sources, signatures, fleet, promqlErrors, exfiltration);
    }

    /** These inputs with the PromQL errors of {@code source}'s last poll. */
    public DetectorInputs withPromQl(PromQlRuleSource source) {
        return new DetectorInputs(host, gpuProcesses, sources, signatures, fleet, source::errors, exfiltration);
    }

    /** These inputs with the exfiltration detector (open files under the watched roots). */
    public DetectorInputs withExfiltration(ExfiltrationDetector detector) {
        return new DetectorInputs(host, gpuProcesses, sources, signatures, fleet, promqlErrors, detector);
    }

    /** No process or source data: for backtests, which replay metrics only. */
    public static DetectorInputs none() {
        return new DetectorInputs(() -> HostSnapshot.EMPTY, List::of, List::of, Signatures.builtIn());
    }
}
