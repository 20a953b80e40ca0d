package io.vigil.scenario;

import io.vigil.telemetry.MetricId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A recorded incident to replay through the real pipeline: curves for metrics, the processes,
 * sockets and cloud events that exist at each moment. Offsets are from {@link #start()}; the
 * scenario loops after {@link #length()}. {@code instanceType} is the recorded machine's EC2 instance
 * type (priced by the live cost estimate; empty when the scenario does not say). Immutable.
 */
public record Scenario(String name, String description, Instant start, Duration length,
                       Map<MetricId, Curve> series, List<GpuSpec> gpus, List<ScenarioProcess> processes,
                       List<ScenarioSocket> sockets, List<CostAnomaly> anomalies, List<Alarm> alarms,
                       CostHistory costs, List<ServiceAnswer> serviceAnswers, List<Container> containers,
                       List<ModelFile> modelFiles, String instanceType, List<Xid> xids) {

    public Scenario {
        instanceType = instanceType == null ? "" : instanceType;
        serviceAnswers = List.copyOf(serviceAnswers);
        containers = List.copyOf(containers);
        modelFiles = List.copyOf(modelFiles);
        xids = xids == null ? List.of() : List.copyOf(xids);
        series = Map.copyOf(series);
        gpus = List.copyOf(gpus);
        processes = List.copyOf(processes);
        sockets = List.copyOf(sockets);
        anomalies = List.copyOf(anomalies);
        alarms = List.copyOf(alarms);
    }

    /** A GPU of the scenario's machine. */
    public record GpuSpec(int index, String name, String uuid, long memoryTotalBytes, double powerLimitWatts) {
    }

    /** A process alive during {@code [from, to)}; {@code gpuMemoryBytes} maps GPU index to used memory. */
    public record ScenarioProcess(int pid, int parentPid, String name, String user, String commandLine,
                                  double cpuPercent, long rssBytes, Duration from, Duration to,
                                  Map<Integer, Long> gpuMemoryBytes) {
        public ScenarioProcess {
            gpuMemoryBytes = Map.copyOf(gpuMemoryBytes);
        }
    }

    /** A TCP socket alive during {@code [from, to)}: listening when {@code remoteAddress} is empty. */
    public record ScenarioSocket(int pid, String localAddress, int localPort, String remoteAddress, int remotePort,
                                 Duration from, Duration to) {
        public boolean listening() {
            return remoteAddress.isEmpty();
        }
    }

    /** A cost anomaly AWS reports from {@code from} on. */
    public record CostAnomaly(String id, Duration from, double impactUsd, double score, String service,
                              String region, String usageType, String account) {
    }

    /** A CloudWatch alarm and the offset from which it is in ALARM (until {@code to}). */
    /** An XID error the driver reports on GPU {@code gpu} (its index) at {@code at} into the loop. */
    public record Xid(int gpu, long xid, Duration at) {
    }

    public record Alarm(String name, String metric, double threshold, Duration from, Duration to) {
    }

    /**
     * Cost Explorer's daily spend by service before the incident, USD per day ({@code baselineUsd});
     * {@code jitter} is a deterministic ± fraction per day; today's spend above the other services'
     * share goes to {@code incidentService}. Empty services: no cost history.
     */
    public record CostHistory(Map<String, Double> baselineUsd, double jitter, String incidentService) {
        public CostHistory {
            baselineUsd = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(baselineUsd));
        }

        public static final CostHistory NONE = new CostHistory(Map.of(), 0, "");
    }

    /**
     * How the scenario host's AI service on {@code port} answers the inventory's loopback probe:
     * {@code outcome} is an {@code io.vigil.inventory.ProbeOutcome} name, {@code detail} what was seen.
     */
    public record ServiceAnswer(int port, String outcome, String detail) {
    }

    /** A container running during {@code [from, to)} as {@code docker inspect} would describe it. */
    public record Container(String id, String name, String image, Map<String, String> labels, boolean gpu,
                            List<String> risks, Duration from, Duration to) {
        public Container {
            labels = Map.copyOf(labels);
            risks = List.copyOf(risks);
        }
    }

    /** A model file written at offset {@code modified}. */
    public record ModelFile(String path, long sizeBytes, Duration modified) {
    }

    /** Where {@code now} falls in the loop, as an offset from the start. */
    public long offsetMillis(Instant now) {
        long delta = now.toEpochMilli() - start.toEpochMilli();
        return Math.floorMod(delta, length.toMillis());
    }

    /**
     * A sample of every curve whose metric name starts with {@code prefix} ("host.", "cost.", …) at
     * {@code now}'s place in the loop, stamped {@code now}; values below 0 are 0 when {@code nonNegative}.
     */
    public List<io.vigil.telemetry.Sample> samplesOf(String prefix, Instant now, boolean nonNegative) {
        long offset = offsetMillis(now);
        List<io.vigil.telemetry.Sample> out = new java.util.ArrayList<>();
        series.forEach((id, curve) -> {
            if (id.name().startsWith(prefix)) {
                double v = curve.at(offset);
                out.add(io.vigil.telemetry.Sample.of(id, now.toEpochMilli(), nonNegative ? Math.max(0, v) : v));
            }
        });
        return out;
    }

    public Optional<Curve> curve(MetricId metric) {
        return Optional.ofNullable(series.get(metric));
    }

    /** The scenario's own instant for {@code now}: the start plus the offset in the loop. */
    public Instant virtualNow(Instant now) {
        return start.plusMillis(offsetMillis(now));
    }

    static boolean alive(Duration from, Duration to, long offsetMillis) {
        return offsetMillis >= from.toMillis() && offsetMillis < to.toMillis();
    }
}
