package io.vigil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.fleet.FleetGpu;
import io.vigil.fleet.FleetNode;
import io.vigil.fleet.FleetProcess;
import io.vigil.fleet.FleetSnapshot;
import io.vigil.fleet.FleetSource;
import io.vigil.fleet.NodeHealth;
import io.vigil.host.HostSnapshot;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The detectors over a fleet snapshot built by hand, through the evaluator with a manual clock. */
class FleetDetectorsTest {

    static final String UUID_A0 = "GPU-aaaa0000-0000-0000-0000-000000000000";
    static final String UUID_B0 = "GPU-bbbb0000-0000-0000-0000-000000000000";
    static final String UUID_B1 = "GPU-bbbb1111-0000-0000-0000-000000000000";

    final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T12:00:00Z"));
    final SeriesStore store = new SeriesStore(100_000);
    final AtomicReference<FleetSnapshot> fleet = new AtomicReference<>(FleetSnapshot.EMPTY);
    final Signatures sig = Signatures.builtIn();

    static FleetProcess proc(int pid, String name) {
        return new FleetProcess(pid, name, OptionalLong.of(1L << 30), "", "", "");
    }

    static FleetProcess pod(String pod, String namespace, String container) {
        return new FleetProcess(0, "", OptionalLong.empty(), pod, namespace, container);
    }

    static FleetGpu gpu(String node, String uuid, double util, FleetProcess... procs) {
        return new FleetGpu(node, uuid, 0, "NVIDIA H100 80GB HBM3", Map.of(), OptionalDouble.of(util),
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.of(60), OptionalDouble.of(300),
                OptionalDouble.of(700), OptionalDouble.of(0), OptionalDouble.empty(), List.of(procs));
    }

    static FleetNode node(String name, NodeHealth health, FleetGpu... gpus) {
        return new FleetNode(name, Map.of("cluster", "train"), health, health == NodeHealth.DOWN
                ? "Get \"http://" + name + ":9835/metrics\": connection refused" : "", 1, OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                List.of(gpus));
    }

    static FleetSnapshot snapshot(FleetNode... nodes) {
        return new FleetSnapshot(0, "test", List.of(nodes), List.of());
    }

    Evaluator evaluator(String... rules) throws RuleFileException {
        DetectorInputs in = new DetectorInputs(() -> HostSnapshot.EMPTY, List::of, List::of, sig).withFleet(fleet::get);
        Evaluator e = new Evaluator(clock, MetricReader.of(store), in);
        List<Rule> parsed = new ArrayList<>();
        for (String r : rules) {
            parsed.add(EvaluatorTest.rule(r));
        }
        e.setRules(parsed);
        return e;
    }

    /** Publishes the snapshot the way the fleet source does, at the clock's time. */
    void publish(FleetSnapshot snap) throws Exception {
        fleet.set(snap);
        FleetSource source = new FleetSource(new io.vigil.fleet.FleetReader() {
            @Override
            public String origin() {
                return "test";
            }

            @Override
            public FleetSnapshot read(Instant now) {
                return snap;
            }

            @Override
            public io.vigil.telemetry.SeriesPoints history(String node, String gpuUuid, io.vigil.fleet.FleetMetric metric,
                                                           Instant start, Instant end, int maxPoints) {
                throw new UnsupportedOperationException();
            }
        }, Duration.ofSeconds(15));
        source.poll(clock.instant()).samples().forEach(store::append);
    }

    @Test
    void aMinerOnEveryGpuOfANodeIsOneAlertNamingItsGpusAndPids() throws Exception {
        Evaluator e = evaluator("id: miner-signature\ndetector: miner_signature\nwarning: 1\ncritical: 2");
        publish(snapshot(node("b", NodeHealth.UP, gpu("b", UUID_B0, 99, proc(4711, "xmrig")),
                gpu("b", UUID_B1, 98, proc(4712, "xmrig")))));
        Evaluation ev = e.tick();
        assertEquals(1, ev.active().size(), "one incident, one alert: " + ev.active());
        RuleInstance m = ev.active().getFirst();
        assertEquals(Map.of("node", "b", "process", "xmrig"), m.identity());
        assertEquals(UUID_B0 + "," + UUID_B1, m.labels().get("gpu"));
        assertEquals("4711,4712", m.labels().get("pid"));
        assertEquals("node b / 2 GPUs / pid 4711 (xmrig) and 1 more process", m.subject());
        // Spreading to another GPU keeps the same alert.
        publish(snapshot(node("b", NodeHealth.UP, gpu("b", UUID_B0, 99, proc(4711, "xmrig")))));
        assertEquals(m.identity(), e.tick().active().getFirst().identity());
    }

