package io.vigil.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.host.HostSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evidence-first containment with real parts: a real process killed by the built-in kill-process
 * playbook through the real runner, the real /proc, a real SQLite audit log.
 */
class EvidenceFirstTest {

    @TempDir
    Path dir;
    Rig rig;
    PlaybookCatalog catalog;
    Process victim;

    @BeforeEach
    void setUp() throws Exception {
        rig = new Rig(dir, () -> HostSnapshot.EMPTY, 256 * 1024);
        catalog = PlaybookCatalog.load(rig.reader, null);
        ProcessBuilder pb = new ProcessBuilder("sleep", "300");
        pb.environment().put("SECRET_TOKEN", "hunter2-do-not-store");
        pb.environment().put("MODEL_DIR", "/srv/models");
        victim = pb.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        victim.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        rig.close();
    }

    private static char state(long pid) throws Exception {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return s.charAt(s.lastIndexOf(')') + 2);
    }

    private RunResult kill(Optional<String> override) throws Exception {
        RunPlan plan = rig.runner.plan(catalog.find("kill-process").orElseThrow(),
                Map.of("pid", Long.toString(victim.pid())), Map.of());
        return rig.runner.start(plan, new RecordingListener(null), true, override).result().get(60, TimeUnit.SECONDS);
    }

    @Test
    void killingARealProcessLeavesAManifestWhoseHashesVerifyAndWhoseDigestIsInTheAuditChain() throws Exception {
        RunResult r = kill(Optional.empty());
        assertEquals(StepStatus.SUCCEEDED, r.steps().getFirst().status(), r.toString());
        assertEquals(StepStatus.SUCCEEDED, r.steps().get(3).status(), "the kill ran: " + r);
        assertTrue(victim.waitFor(30, TimeUnit.SECONDS), "the kill ran");

        Path folder = Files.list(dir.resolve("evidence")).findFirst().orElseThrow().resolve("pid-" + victim.pid());
        Path manifest = folder.resolve(CaptureEvidenceAction.MANIFEST);
        List<String> lines = Files.readAllLines(manifest);
        List<String> names = lines.stream().map(l -> l.substring(66)).toList();
        assertTrue(names.containsAll(List.of("cmdline.txt", "environ.txt", "exe.sha256", "fds.txt", "maps.txt",
                "net-tcp.txt", "status.txt")), names.toString());
        for (String line : lines) {
            Path f = folder.resolve(line.substring(66));
            assertEquals(line.substring(0, 64), HashFilesAction.sha256(f), "hash of " + f);
        }
        assertTrue(Files.readString(folder.resolve("cmdline.txt")).startsWith("sleep\n300"));
        String env = Files.readString(folder.resolve("environ.txt"));
        assertTrue(env.contains("SECRET_TOKEN=[redacted]") && env.contains("MODEL_DIR=/srv/models"), env);
        assertFalse(env.contains("hunter2"), "no secret in the evidence");
        assertTrue(Files.readString(folder.resolve("maps.txt")).contains("sleep"), "memory maps name the binary");
        assertTrue(Files.readString(folder.resolve("exe.sha256")).matches("[0-9a-f]{64}  /.*sleep\\n"));

        String digest = HashFilesAction.sha256(manifest);
        List<AuditEntry> entries = rig.audit.run(r.runId());
        AuditEntry capture = entries.stream().filter(e -> "step_finished".equals(e.kind()) && e.stepIndex() == 0)
                .findFirst().orElseThrow();
        assertTrue(capture.output().contains("sha256:" + digest), capture.output());
        assertEquals(capture.outputSha256(), CaptureEvidenceAction.sha256(capture.output().getBytes(
                java.nio.charset.StandardCharsets.UTF_8)), "the output, and so the digest, is covered by the chain");
        assertTrue(rig.audit.verify().valid(), "the chain verifies");
    }

