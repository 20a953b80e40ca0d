package io.vigil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.host.HostSnapshot;
import io.vigil.host.ProcessInfo;
import io.vigil.playbook.AlertContext;
import io.vigil.playbook.ParameterBinder;
import io.vigil.playbook.Playbook;
import io.vigil.playbook.PlaybookException;
import io.vigil.playbook.PlaybookFile;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesStore;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * This machine's unexplained-load alerts folded per workload (ADR 0740), through the evaluator with a
 * manual clock, a real series store and process lists as the host reader gives them.
 */
class LocalAlertGroupsTest {

    static ProcessInfo proc(int pid, String name, String user) {
        return ProcessDetectorsTest.proc(pid, name, user, "./" + name + " --threads 8");
    }

    final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T12:00:00Z"));
    final SeriesStore store = new SeriesStore(100_000);
    /** Utilization by GPU index (the series key here: no UUIDs). */
    final Map<Integer, Double> util = new LinkedHashMap<>();
    /** Processes by GPU index. */
    final Map<Integer, List<ProcessInfo>> onGpu = new LinkedHashMap<>();
    final AtomicReference<List<ProcessInfo>> host = new AtomicReference<>(List.of());
    final Evaluator e;

    LocalAlertGroupsTest() throws Exception {
        DetectorInputs in = new DetectorInputs(() -> new HostSnapshot(0, host.get(), List.of(), List.of()), () -> {
            List<GpuProcessObservation> out = new ArrayList<>();
            onGpu.forEach((gpu, ps) -> ps.forEach(p -> out.add(new GpuProcessObservation(gpu, p.pid()))));
            return out;
        }, List::of, Signatures.builtIn());
        e = new Evaluator(clock, MetricReader.of(store), in);
        e.setRules(List.of(EvaluatorTest.rule(
                "id: unexplained\ndetector: unexplained_gpu_load\nwindow: 30s\nwarning: 50\ncritical: 90\nfor: 1m")));
    }

    /** Sets GPU {@code gpu} busy at {@code percent} with {@code procs} (none: idle and empty). */
    void gpu(int gpu, double percent, ProcessInfo... procs) {
        util.put(gpu, percent);
        onGpu.put(gpu, List.of(procs));
        List<ProcessInfo> all = new ArrayList<>();
        onGpu.values().forEach(ps -> ps.stream().filter(p -> !all.contains(p)).forEach(all::add));
        host.set(all);
    }

    /** Runs for {@code d}, a point per GPU and a tick every 5 s; the last evaluation. */
    Evaluation run(Duration d) {
        Evaluation ev = null;
        for (long s = 0; s <= d.toSeconds(); s += 5) {
            util.forEach((gpu, v) -> store.append(MetricId.of("gpu.utilization", "gpu", gpu.toString()), clock.millis(), v));
            ev = e.tick();
            clock.advance(Duration.ofSeconds(5));
        }
        return ev;
    }

    static RuleInstance only(Evaluation ev) {
        assertEquals(1, ev.active().size(), ev.active().toString());
        return ev.active().getFirst();
    }

    @Test
    void oneAlertPerWorkloadWhoseGpusJoinAndLeaveAndThatResolvesWhenNoneRemain() {
        ProcessInfo miner = proc(4711, "xmrig", "www-data");
        gpu(0, 2);
        gpu(1, 95, miner);
        gpu(2, 60, miner);
        RuleInstance i = only(run(Duration.ofSeconds(90)));
        String key = i.dedupKey();
        assertEquals(Map.of("process", "xmrig", "user", "www-data"), i.identity());
        assertEquals(InstancePhase.FIRING, i.phase());
        assertEquals("1,2", i.labels().get("gpu"));
        assertEquals("1=95, 2=60", i.labels().get("values"));
        assertEquals(Severity.CRITICAL, i.severity(), "the worst GPU's");
        assertEquals("4711", i.labels().get("pid"));
        assertEquals("GPUs 1, 2 / pid 4711 (xmrig)", i.subject());

        // GPU 0 joins: listed at once, pending until its own `for` has passed.
        gpu(0, 97, miner);
        i = only(run(Duration.ofSeconds(20)));
        assertEquals(key, i.dedupKey());
        assertEquals("0,1,2", i.labels().get("gpu"));
        assertEquals("0", i.labels().get("gpu_pending"));
        i = only(run(Duration.ofSeconds(60)));
        assertFalse(i.labels().containsKey("gpu_pending"), i.labels().toString());

        // The miner restarts under a new pid: the same alert, now naming the new pid.
        ProcessInfo restarted = proc(4800, "xmrig", "www-data");
        gpu(0, 97, restarted);
        gpu(1, 95, restarted);
        gpu(2, 60, restarted);
        i = only(run(Duration.ofSeconds(10)));
        assertEquals(key, i.dedupKey(), "a restart is not a new incident");
        assertEquals("4800", i.labels().get("pid"));
        assertEquals(InstancePhase.FIRING, i.phase());

        // GPU 2 goes idle: it leaves; the alert stays.
        gpu(2, 3);
        i = only(run(Duration.ofSeconds(60)));
        assertEquals(key, i.dedupKey());
        assertEquals("0,1", i.labels().get("gpu"));
        assertEquals("GPUs 0, 1 / pid 4800 (xmrig)", i.subject());

        // None left: resolved.
        gpu(0, 3);
        gpu(1, 3);
        assertTrue(run(Duration.ofSeconds(60)).active().isEmpty());
    }

