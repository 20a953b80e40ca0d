package io.vigil.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.host.HostSnapshot;
import io.vigil.host.NetConnection;
import io.vigil.host.ProcessInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in playbooks, for real where the tools exist and with fake docker/kubectl that record their argv. */
class BuiltInPlaybooksTest {

    @TempDir
    Path dir;
    Rig rig;
    PlaybookCatalog catalog;
    final AtomicReference<HostSnapshot> snapshot = new AtomicReference<>(HostSnapshot.EMPTY);
    Process sleeper;

    @BeforeEach
    void setUp() throws Exception {
        rig = new Rig(dir, snapshot::get, 256 * 1024);
        catalog = PlaybookCatalog.load(rig.reader, null);
        sleeper = new ProcessBuilder("sleep", "300").start();
    }

    @AfterEach
    void tearDown() {
        sleeper.destroyForcibly();
        rig.close();
    }

    private RunResult run(String id, Map<String, String> params, RecordingListener l) throws Exception {
        return rig.runner.run(rig.runner.plan(catalog.find(id).orElseThrow(), params, Map.of()), l, true);
    }

    private static char state(long pid) throws Exception {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return s.charAt(s.lastIndexOf(')') + 2);
    }

    @Test
    void minerTriageFindsSignaturesPoolPortsAndRunsPs() throws Exception {
        int pid = (int) sleeper.pid();
        snapshot.set(new HostSnapshot(System.currentTimeMillis(), List.of(
                new ProcessInfo(1, 0, "init", "root", "/sbin/init", 0, 1 << 20, 0),
                new ProcessInfo(pid, 1, "xmrig", "mallory", "./xmrig --donate-level 1 -o stratum+tcp://pool.example:3333",
                        398.0, 512L << 20, 0)),
                List.of(), List.of(new NetConnection("tcp4", "10.0.0.2", 50123, "203.0.113.7", 3333, "ESTABLISHED", pid))));
        RecordingListener l = new RecordingListener(null);
        RunResult r = run("gpu-miner-triage", Map.of("pid", Integer.toString(pid)), l);
        assertEquals(StepStatus.SUCCEEDED, r.steps().get(0).status());
        assertEquals(StepStatus.SUCCEEDED, r.steps().get(1).status(), r.steps().get(1).output());
        String out = String.join("\n", l.lines);
        assertTrue(out.contains("MINER SIGNATURE: xmrig, stratum+tcp://, --donate-level"), out);
        assertTrue(out.contains("MINING-POOL PORT tcp4 10.0.0.2:50123 -> 203.0.113.7:3333"), out);
        assertTrue(out.contains("suggest suspend-process"), out);
        assertTrue(r.steps().get(1).output().contains(pid + " "), "ps shows the process");
    }

    @Test
    void aProcessNewerThanTheSnapshotIsDescribedFromTheOs() throws Exception {
        snapshot.set(new HostSnapshot(System.currentTimeMillis(), List.of(), List.of(), List.of()));
        RecordingListener l = new RecordingListener(null);
        RunResult r = run("gpu-miner-triage", Map.of("pid", Long.toString(sleeper.pid())), l);
        assertEquals(StepStatus.SUCCEEDED, r.steps().getFirst().status(), r.steps().getFirst().output());
        assertTrue(l.lines.contains("process " + sleeper.pid() + " is newer than the snapshot; from the OS now:"));
        assertTrue(l.lines.stream().anyMatch(s -> s.startsWith("process: pid " + sleeper.pid()) && s.contains("sleep 300")),
                l.lines.toString());
    }

    @Test
    void suspendResumeAndKillARealProcess() throws Exception {
        String pid = Long.toString(sleeper.pid());
        snapshot.set(new HostSnapshot(System.currentTimeMillis(), List.of(
                new ProcessInfo((int) sleeper.pid(), 1, "sleep", "me", "sleep 300", 0, 1 << 20, 0)), List.of(), List.of()));
        RunResult suspended = run("suspend-process", Map.of("pid", pid), new RecordingListener(null));
        assertEquals(RunStatus.SUCCEEDED, suspended.status(), suspended.toString());
        assertEquals('T', state(sleeper.pid()), "SIGSTOP suspended it");
        assertEquals(RunStatus.SUCCEEDED, run("resume-process", Map.of("pid", pid), new RecordingListener(null)).status());
        assertNotEquals('T', state(sleeper.pid()));
        RunResult killed = run("kill-process", Map.of("pid", pid), new RecordingListener(null));
        assertEquals(StepStatus.SUCCEEDED, killed.steps().get(3).status(), killed.toString());
        assertTrue(sleeper.waitFor(10, TimeUnit.SECONDS));
        assertEquals(List.of(List.of("kill", "-s", "STOP", pid)), killed.steps().get(1).commands());
    }

