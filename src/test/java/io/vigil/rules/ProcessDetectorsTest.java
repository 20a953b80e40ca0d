package io.vigil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.host.HostSnapshot;
import io.vigil.host.NetConnection;
import io.vigil.host.ProcessInfo;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Miner signatures and unexplained GPU load against sample process lists. */
class ProcessDetectorsTest {

    static ProcessInfo proc(int pid, String name, String user, String cmd) {
        return new ProcessInfo(pid, 1, name, user, cmd, 90, 1 << 30, 0);
    }

    static final ProcessInfo VLLM = proc(1200, "python3", "ml", "python3 -m vllm.entrypoints.openai.api_server --model llama");
    static final ProcessInfo SSHD = proc(800, "sshd", "root", "/usr/sbin/sshd -D");
    static final ProcessInfo XMRIG = proc(4711, "xmrig", "www-data", "./xmrig -o pool.supportxmr.com:3333 --donate-level 1");
    /** A miner renamed to look like a training job; only its command line gives it away. */
    static final ProcessInfo RENAMED = proc(5150, "python3", "ml",
            "python3 train.py --url stratum+tcp://eu.pool.example.net:4444 --threads 8");
    static final ProcessInfo FLAG_ONLY = proc(6000, "worker", "ci", "worker --algo kawpow");
    static final ProcessInfo QUIET = proc(6100, "node", "app", "node server.js");

    final Signatures sig = Signatures.builtIn();

    @Test
    void minerNamesUrlsFlagsAndPoolPortsAreFound() {
        HostSnapshot snap = new HostSnapshot(0, List.of(VLLM, SSHD, XMRIG, RENAMED, FLAG_ONLY, QUIET), List.of(),
                List.of(new NetConnection("tcp", "10.0.0.5", 50500, "203.0.113.9", 3333, "ESTABLISHED", 4711),
                        new NetConnection("tcp", "10.0.0.5", 50501, "198.51.100.7", 443, "ESTABLISHED", 6100)));
        var matches = ProcessDetectors.miners(snap, sig);
        Map<Integer, ProcessDetectors.MinerMatch> byPid = new java.util.HashMap<>();
        matches.forEach(m -> byPid.put(m.process().pid(), m));
        assertEquals(java.util.Set.of(4711, 5150, 6000), byPid.keySet(), "vllm, sshd and node are not miners");
        assertEquals(2 + 1 + 1 + 1, byPid.get(4711).score(), "name, -o pool, pool host and pool port: "
                + byPid.get(4711).reasons());
        assertEquals(2, byPid.get(5150).score(), "the renamed miner is caught by its stratum URL");
        assertTrue(byPid.get(5150).reasons().getFirst().contains("stratum+tcp://"));
        assertEquals(1, byPid.get(6000).score(), "a miner flag alone is a weak sign");
    }

