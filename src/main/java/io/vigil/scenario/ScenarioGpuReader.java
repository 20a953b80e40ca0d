package io.vigil.scenario;

import io.vigil.gpu.GpuProcess;
import io.vigil.gpu.GpuReader;
import io.vigil.gpu.GpuReading;
import io.vigil.gpu.GpuSnapshot;
import io.vigil.gpu.XidEvent;
import io.vigil.telemetry.MetricId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The GPUs of a scenario, behind the same {@link GpuReader} interface as NVML: readings come from
 * the scenario's {@code gpu.*{gpu="N"}} curves (a metric without a curve is "n/a", as an
 * unsupported NVML reading is) and its processes' GPU memory; the energy counter is the power curve
 * integrated over the loop so far.
 */
public final class ScenarioGpuReader implements GpuReader {

    private final Scenario scenario;

    public ScenarioGpuReader(Scenario scenario) {
        this.scenario = scenario;
    }

    @Override
    public String name() {
        return "scenario";
    }

    @Override
    public GpuSnapshot read(long epochMillis) {
        long offset = scenario.offsetMillis(Instant.ofEpochMilli(epochMillis));
        List<GpuReading> gpus = new ArrayList<>();
        for (Scenario.GpuSpec g : scenario.gpus()) {
            List<GpuProcess> processes = new ArrayList<>();
            for (Scenario.ScenarioProcess p : scenario.processes()) {
                Long bytes = p.gpuMemoryBytes().get(g.index());
                if (bytes != null && Scenario.alive(p.from(), p.to(), offset)) {
                    processes.add(new GpuProcess(p.pid(), GpuProcess.Kind.COMPUTE, OptionalLong.of(bytes)));
                }
            }
            gpus.add(new GpuReading(g.index(), g.name(), g.uuid(), false,
                    d("gpu.utilization", g, offset), d("gpu.memory_utilization", g, offset),
                    l("gpu.memory.used_bytes", g, offset), OptionalLong.of(g.memoryTotalBytes()),
                    d("gpu.temperature_c", g, offset), d("gpu.power_watts", g, offset),
                    OptionalDouble.of(g.powerLimitWatts()), l("gpu.clock.sm_mhz", g, offset),
                    l("gpu.clock.memory_mhz", g, offset), d("gpu.fan_percent", g, offset),
                    l("gpu.throttle_reasons", g, offset), OptionalLong.of(0), OptionalLong.of(0),
                    OptionalLong.of(0), OptionalLong.of(0), processes, energy(g, offset), GpuReading.Mig.UNKNOWN));
        }
        return new GpuSnapshot(epochMillis, name(), "scenario", gpus, List.of(), xidsSoFar(epochMillis, offset),
                List.of());
    }

    /**
     * The scenario's XIDs that happened in this loop up to now, as the NVML event thread delivers them:
     * numbered on from the previous loops' (so each replay of the night is new to the GPU source) and
     * stamped with the moment they happened.
     */
    private List<XidEvent> xidsSoFar(long epochMillis, long offset) {
        List<Scenario.Xid> all = scenario.xids();
        if (all.isEmpty()) {
            return List.of();
        }
        long loop = Math.floorDiv(epochMillis - scenario.start().toEpochMilli(), scenario.length().toMillis());
        long loopStart = scenario.start().toEpochMilli() + loop * scenario.length().toMillis();
        List<XidEvent> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Scenario.Xid x = all.get(i);
            if (x.at().toMillis() <= offset) {
                String uuid = scenario.gpus().stream().filter(g -> g.index() == x.gpu()).map(Scenario.GpuSpec::uuid)
                        .findFirst().orElse("");
                out.add(new XidEvent(loop * all.size() + i + 1, loopStart + x.at().toMillis(), x.gpu(), uuid,
                        XidEvent.Kind.XID, x.xid()));
            }
        }
        return out.size() > GpuSnapshot.MAX_EVENTS ? out.subList(out.size() - GpuSnapshot.MAX_EVENTS, out.size()) : out;
    }

    /**
     * The energy counter as the driver keeps it: the power curve (without its jitter) integrated from
     * the start of the loop, in millijoules. It starts again at 0 when the scenario loops, as a
     * counter does when the driver reloads.
     */
    private OptionalLong energy(Scenario.GpuSpec g, long offset) {
        return scenario.curve(MetricId.of("gpu.power_watts", "gpu", Integer.toString(g.index())))
                .map(c -> OptionalLong.of(Math.max(0, Math.round(c.integralFromZero(offset)))))
                .orElse(OptionalLong.empty());
    }

    private OptionalDouble d(String metric, Scenario.GpuSpec g, long offset) {
        return scenario.curve(MetricId.of(metric, "gpu", Integer.toString(g.index())))
                .map(c -> OptionalDouble.of(Math.max(0, c.at(offset)))).orElse(OptionalDouble.empty());
    }

    private OptionalLong l(String metric, Scenario.GpuSpec g, long offset) {
        return scenario.curve(MetricId.of(metric, "gpu", Integer.toString(g.index())))
                .map(c -> OptionalLong.of(Math.max(0, Math.round(c.at(offset))))).orElse(OptionalLong.empty());
    }

    @Override
    public void close() {
    }
}