    @Test
    void signalsToInitAndToVigilItselfAreRefused() throws Exception {
        for (String pid : List.of("1", Long.toString(ProcessHandle.current().pid()))) {
            // Evidence-first overridden, so that the refusal, not a capture of init failing, is what is tested.
            RunPlan plan = rig.runner.plan(catalog.find("suspend-process").orElseThrow(), Map.of("pid", pid), Map.of());
            RunResult r = rig.runner.start(plan, new RecordingListener(null), true, java.util.Optional.of("test"))
                    .result().join();
            StepResult signal = r.steps().get(2);
            assertEquals(StepStatus.FAILED, signal.status());
            assertTrue(signal.message().startsWith("refusing to signal pid " + pid), signal.message());
            assertEquals(List.of(), signal.commands(), "kill never ran");
        }
    }

    @Test
    void containerCheckRunsDockerPsThenPsInEachContainer() throws Exception {
        rig.recorder("docker", """
                if [ "$1" = ps ] && [ "$2" = --format ]; then printf 'c0ffee01 web nginx:1.27\\nbadc0de2 trainer pytorch:2\\n'; exit 0; fi
                if [ "$1" = ps ]; then echo 'CONTAINER ID   IMAGE   NAMES'; exit 0; fi
                if [ "$1" = exec ] && [ "$2" = badc0de2 ]; then echo 'USER PID COMMAND'; echo 'root 7 /tmp/.x/xmrig -o stratum+tcp://p:3333'; exit 0; fi
                if [ "$1" = exec ]; then echo 'USER PID COMMAND'; echo 'root 1 nginx: master process'; exit 0; fi
                exit 2
                """);
        RecordingListener l = new RecordingListener(null);
        RunResult r = run("container-miner-check", Map.of(), l);
        assertEquals(RunStatus.SUCCEEDED, r.status(), r.message());
        assertEquals(List.of(List.of("ps", "--no-trunc"), List.of("ps", "--format", "{{.ID}} {{.Names}} {{.Image}}"),
                List.of("exec", "c0ffee01", "ps", "aux"), List.of("exec", "badc0de2", "ps", "aux")), rig.calls("docker"));
        String out = String.join("\n", l.lines);
        assertTrue(out.contains("MINER SIGNATURE [xmrig, stratum+tcp://, -o stratum+tcp://p:3333] in badc0de2 (trainer, pytorch:2)"), out);
        assertTrue(out.contains("2 containers checked; 1 with miner signatures"), out);
    }

    @Test
    void evidencePreservationCommitsSavesAndHashesIntoTheEvidenceFolder() throws Exception {
        rig.recorder("docker", """
                if [ "$1" = save ]; then printf 'image layers' > "$3"; fi
                if [ "$1" = inspect ]; then echo '[{"Id": "abc"}]'; fi
                exit 0
                """);
        RunPlan plan = rig.runner.plan(catalog.find("preserve-container-evidence").orElseThrow(),
                Map.of("container", "web-1"), Map.of());
        assertTrue(plan.destructive(), "committing pauses the container");
        RunResult r = rig.runner.run(plan, new RecordingListener(null), true);
        assertEquals(RunStatus.SUCCEEDED, r.status(), r.message());
        String image = "vigil-evidence:" + plan.runId();
        Path tar = plan.evidenceDir().resolve("container-image.tar");
        assertEquals(List.of(List.of("inspect", "web-1"), List.of("commit", "--pause=true", "web-1", image),
                List.of("save", "-o", tar.toString(), image)), rig.calls("docker"));
        String manifest = Files.readString(plan.evidenceDir().resolve("manifest.sha256"));
        assertTrue(manifest.startsWith(HashFilesAction.sha256(tar) + "  container-image.tar\n"), manifest);
        Path inspect = plan.evidenceDir().resolve("container-web-1/inspect.json");
        assertEquals("[{\"Id\": \"abc\"}]\n", Files.readString(inspect), "captured before the commit");
        assertTrue(manifest.contains(HashFilesAction.sha256(inspect) + "  container-web-1/inspect.json\n"), manifest);
    }

    @Test
    void isolatingAWorkloadRunsExactlyTheseKubectlCommands() throws Exception {
        rig.recorder("kubectl", "exit 0");
        RunPlan plan = rig.runner.plan(catalog.find("isolate-k8s-workload").orElseThrow(),
                Map.of("name", "llm-api", "namespace", "ml-prod", "node", "gpu-node-7"), Map.of());
        assertTrue(plan.destructive());
        RunResult r = rig.runner.run(plan, new RecordingListener(null), true);
        assertEquals(RunStatus.SUCCEEDED, r.status(), r.message());
        assertEquals(List.of(List.of("get", "deployment", "llm-api", "-n", "ml-prod", "-o", "yaml"),
                List.of("get", "pods", "-n", "ml-prod", "-o", "wide"),
                List.of("scale", "deployment", "llm-api", "--replicas=0", "-n", "ml-prod"),
                List.of("cordon", "gpu-node-7")), rig.calls("kubectl"));
    }