    @Test
    void aMinerOnNodeBsGpuFiresForNodeBOnlyWithNodeGpuPidAndPod() throws Exception {
        Evaluator e = evaluator("id: miner-signature\ndetector: miner_signature\nwarning: 1\ncritical: 2");
        publish(snapshot(
                node("a", NodeHealth.UP, gpu("a", UUID_A0, 97, proc(1200, "python3"))),
                node("b", NodeHealth.UP, gpu("b", UUID_B0, 99, proc(4711, "xmrig")),
                        gpu("b", UUID_B1, 98, pod("ethminer-5d9c7f8b6d-x2k9z", "batch", "ethminer")))));
        Evaluation ev = e.tick();
        assertEquals(2, ev.active().size(), "one per miner process, none for node a: " + ev.active());
        for (RuleInstance i : ev.active()) {
            assertEquals("b", i.labels().get("node"), i.toString());
            assertEquals(Severity.CRITICAL, i.severity(), "a miner name is a strong indicator");
        }
        RuleInstance xmrig = ev.active().stream().filter(i -> "4711".equals(i.labels().get("pid"))).findFirst()
                .orElseThrow();
        assertEquals(Map.of("node", "b", "process", "xmrig"), xmrig.identity(), "one per node and workload");
        assertEquals(UUID_B0, xmrig.labels().get("gpu"));
        assertEquals("xmrig", xmrig.labels().get("name"));
        assertEquals("node b / GPU " + UUID_B0 + " / pid 4711 (xmrig)", xmrig.subject());
        RuleInstance pod = ev.active().stream().filter(i -> i.labels().containsKey("pod")).findFirst().orElseThrow();
        assertEquals(UUID_B1, pod.labels().get("gpu"));
        assertEquals("ethminer-5d9c7f8b6d-x2k9z", pod.labels().get("pod"));
        assertEquals("batch", pod.labels().get("namespace"));
        assertEquals("ethminer", pod.labels().get("container"));
        assertFalse(pod.labels().containsKey("pid"), "dcgm-exporter gives no pid");
    }

    @Test
    void aMinerOnADownNodeIsNotReportedAsCurrentButItsAlertIsKept() throws Exception {
        Evaluator e = evaluator("id: miner-signature\ndetector: miner_signature\ncritical: 2");
        publish(snapshot(node("b", NodeHealth.UP, gpu("b", UUID_B0, 99, proc(4711, "xmrig")))));
        assertEquals(1, e.tick().active().size());
        clock.advance(Duration.ofSeconds(15));
        publish(snapshot(node("b", NodeHealth.DOWN, gpu("b", UUID_B0, 99, proc(4711, "xmrig")))));
        Evaluation ev = e.tick();
        assertEquals(1, ev.active().size(), "the node went silent; the miner was not seen to stop");
        clock.advance(Duration.ofSeconds(15));
        publish(snapshot(node("b", NodeHealth.UP, gpu("b", UUID_B0, 5))));
        assertEquals(0, e.tick().active().size(), "back up without the miner: resolved");
    }

