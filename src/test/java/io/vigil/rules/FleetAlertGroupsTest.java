package io.vigil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.fleet.FleetGpu;
import io.vigil.fleet.FleetNode;
import io.vigil.fleet.FleetProcess;
import io.vigil.fleet.FleetSnapshot;
import io.vigil.fleet.NodeHealth;
import io.vigil.playbook.AlertContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Per-GPU fleet alerts folded into one per node and cause (ADR 0730), through the evaluator with the
 * shipped rules, a manual clock and snapshots published the way the fleet source publishes them.
 */
class FleetAlertGroupsTest {

    final FleetDetectorsTest f = new FleetDetectorsTest();

    static String uuid(String node, int index) {
        return "GPU-" + node + "0000-0000-4000-8000-00000000000" + index;
    }

    static FleetGpu gpu(String node, int index, double util, double tempC, FleetProcess... procs) {
        return new FleetGpu(node, uuid(node, index), index, "NVIDIA H100 80GB HBM3", Map.of(), OptionalDouble.of(util),
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.of(tempC), OptionalDouble.of(300),
                OptionalDouble.of(700), OptionalDouble.of(0), OptionalDouble.empty(), List.of(procs));
    }

    /** A node with 8 GPUs at the temperatures {@code tempC} gives by index, busy at 95 % with {@code procs}. */
    static FleetNode node(String name, IntToDoubleFunction tempC, FleetProcess... procs) {
        List<FleetGpu> gpus = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            gpus.add(gpu(name, i, 95, tempC.applyAsDouble(i), procs));
        }
        return FleetDetectorsTest.node(name, NodeHealth.UP, gpus.toArray(FleetGpu[]::new));
    }

    static Rule shipped(String id) throws RuleFileException {
        return new RuleFile().parse("rules.yaml", RuleRepository.defaultText()).stream()
                .filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    Evaluator evaluator(Rule rule) throws RuleFileException {
        Evaluator e = f.evaluator();
        e.setRules(List.of(rule));
        return e;
    }

    /** Publishes {@code snap} every 15 s for {@code d} and evaluates each time; the last evaluation. */
    Evaluation run(Evaluator e, FleetSnapshot snap, Duration d) throws Exception {
        Evaluation ev = null;
        for (long s = 0; s <= d.toSeconds(); s += 15) {
            f.publish(snap);
            ev = e.tick();
            f.clock.advance(Duration.ofSeconds(15));
        }
        return ev;
    }

    static List<RuleInstance> about(Evaluation ev, String node) {
        return ev.active().stream().filter(i -> node.equals(i.labels().get("node"))).toList();
    }

    static String uuids(String node, int... indices) {
        List<String> out = new ArrayList<>();
        for (int i : indices) {
            out.add(uuid(node, i));
        }
        return String.join(",", out);
    }

    @Test
    void eightHotGpusOnANodeAreOneAlertThatFollowsThemAndResolvesWhenNoneRemain() throws Exception {
        // The shipped rule: warning 85, critical 90, clear 80, max over 1m, for 1m.
        Evaluator e = evaluator(shipped("gpu-temperature-critical"));
        Evaluation ev = run(e, FleetDetectorsTest.snapshot(node("b", i -> i == 7 ? 87 : 92 + i / 4.0),
                node("a", i -> 60)), Duration.ofMinutes(2));
        assertEquals(1, ev.active().size(), "one alert for node b's 8 GPUs, none for node a: " + ev.active());
        RuleInstance hot = ev.active().getFirst();
        assertEquals(Map.of("node", "b"), hot.identity());
        assertEquals(InstancePhase.FIRING, hot.phase());
        assertEquals(Severity.CRITICAL, hot.severity(), "the worst of them (GPU 7 is only warning)");
        assertEquals(93.5, hot.value(), 1e-9, "the hottest GPU's value");
        assertEquals(uuids("b", 0, 1, 2, 3, 4, 5, 6, 7), hot.labels().get("gpu"));
        assertEquals("0,1,2,3,4,5,6,7", hot.labels().get("index"));
        assertEquals("0=92, 1=92.25, 2=92.5, 3=92.75, 4=93, 5=93.25, 6=93.5, 7=87", hot.labels().get("values"));
        assertEquals("node b / 8 GPUs", hot.subject());
        assertTrue(hot.metric().contains(uuid("b", 6)), "its chart is the hottest GPU's series: " + hot.metric());
        String key = hot.dedupKey();

        // GPUs 0-5 cool down (below clear, past the 1m window): the same alert lists the two left.
        ev = run(e, FleetDetectorsTest.snapshot(node("b", i -> i == 7 ? 87 : i == 6 ? 91 : 70), node("a", i -> 60)),
                Duration.ofMinutes(2));
        hot = ev.active().getFirst();
        assertEquals(1, ev.active().size(), ev.active().toString());
        assertEquals(key, hot.dedupKey(), "the same alert, updated");
        assertEquals(uuids("b", 6, 7), hot.labels().get("gpu"));
        assertEquals("6,7", hot.labels().get("index"));
        assertEquals("6=91, 7=87", hot.labels().get("values"));
        assertEquals("node b / 2 GPUs", hot.subject());
        assertEquals(Severity.CRITICAL, hot.severity());

        // GPU 6 cools too: GPU 7 alone is warning; a GPU held between clear (80) and warning stays listed.
        ev = run(e, FleetDetectorsTest.snapshot(node("b", i -> i == 7 ? 84 : 70), node("a", i -> 60)),
                Duration.ofMinutes(2));
        hot = ev.active().getFirst();
        assertEquals(key, hot.dedupKey());
        assertEquals(uuid("b", 7), hot.labels().get("gpu"));
        assertEquals(Severity.WARNING, hot.severity(), "the worst left");
        assertEquals("node b / GPU " + uuid("b", 7), hot.subject());

        // None remains: resolved.
        ev = run(e, FleetDetectorsTest.snapshot(node("b", i -> 70), node("a", i -> 60)), Duration.ofMinutes(2));
        assertEquals(List.of(), ev.active(), "resolved when none remain");
    }

    @Test
    void twoHotNodesAreTwoAlertsAndAGpuJoiningLaterIsPendingUntilItsForHasPassed() throws Exception {
        Evaluator e = evaluator(shipped("gpu-temperature-critical"));
        Evaluation ev = run(e, FleetDetectorsTest.snapshot(node("b", i -> i < 3 ? 95 : 60), node("c", i -> i == 5 ? 91 : 60),
                node("a", i -> 60)), Duration.ofMinutes(2));
        assertEquals(2, ev.active().size(), ev.active().toString());
        assertEquals(uuids("b", 0, 1, 2), about(ev, "b").getFirst().labels().get("gpu"));
        assertEquals(uuid("c", 5), about(ev, "c").getFirst().labels().get("gpu"));
        assertTrue(about(ev, "a").isEmpty());

        // GPU 4 of node b heats up: listed at once as pending (its own 1m 'for'), then among the firing ones.
        FleetSnapshot more = FleetDetectorsTest.snapshot(node("b", i -> i < 3 || i == 4 ? 95 : 60),
                node("c", i -> i == 5 ? 91 : 60), node("a", i -> 60));
        f.publish(more);
        RuleInstance b = about(e.tick(), "b").getFirst();
        assertEquals(InstancePhase.FIRING, b.phase());
        assertEquals(uuids("b", 0, 1, 2, 4), b.labels().get("gpu"));
        assertEquals(uuid("b", 4), b.labels().get("gpu_pending"));
        ev = run(e, more, Duration.ofMinutes(2));
        b = about(ev, "b").getFirst();
        assertEquals(uuids("b", 0, 1, 2, 4), b.labels().get("gpu"));
        assertFalse(b.labels().containsKey("gpu_pending"), b.labels().toString());
        assertEquals(2, ev.active().size());
    }

    @Test
    void unexplainedLoadOnEveryGpuOfANodeIsOneAlertPerWorkloadBoundToItsDeployment() throws Exception {
        Rule rule = shipped("unexplained-gpu-load");
        Evaluator e = evaluator(rule);
        FleetProcess miner = FleetDetectorsTest.pod("cache-warmer-7c9f5d8b4-qwxzk", "batch", "warmer");
        FleetProcess other = FleetDetectorsTest.proc(4242, "mystery");
        List<FleetGpu> gpus = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            gpus.add(gpu("b", i, 99, 70, i == 7 ? other : miner));
        }
        FleetSnapshot snap = FleetDetectorsTest.snapshot(
                FleetDetectorsTest.node("b", NodeHealth.UP, gpus.toArray(FleetGpu[]::new)),
                node("c", i -> 60, FleetDetectorsTest.pod("batch-job-x", "batch", "worker")));
        Evaluation ev = run(e, snap, Duration.ofMinutes(11)); // the shipped for: 10m
        assertEquals(3, ev.active().size(), "node b: the pod's 7 GPUs and the other process; node c: its pod: "
                + ev.active());
        RuleInstance pod = ev.active().stream().filter(i -> "cache-warmer-7c9f5d8b4-qwxzk".equals(i.labels().get("pod")))
                .findFirst().orElseThrow();
        assertEquals(Map.of("node", "b", "pod", "cache-warmer-7c9f5d8b4-qwxzk", "namespace", "batch", "container", "warmer"),
                pod.identity());
        assertEquals(uuids("b", 0, 1, 2, 3, 4, 5, 6), pod.labels().get("gpu"));
        assertEquals(InstancePhase.FIRING, pod.phase());
        assertEquals("node b / 7 GPUs / pod batch/cache-warmer-7c9f5d8b4-qwxzk", pod.subject());
        // ADR 0722: the folded alert still binds the fleet playbook to the pod's Deployment.
        assertEquals("isolate-k8s-workload", rule.playbookFor(pod.labels()));
        Map<String, String> context = AlertContext.forPlaybook(pod.labels());
        assertEquals("cache-warmer", context.get("name"));
        assertEquals("batch", context.get("namespace"));
        RuleInstance mystery = ev.active().stream().filter(i -> "mystery".equals(i.labels().get("process")))
                .findFirst().orElseThrow();
        assertEquals(uuid("b", 7), mystery.labels().get("gpu"));
        assertEquals("4242", mystery.labels().get("pid"));
        assertEquals(1, about(ev, "c").size(), "node c's 8 GPUs busy with one pod: one alert");
        assertEquals("node c / 8 GPUs / pod batch/batch-job-x", about(ev, "c").getFirst().subject());
    }

    @Test
    void instancesWithoutANodeAndGpuPassThroughUnchanged() throws Exception {
        Rule rule = shipped("gpu-temperature-critical");
        java.time.Instant t = java.time.Instant.parse("2026-03-02T12:00:00Z");
        RuleInstance local = new RuleInstance(rule.id(), Map.of("gpu", "GPU-x"), Map.of("gpu", "GPU-x"), "GPU 0",
                Severity.CRITICAL, 95, InstancePhase.FIRING, t, t, "gpu.temperature_c{gpu=\"GPU-x\"}");
        RuleInstance down = new RuleInstance("source-down", Map.of("source", "fleet", "node", "b"),
                Map.of("source", "fleet", "node", "b"), "node b (fleet)", Severity.CRITICAL, 1, InstancePhase.PENDING, t,
                null, "");
        assertEquals(List.of(local, down), FleetAlertGroups.fold(rule, List.of(local, down), (n, u) -> null));
        RuleInstance fleet = new RuleInstance(rule.id(), Map.of("node", "b", "gpu", "GPU-y"),
                Map.of("node", "b", "gpu", "GPU-y"), "node b / GPU GPU-y", Severity.WARNING, 86, InstancePhase.PENDING, t,
                null, "");
        RuleInstance folded = FleetAlertGroups.fold(rule, List.of(fleet), (n, u) -> null).getFirst();
        assertEquals(Map.of("node", "b"), folded.identity());
        assertEquals("GPU-y", folded.labels().get("gpu"));
        assertEquals("GPU-y=86", folded.labels().get("values"), "by UUID when the index is not known");
        assertFalse(folded.labels().containsKey("index"));
        assertNull(folded.firedAt());
    }
}