    @Test
    void modelIntegrityReportsNoDriftThenAChangedFile() throws Exception {
        Path models = Files.createDirectories(rig.roots.resolve("models/llama"));
        Files.writeString(models.resolve("model.safetensors"), "weights v1");
        Files.writeString(models.resolve("tokenizer.json"), "{}");
        Playbook baseline = rig.playbook("baseline", """
                name: Baseline
                parameters:
                  - {name: path, type: path}
                steps:
                  - {name: hash, action: hash_files, with: {path: "{{path}}"}}
                """);
        RunPlan b = rig.runner.plan(baseline, Map.of("path", models.toString()), Map.of());
        assertEquals(RunStatus.SUCCEEDED, rig.runner.run(b, RunListener.NONE, false).status());
        Path manifest = b.evidenceDir().resolve("manifest.sha256");
        Map<String, String> params = Map.of("path", models.toString(), "manifest", manifest.toString());
        RecordingListener clean = new RecordingListener(null);
        assertEquals(RunStatus.SUCCEEDED, run("model-integrity", params, clean).status());
        assertTrue(clean.lines.getLast().startsWith("no drift: 2 files"));
        Files.writeString(models.resolve("model.safetensors"), "weights v2 (poisoned)");
        RecordingListener drift = new RecordingListener(null);
        RunResult r = run("model-integrity", params, drift);
        assertEquals(RunStatus.FAILED, r.status());
        assertTrue(drift.lines.contains("CHANGED  model.safetensors"), drift.lines.toString());
    }

    @Test
    void exfiltrationCheckCapturesWhereTcpdumpExistsOrSaysItIsMissing() throws Exception {
        Files.writeString(Files.createDirectories(rig.roots.resolve("m")).resolve("new.gguf"), "x");
        RunPlan plan = rig.runner.plan(catalog.find("exfiltration-check").orElseThrow(), Map.of("duration", "1s"), Map.of());
        if (rig.runner.options().toolPath().find("tcpdump").isEmpty()) {
            assertFalse(plan.runnable());
            assertTrue(plan.blockers().getFirst().startsWith("Step 1 'Capture traffic' needs tcpdump, which is not on the PATH"));
            return;
        }
        RecordingListener l = new RecordingListener(null);
        RunResult r = rig.runner.run(plan, l, false);
        assertEquals(3, r.steps().size(), r.message());
        assertTrue(l.lines.stream().anyMatch(s -> s.endsWith("/m/new.gguf")), l.lines.toString());
    }

    @Test
    void pcapSummaryCountsBytesPerDestination() throws Exception {
        Path pcap = rig.evidence.resolve("t.pcap");
        Files.createDirectories(rig.evidence);
        ByteBuffer b = ByteBuffer.allocate(24 + 2 * (16 + 54)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        for (int i = 0; i < 2; i++) {
            b.putInt(0).putInt(0).putInt(54).putInt(1500);
            byte[] frame = new byte[54];
            frame[12] = 0x08;
            frame[14] = 0x45;
            frame[23] = 6;
            System.arraycopy(new byte[] {10, 0, 0, 5}, 0, frame, 30, 4);
            frame[36] = 0x01;
            frame[37] = (byte) 0xbb;
            b.put(frame);
        }
        Files.write(pcap, b.array());
        Playbook p = rig.playbook("summary", """
                name: Summary
                parameters:
                  - {name: path, type: path}
                steps:
                  - {name: sum, action: pcap_summary, with: {file: "{{path}}"}}
                """);
        RecordingListener l = new RecordingListener(null);
        assertEquals(RunStatus.SUCCEEDED, rig.runner.run(rig.runner.plan(p, Map.of("path", pcap.toString()), Map.of()),
                l, false).status());
        assertEquals("2 packets to 1 destinations; largest first:", l.lines.get(0));
        assertEquals("3000 bytes        2 packets  10.0.0.5:443/tcp", l.lines.get(1).strip());
    }

    @Test
    void awsGuardrailsSayTheyAreNotInThisBuild() throws Exception {
        RunPlan plan = rig.runner.plan(catalog.find("aws-guardrails").orElseThrow(),
                Map.of("email", "oncall@example.com", "monthly_limit", "5000"), Map.of());
        assertFalse(plan.runnable());
        assertEquals("Step 1 'Anomaly monitor, subscription and billing alarm': AWS guardrails are not available in this build", plan.blockers().getFirst());
    }
}