    @Test
    void aNodeGoingDownRaisesSourceDownForItAndNoNoDataAlertsForItsGpus() throws Exception {
        Evaluator e = evaluator(
                "id: source-down\ndetector: source_down\ncritical: 1\nfor: 1m",
                "id: temp-missing\nmetric: gpu.temperature_c{node=\"*\",gpu=\"*\"}\nreducer: last\nwindow: 30s\n"
                        + "critical: 90\nno_data: alerting",
                "id: hot\nmetric: gpu.temperature_c{node=\"*\",gpu=\"*\"}\nreducer: last\nwindow: 30s\ncritical: 50");
        FleetSnapshot up = snapshot(node("a", NodeHealth.UP, gpu("a", UUID_A0, 10)),
                node("b", NodeHealth.UP, gpu("b", UUID_B0, 10), gpu("b", UUID_B1, 10)));
        Evaluation ev = null;
        for (int i = 0; i < 4; i++) {
            publish(up);
            ev = e.tick();
            clock.advance(Duration.ofSeconds(15));
        }
        assertEquals(2, ev.active().stream().filter(x -> x.ruleId().equals("hot")).count(),
                "60 °C > 50 on each GPU: one alert per node (ADR 0730)");
        assertEquals(0, ev.active().stream().filter(x -> !x.ruleId().equals("hot")).count(), ev.active().toString());

        FleetSnapshot bDown = snapshot(node("a", NodeHealth.UP, gpu("a", UUID_A0, 10)), node("b", NodeHealth.DOWN));
        for (int i = 0; i < 8; i++) {      // two minutes: past every window and the for: 1m
            publish(bDown);
            ev = e.tick();
            clock.advance(Duration.ofSeconds(15));
        }
        List<RuleInstance> down = ev.active().stream().filter(x -> x.ruleId().equals("source-down")).toList();
        assertEquals(1, down.size(), ev.active().toString());
        assertEquals("b", down.getFirst().labels().get("node"));
        assertEquals(InstancePhase.FIRING, down.getFirst().phase());
        assertTrue(down.getFirst().labels().get("reason").contains("connection refused"));
        assertEquals("node b (fleet)", down.getFirst().subject());
        assertEquals(0, ev.active().stream().filter(x -> x.ruleId().equals("temp-missing")).count(),
                "node b's GPUs went silent with their node: not a no-data alert each");
        List<RuleInstance> hot = ev.active().stream().filter(x -> x.ruleId().equals("hot")).toList();
        assertEquals(2, hot.size(), "node b's hot GPUs are not resolved by the silence either");
        RuleInstance hotB = hot.stream().filter(x -> "b".equals(x.labels().get("node"))).findFirst().orElseThrow();
        assertEquals(UUID_B0 + "," + UUID_B1, hotB.labels().get("gpu"), "still listing both GPUs");
        assertEquals(InstancePhase.FIRING, hotB.phase());

        publish(snapshot(node("a", NodeHealth.UP, gpu("a", UUID_A0, 10)), node("b", NodeHealth.UP)));
        ev = e.tick();
        assertEquals(0, ev.active().stream().filter(x -> x.ruleId().equals("source-down")).count(), "node b is back");
    }

    @Test
    void aSilentNodeFromRecordedHistoryAlsoKeepsItsStateWithoutASnapshot() throws Exception {
        // A backtest has no fleet snapshot, only the fleet.node.up series.
        Evaluator e = evaluator("id: temp-missing\nmetric: gpu.temperature_c{node=\"*\",gpu=\"*\"}\nreducer: last\n"
                + "window: 30s\ncritical: 90\nno_data: alerting");
        MetricId temp = MetricId.of("gpu.temperature_c", "node", "b", "gpu", UUID_B0);
        MetricId up = MetricId.of(FleetSource.NODE_UP, "node", "b");
        store.append(temp, clock.millis(), 60);
        store.append(up, clock.millis(), 1);
        assertEquals(0, e.tick().active().size());
        clock.advance(Duration.ofMinutes(1));
        store.append(up, clock.millis(), 0);
        assertEquals(0, e.tick().active().size(), "node b is down by its fleet.node.up series");
        clock.advance(Duration.ofSeconds(15));
        store.append(up, clock.millis(), 1);
        assertEquals(1, e.tick().active().size(), "up again but its GPU sends nothing: now that is no data");
    }