    @Test
    void anotherWorkloadIsAnotherAlertAndAGpuWhoseProcessExitedStaysWithItsWorkload() {
        ProcessInfo miner = proc(4711, "xmrig", "www-data");
        ProcessInfo other = proc(7000, "trainer", "bob");
        gpu(0, 95, miner);
        gpu(1, 95, miner);
        gpu(2, 95, other);
        Evaluation ev = run(Duration.ofSeconds(90));
        assertEquals(2, ev.active().size(), ev.active().toString());
        RuleInstance m = ev.active().stream().filter(x -> "xmrig".equals(x.labels().get("process"))).findFirst().orElseThrow();
        assertEquals("0,1", m.labels().get("gpu"));
        RuleInstance t = ev.active().stream().filter(x -> "trainer".equals(x.labels().get("process"))).findFirst().orElseThrow();
        assertEquals("2", t.labels().get("gpu"));
        assertEquals("7000", t.labels().get("pid"));

        // The miner on GPU 0 exits while the window's average is still high: GPU 0 stays in the miner's
        // alert (no new "no visible process" alert), which still names the pid left on GPU 1.
        gpu(0, 95);
        ev = run(Duration.ofSeconds(5));
        assertEquals(2, ev.active().size(), ev.active().toString());
        m = ev.active().stream().filter(x -> "xmrig".equals(x.labels().get("process"))).findFirst().orElseThrow();
        assertEquals("0,1", m.labels().get("gpu"));
        assertEquals("4711", m.labels().get("pid"));
    }

    @Test
    void aWorkloadOfSeveralProcessesBindsOnePidToTheKillPlaybookAndListsThemAll() throws Exception {
        ProcessInfo a = proc(4800, "xmrig", "www-data");
        ProcessInfo b = proc(4801, "xmrig", "www-data");
        gpu(0, 95, a);
        gpu(1, 95, b);
        RuleInstance i = only(run(Duration.ofSeconds(90)));
        assertEquals("4800", i.labels().get("pid"), "GPU 0's process, the first by index");
        assertEquals("4800,4801", i.labels().get("pids"));
        assertEquals("GPUs 0, 1 / pid 4800 (xmrig) and 1 more process", i.subject());

        // The shipped playbooks take the one pid from the alert, as the Alerts view opens them.
        ParameterBinder binder = new ParameterBinder(List.of());
        Map<String, String> context = AlertContext.forPlaybook(i.labels());
        for (String name : List.of("kill-process", "suspend-process", "gpu-miner-triage")) {
            Playbook p = builtIn(name);
            Map<String, String> bound = binder.bind(p, Map.of(), context);
            assertEquals("4800", bound.get("pid"), name);
        }
        // Why one: a pid parameter refuses a list.
        Map<String, String> listed = new LinkedHashMap<>(context);
        listed.put("pid", i.labels().get("pids"));
        assertThrows(PlaybookException.class, () -> binder.bind(builtIn("kill-process"), Map.of(), listed));
    }

    static Playbook builtIn(String name) throws Exception {
        try (InputStream in = LocalAlertGroupsTest.class.getResourceAsStream("/io/vigil/playbook/builtin/" + name + ".yaml")) {
            return new PlaybookFile().parse(name, in.readAllBytes(), name + ".yaml", true);
        }
    }
}