    @Test
    void aFailingCaptureStopsTheKillAndTheProcessLivesOn() throws Exception {
        // The evidence folder cannot be made (a file stands where it should be; root ignores modes).
        Files.writeString(rig.evidence, "not a folder");
        RunResult r = kill(Optional.empty());
        assertEquals(RunStatus.FAILED, r.status());
        assertEquals(1, r.steps().size(), "nothing after the capture ran: " + r);
        assertEquals(StepStatus.FAILED, r.steps().getFirst().status());
        assertTrue(r.steps().getFirst().message().contains("evidence"), r.steps().getFirst().message());
        assertFalse(victim.waitFor(2, TimeUnit.SECONDS), "still alive");
        assertNotEquals('T', state(victim.pid()), "not even suspended");
    }

    @Test
    void anOverrideLetsTheKillRunAndIsAudited() throws Exception {
        Files.writeString(rig.evidence, "not a folder");
        RunResult r = kill(Optional.of("disk full; miner costs $40/h"));
        assertEquals(StepStatus.FAILED, r.steps().getFirst().status());
        assertEquals(StepStatus.SUCCEEDED, r.steps().get(3).status(), r.toString());
        assertTrue(victim.waitFor(30, TimeUnit.SECONDS), "killed under the override");
        List<AuditEntry> entries = rig.audit.run(r.runId());
        assertTrue(entries.getFirst().message().contains("evidence-first overridden by tester: disk full; miner costs $40/h"),
                entries.getFirst().message());
        AuditEntry capture = entries.stream().filter(e -> "step_finished".equals(e.kind()) && e.stepIndex() == 0)
                .findFirst().orElseThrow();
        assertTrue(capture.message().contains("EVIDENCE-FIRST OVERRIDDEN by tester"), capture.message());
        assertTrue(rig.audit.verify().valid());
    }

    @Test
    void aProcessWhoseProcCannotBeReadFailsTheCaptureAndSaysWhat() throws Exception {
        // A /proc where the process's folder holds only its command line (what a non-root reader sees
        // of another user's process is similar: environ, exe, fd and maps are refused).
        Path proc = Files.createDirectories(dir.resolve("proc/4242"));
        Files.write(proc.resolve("cmdline"), "xmrig\0--donate-level=1\0".getBytes());
        Path evidence = Files.createDirectories(dir.resolve("ev"));
        List<String> shown = new java.util.ArrayList<>();
        ActionContext ctx = new ActionContext() {
            public void out(String line) {
                shown.add(line);
            }

            public Path evidenceDir() {
                return evidence;
            }

            public ParameterBinder paths() {
                return rig.runner.binder();
            }

            public java.time.Clock clock() {
                return java.time.Clock.systemUTC();
            }

            public boolean cancelled() {
                return false;
            }

            public Exec exec(List<String> argv) {
                throw new AssertionError("no program for a pid");
            }
        };
        ActionException e = org.junit.jupiter.api.Assertions.assertThrows(ActionException.class,
                () -> new CaptureEvidenceAction(dir.resolve("proc")).run(Map.of("pid", "4242"), ctx));
        for (String what : List.of("environment", "executable", "open files", "memory maps")) {
            assertTrue(e.getMessage().contains(what), e.getMessage());
        }
        assertTrue(Files.readString(evidence.resolve("pid-4242/cmdline.txt")).equals("xmrig\n--donate-level=1\n"),
                "what could be read is still kept");
        assertTrue(shown.stream().anyMatch(l -> l.contains("sha256:")), shown.toString());
    }

    @Test
    void anOverrideNeedsAReason() throws Exception {
        RunPlan plan = rig.runner.plan(catalog.find("kill-process").orElseThrow(),
                Map.of("pid", Long.toString(victim.pid())), Map.of());
        PlaybookException e = org.junit.jupiter.api.Assertions.assertThrows(PlaybookException.class,
                () -> rig.runner.start(plan, new RecordingListener(null), true, Optional.of("  ")));
        assertTrue(e.getMessage().contains("reason"), e.getMessage());
        assertTrue(victim.isAlive());
    }
}