    @Test
    void unexplainedLoadOnAFleetGpuNamesThePodAndIsQuietForAnAllowedWorkload() throws Exception {
        Evaluator e = evaluator("id: unexplained-gpu-load\ndetector: unexplained_gpu_load\nreducer: avg\nwindow: 1m\n"
                + "critical: 50");
        publish(snapshot(
                node("a", NodeHealth.UP, gpu("a", UUID_A0, 97, pod("vllm-llama-7c9f5d8b4-abcde", "ml", "vllm"))),
                node("b", NodeHealth.UP, gpu("b", UUID_B0, 99, pod("batch-job-x", "batch", "worker")),
                        gpu("b", UUID_B1, 95))));
        Evaluation ev = e.tick();
        assertEquals(2, ev.active().size(), ev.active().toString());
        RuleInstance worker = ev.active().stream().filter(i -> UUID_B0.equals(i.labels().get("gpu"))).findFirst()
                .orElseThrow();
        assertEquals(Map.of("node", "b", "pod", "batch-job-x", "namespace", "batch", "container", "worker"),
                worker.identity(), "one per node and workload, as a miner (ADR 0730)");
        assertEquals("batch-job-x", worker.labels().get("pod"));
        assertEquals("batch", worker.labels().get("namespace"));
        assertEquals("node b / GPU " + UUID_B0 + " / pod batch/batch-job-x", worker.subject());
        RuleInstance hidden = ev.active().stream().filter(i -> UUID_B1.equals(i.labels().get("gpu"))).findFirst()
                .orElseThrow();
        assertTrue(hidden.subject().endsWith("no visible process"), hidden.subject());
    }

    @Test
    void aMinerPodSharingAGpuWithAnAllowedWorkloadIsUnexplainedAndFoundByItsPodName() throws Exception {
        Evaluator e = evaluator("id: unexplained-gpu-load\ndetector: unexplained_gpu_load\nwindow: 1m\ncritical: 50",
                "id: miner-signature\ndetector: miner_signature\nwarning: 1\ncritical: 2");
        publish(snapshot(node("a", NodeHealth.UP, gpu("a", UUID_A0, 97,
                pod("vllm-llama-7c9f5d8b4-abcde", "ml", "vllm"), pod("xmrig-6c8d9f7b5-qwxyz", "ml", "worker")))));
        Evaluation ev = e.tick();
        RuleInstance load = ev.active().stream().filter(i -> i.ruleId().equals("unexplained-gpu-load")).findFirst()
                .orElseThrow(() -> new AssertionError("one allowed pod must not explain a miner beside it"));
        assertEquals("xmrig-6c8d9f7b5-qwxyz", load.labels().get("pod"));
        RuleInstance miner = ev.active().stream().filter(i -> i.ruleId().equals("miner-signature")).findFirst()
                .orElseThrow();
        assertEquals("miner name 'xmrig' (pod name)", miner.labels().get("reasons"));
        assertEquals(2, ev.active().size(), "vllm is neither: " + ev.active());
    }

    @Test
    void aNodeWhoseExporterGivesNoProcessesIsNotAnUnexplainedLoadStorm() throws Exception {
        Evaluator e = evaluator("id: unexplained-gpu-load\ndetector: unexplained_gpu_load\nwindow: 1m\ncritical: 50");
        publish(snapshot(node("c", NodeHealth.UP, gpu("c", UUID_A0, 99), gpu("c", UUID_B0, 99))));
        assertEquals(0, e.tick().active().size(), "dcgm-exporter outside Kubernetes reports no processes at all");
    }

    @Test
    void localGpusKeepWorkingBesideFleetGpus() throws Exception {
        Evaluator e = evaluator("id: hot\nmetric: gpu.temperature_c{gpu=\"*\"}\nreducer: last\ncritical: 50",
                "id: unexplained-gpu-load\ndetector: unexplained_gpu_load\nwindow: 1m\ncritical: 50");
        store.append(MetricId.of("gpu.temperature_c", "gpu", "0"), clock.millis(), 70);
        store.append(MetricId.of("gpu.utilization", "gpu", "0"), clock.millis(), 90);
        publish(snapshot(node("b", NodeHealth.UP, gpu("b", UUID_B0, 10, proc(1, "python3")))));
        Evaluation ev = e.tick();
        List<String> subjects = ev.active().stream().map(i -> i.ruleId() + ": " + i.subject()).sorted().toList();
        assertEquals(List.of("hot: GPU 0", "hot: node b / GPU " + UUID_B0, "unexplained-gpu-load: GPU 0 / no visible process"),
                subjects);
    }
}