    @Test
    void minerRuleRaisesCriticalForTheRenamedMinerWithItsGpu() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-02T12:00:00Z"));
        DetectorInputs in = new DetectorInputs(() -> new HostSnapshot(0, List.of(VLLM, RENAMED, FLAG_ONLY), List.of(), List.of()),
                () -> List.of(new GpuProcessObservation(2, 5150)), List::of, sig);
        Evaluator e = new Evaluator(clock, MetricReader.of(new SeriesStore(10)), in);
        e.setRules(List.of(EvaluatorTest.rule("id: miner\ndetector: miner_signature\nwarning: 1\ncritical: 2")));
        Evaluation ev = e.tick();
        assertEquals(2, ev.active().size());
        RuleInstance renamed = ev.active().stream().filter(i -> i.identity().get("pid").equals("5150")).findFirst().orElseThrow();
        assertEquals(Severity.CRITICAL, renamed.severity());
        assertEquals("GPU 2 / pid 5150 (python3)", renamed.subject());
        assertEquals("2", renamed.labels().get("gpu"));
        RuleInstance weak = ev.active().stream().filter(i -> i.identity().get("pid").equals("6000")).findFirst().orElseThrow();
        assertEquals(Severity.WARNING, weak.severity());
    }

    /**
     * The rules evaluate every second but the processes change every few seconds: one scan per
     * snapshot (the same answer, not a recomputed one), and a new snapshot is scanned afresh.
     */
    @Test
    void theMinerScanRunsOncePerHostSnapshotAndAgainForANewOne() throws Exception {
        HostScan scan = new HostScan();
        HostSnapshot quiet = new HostSnapshot(0, List.of(VLLM, QUIET), List.of(), List.of());
        List<ProcessDetectors.MinerMatch> first = scan.miners(quiet, sig);
        assertEquals(List.of(), first);
        assertSame(first, scan.miners(quiet, sig), "the same snapshot is not scanned twice");
        Map<Integer, ProcessInfo> byPid = scan.byPid(quiet);
        assertSame(byPid, scan.byPid(quiet), "nor indexed twice");
        assertEquals(VLLM, byPid.get(1200));

        HostSnapshot mined = new HostSnapshot(5000, List.of(VLLM, XMRIG), List.of(), List.of());
        assertEquals(List.of(4711), scan.miners(mined, sig).stream().map(m -> m.process().pid()).toList());
        assertEquals(XMRIG, scan.byPid(mined).get(4711));

        // Through the evaluator: the next snapshot's miner is found at the next evaluation.
        ManualClock clock = new ManualClock(Instant.parse("2026-03-02T12:00:00Z"));
        AtomicReference<HostSnapshot> host = new AtomicReference<>(quiet);
        Evaluator e = new Evaluator(clock, MetricReader.of(new SeriesStore(10)),
                new DetectorInputs(host::get, List::of, List::of, sig));
        e.setRules(List.of(EvaluatorTest.rule("id: miner\ndetector: miner_signature\nwarning: 1\ncritical: 2")));
        assertEquals(List.of(), e.tick().active());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(), e.tick().active());
        host.set(mined);
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of("4711"), e.tick().active().stream().map(a -> a.identity().get("pid")).toList());
    }

    @Test
    void unexplainedGpuLoadFiresOnlyWithoutAnAllowedWorkload() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-02T12:00:00Z"));
        SeriesStore store = new SeriesStore(10_000);
        AtomicReference<List<ProcessInfo>> procs = new AtomicReference<>(List.of(VLLM, XMRIG));
        AtomicReference<List<GpuProcessObservation>> onGpu = new AtomicReference<>(List.of(
                new GpuProcessObservation(0, 1200), new GpuProcessObservation(1, 4711)));
        DetectorInputs in = new DetectorInputs(() -> new HostSnapshot(0, procs.get(), List.of(), List.of()),
                onGpu::get, List::of, sig);
        Evaluator e = new Evaluator(clock, MetricReader.of(store), in);
        e.setRules(List.of(EvaluatorTest.rule("id: unexplained\ndetector: unexplained_gpu_load\nwindow: 30s\ncritical: 50\nfor: 2m")));
        List<Evaluation> evs = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            store.append(MetricId.of("gpu.utilization", "gpu", "0"), clock.millis(), 97);
            store.append(MetricId.of("gpu.utilization", "gpu", "1"), clock.millis(), 99);
            store.append(MetricId.of("gpu.utilization", "gpu", "2"), clock.millis(), 3);
            evs.add(e.tick());
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals("PENDING", evs.get(119).active().getFirst().phase().name(), "busy but not yet for 2 minutes");
        Evaluation last = evs.getLast();
        assertEquals(1, last.active().size(), "GPU 0 runs vLLM (allowed); GPU 2 is idle; only GPU 1 fires");
        RuleInstance i = last.active().getFirst();
        assertEquals(InstancePhase.FIRING, i.phase());
        assertEquals("GPU 1 / pid 4711 (xmrig)", i.subject());
        assertEquals("4711", i.labels().get("pid"));
        // Folded per workload (ADR 0740): the alert is the miner's, listing GPU 1.
        assertEquals(Map.of("process", "xmrig", "user", "www-data"), i.identity());
        assertEquals("1", i.labels().get("gpu"));

        // A busy GPU with no process the host can see is unexplained too (hidden or in another namespace).
        onGpu.set(List.of(new GpuProcessObservation(0, 1200)));
        procs.set(List.of(VLLM));
        RuleInstance hidden = e.tick().active().getFirst();
        assertEquals("GPU 1 / no visible process", hidden.subject());
    }

    @Test
    void userEditedListsInTheConfigDirectoryAreUsed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Signatures first = Signatures.load(dir);
        assertTrue(java.nio.file.Files.exists(dir.resolve(Signatures.ALLOW_FILE)), "written on first run");
        assertTrue(first.minerNames().contains("xmrig"));
        java.nio.file.Files.writeString(dir.resolve(Signatures.ALLOW_FILE), "# ours\nmy-trainer\n");
        Signatures edited = Signatures.load(dir);
        assertEquals(List.of("my-trainer"), edited.allowed());
        assertTrue(ProcessDetectors.allowed(proc(1, "my-trainer", "", ""), edited));
        assertTrue(!ProcessDetectors.allowed(VLLM, edited), "vllm is no longer on the edited list");
    }
}
