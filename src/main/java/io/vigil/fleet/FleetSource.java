package io.vigil.fleet;

import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.Source;
import io.vigil.telemetry.SourceHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The fleet as a telemetry source: each poll reads the whole fleet through its {@link FleetReader}
 * (a fixed number of queries, whatever the number of nodes), keeps the snapshot for views, CLI and
 * detectors, and publishes each GPU's readings as samples labelled {@code node} and {@code gpu}
 * (the UUID) so that rules apply to fleet GPUs as they do to local ones. A DOWN node publishes
 * {@code fleet.node.up{node}=0} and no readings. Polled by the scheduler, never twice at once;
 * {@link #latest()} is safe from any thread.
 */
public final class FleetSource implements Source {

    public static final String NODE_UP = "fleet.node.up";

    private final FleetReader reader;
    private final Duration period;
    private volatile FleetSnapshot latest = FleetSnapshot.EMPTY;

    public FleetSource(FleetReader reader, Duration period) {
        this.reader = reader;
        this.period = period;
    }

    @Override
    public String id() {
        return "fleet";
    }

    @Override
    public String displayName() {
        return "Fleet";
    }

    @Override
    public Duration period() {
        return period;
    }

    /** The reader, for drill-down history (call it off the FX thread). */
    public FleetReader reader() {
        return reader;
    }

    /** The last snapshot read; {@link FleetSnapshot#EMPTY} before the first poll. */
    public FleetSnapshot latest() {
        return latest;
    }

    @Override
    public PollResult poll(Instant now) throws FleetException {
        FleetSnapshot snapshot = reader.read(now);
        latest = snapshot;
        long t = snapshot.epochMillis() > 0 ? snapshot.epochMillis() : now.toEpochMilli();
        List<Sample> samples = new ArrayList<>();
        int down = 0;
        for (FleetNode node : snapshot.nodes()) {
            boolean up = node.health() != NodeHealth.DOWN;
            samples.add(Sample.of(MetricId.of(NODE_UP, "node", node.name()), t, up ? 1 : 0));
            if (!up) {
                down++;
                continue;
            }
            for (FleetGpu gpu : node.gpus()) {
                add(samples, FleetMetric.UTILIZATION, gpu, t, gpu.utilizationPercent());
                add(samples, FleetMetric.TEMPERATURE, gpu, t, gpu.temperatureC());
                add(samples, FleetMetric.POWER, gpu, t, gpu.powerWatts());
                add(samples, FleetMetric.MEMORY_USED, gpu, t, gpu.memoryUsedBytes());
                add(samples, FleetMetric.ECC_ERRORS, gpu, t, gpu.eccErrors());
                add(samples, FleetMetric.XID, gpu, t, gpu.xidLast());
            }
        }
        if (down > 0) {
            return new PollResult(samples, SourceHealth.degraded(down + " of " + snapshot.nodes().size()
                    + " nodes down"));
        }
        if (!snapshot.problems().isEmpty()) {
            return new PollResult(samples, SourceHealth.degraded(snapshot.problems().getFirst()));
        }
        return PollResult.ok(samples);
    }

    private static void add(List<Sample> out, FleetMetric metric, FleetGpu gpu, long t, OptionalDouble value) {
        if (value.isPresent()) {
            out.add(Sample.of(MetricId.of(metric.seriesName(), "node", gpu.node(), "gpu", gpu.uuid()), t,
                    value.getAsDouble()));
        }
    }

    /** Where the fleet is read from and how many nodes and GPUs it had, for {@code vigil status --json}. */
    @Override
    public java.util.Map<String, Object> statusDetails() {
        FleetSnapshot s = latest;
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("origin", reader.origin());
        m.put("nodes", s.nodes().size());
        m.put("nodesDown", s.nodes().stream().filter(n -> n.health() == NodeHealth.DOWN).count());
        m.put("gpus", s.gpus().size());
        return m;
    }

    @Override
    public void close() {
        reader.close();
    }
}
