package io.vigil.rules;

import static io.vigil.rules.AllowListTest.KERNEL;
import static io.vigil.rules.AllowListTest.XMRIG_IN_JUPYTER_DIR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gpu.GpuProcess;
import io.vigil.gpu.GpuReading;
import io.vigil.gpu.GpuSnapshot;
import io.vigil.gpu.nvml.FakeNvml;
import io.vigil.gpu.nvml.NvmlGpuReader;
import io.vigil.host.HostSnapshot;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesStore;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code gpu-xid} rule turns one XID sample into one alert worded from the XID table;
 * the unexplained-load detector attributes a GPU's load to its busy process, read per process from
 * the fake libnvidia-ml through the real binding.
 */
class GpuSignalsDetectorTest {

    private static final String UUID_1 = "GPU-5eed0001-1c2d-4e5f-8a9b-000000abc001";

    final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T12:00:00Z"));
    final SeriesStore store = new SeriesStore(10_000);

    static Rule shippedRule(String id) throws Exception {
        try (InputStream in = RuleFile.class.getResourceAsStream("default-rules.yaml")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new RuleFile().parse("default-rules.yaml", text).stream().filter(r -> r.id().equals(id))
                    .findFirst().orElseThrow(() -> new AssertionError("no rule " + id + " in default-rules.yaml"));
        }
    }

    @Test
    void oneXid79FiresOneCriticalAlertWithItsMeaningAndUuidAndClearsAfterTheWindow() throws Exception {
        Evaluator e = new Evaluator(clock, MetricReader.of(store), DetectorInputs.none());
        e.setRules(List.of(shippedRule("gpu-xid")));
        store.append(MetricId.of("gpu.utilization", "gpu", "1"), clock.millis(), 10);
        e.tick();
        store.append(MetricId.of("gpu.xid", "gpu", "1", "uuid", UUID_1, "xid", "79"), clock.millis(), 1);
        Evaluation ev = null;
        for (int i = 0; i < 30; i++) {
            clock.advance(Duration.ofSeconds(10));
            ev = e.tick();
            assertEquals(1, ev.active().size(), "tick " + i + ": " + ev.active());
        }
        RuleInstance alert = ev.active().getFirst();
        assertEquals("GPU 1 (" + UUID_1 + ") / XID 79: GPU has fallen off the bus", alert.subject());
        assertEquals(Severity.CRITICAL, alert.severity());
        assertEquals(UUID_1, alert.identity().get("uuid"));
        assertEquals("79", alert.identity().get("xid"));
        assertTrue(alert.labels().get("advice").contains("drain the node"), alert.labels().toString());
        clock.advance(Duration.ofMinutes(16));
        assertEquals(List.of(), e.tick().active(), "no XID 79 in the last 15 minutes");
    }

    @Test
    void aBusyMinerBesideAnIdleJupyterKernelIsUnexplainedAndABusyKernelBesideAnIdleMinerIsNot() throws Exception {
        assertEquals(List.of("GPU 0 / pid 4711 (xmrig)"), unexplainedAlerts("0:1300:4:2,0:4711:88:30"));
        assertEquals(List.of(), unexplainedAlerts("0:1300:95:40,0:4711:0:0"),
                "the load is the Jupyter kernel's: the idle miner does not explain it, but is not what keeps it busy");
    }

    /** The unexplained-load alerts' subjects with GPU 0 at 97 % and these per-process samples from the fake. */
    private List<String> unexplainedAlerts(String procUtil) throws Exception {
        FakeNvml.configure(Map.of("FAKE_NVML_GPU_COUNT", "1", "FAKE_NVML_PROCS", "0:1300:1000,0:4711:2000",
                "FAKE_NVML_PROC_UTIL", procUtil));
        GpuSnapshot snapshot;
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString())) {
            snapshot = reader.read(clock.millis());
        }
        List<GpuProcessObservation> observed = new ArrayList<>();
        for (GpuReading g : snapshot.gpus()) {
            for (GpuProcess p : g.processes()) {
                observed.add(new GpuProcessObservation(g.index(), p.pid(), p.smUtilPercent()));
            }
        }
        DetectorInputs in = new DetectorInputs(
                () -> new HostSnapshot(0, List.of(KERNEL, XMRIG_IN_JUPYTER_DIR), List.of(), List.of()),
                () -> observed, List::of, Signatures.builtIn());
        Evaluator e = new Evaluator(clock, MetricReader.of(store), in);
        e.setRules(List.of(EvaluatorTest.rule("id: unexplained\ndetector: unexplained_gpu_load\nwindow: 30s\ncritical: 50")));
        Evaluation ev = null;
        for (int i = 0; i < 40; i++) {
            store.append(MetricId.of("gpu.utilization", "gpu", "0"), clock.millis(), 97);
            ev = e.tick();
            clock.advance(Duration.ofSeconds(1));
        }
        return ev.active().stream().map(RuleInstance::subject).toList();
    }
}
