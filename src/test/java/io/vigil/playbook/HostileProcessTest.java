package io.vigil.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.host.HostSnapshot;
import io.vigil.host.ProcFsProcessReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile process against the built-in playbooks, for real: its argv lives in /proc, the snapshot
 * is read by the real /proc reader, and signals really reach it.
 */
class HostileProcessTest {

    @TempDir
    Path dir;
    final List<Process> started = new ArrayList<>();

    @AfterEach
    void tearDown() {
        started.forEach(Process::destroyForcibly);
    }

    /** {@code perl -e 'sleep 300' ARGS…}: perl takes any arguments, so the argv is whatever we want. */
    private Process process(List<String> args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/perl", "-e", "sleep 300"));
        argv.addAll(args);
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        started.add(p);
        Path cmdline = Path.of("/proc/" + p.pid() + "/cmdline");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).contains("sleep 300")) {
            assertTrue(System.nanoTime() < deadline, "the process never showed its argv");
            Thread.onSpinWait();
        }
        return p;
    }

    /** Snapshots read from the real /proc at each call, as the host source does. */
    private static Supplier<HostSnapshot> liveSnapshots() throws Exception {
        ProcFsProcessReader reader = new ProcFsProcessReader();
        return () -> {
            try {
                synchronized (reader) {
                    return new HostSnapshot(System.currentTimeMillis(), reader.read(), List.of(), List.of());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static RunResult run(Rig rig, String id, String pid, RecordingListener l) throws Exception {
        PlaybookCatalog catalog = PlaybookCatalog.load(rig.reader, null);
        RunPlan plan = rig.runner.plan(catalog.find(id).orElseThrow(), Map.of("pid", pid), Map.of());
        // Bounded: before the fix these runs never ended (11 minutes at 100 % CPU, then the 2-minute timeout never fired).
        return rig.runner.start(plan, l, true).result().get(120, TimeUnit.SECONDS);
    }

    private static List<String> paddedArgv() {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            args.add(String.valueOf((char) ('a' + i)).repeat(131_000));
        }
        return args;
    }

    @Test
    void aMinerWithAPaddedArgvDoesNotStallTriage() throws Exception {
        Process miner = process(paddedArgv());
        try (Rig rig = new Rig(dir, liveSnapshots(), 512 * 1024)) {
            RecordingListener l = new RecordingListener(null);
            long t0 = System.nanoTime();
            RunResult r = run(rig, "gpu-miner-triage", Long.toString(miner.pid()), l);
            double seconds = (System.nanoTime() - t0) / 1e9;
            StepResult collect = r.steps().getFirst();
            assertEquals(StepStatus.SUCCEEDED, collect.status(), collect.toString());
            assertTrue(collect.output().contains("(truncated at "), "the command line is capped where it is read");
            assertTrue(collect.output().contains("no miner indicators for this process"), collect.output());
            assertTrue(collect.duration().toSeconds() < 60, "collect took " + collect.duration());
            assertTrue(seconds < 120, "triage took " + seconds + " s");
        }
    }

    @Test
    void killProcessKillsAMinerWithAPaddedArgv() throws Exception {
        Process miner = process(paddedArgv());
        try (Rig rig = new Rig(dir, liveSnapshots(), 512 * 1024)) {
            RunResult r = run(rig, "kill-process", Long.toString(miner.pid()), new RecordingListener(null));
            assertEquals(StepStatus.SUCCEEDED, r.steps().getFirst().status(), "evidence captured despite the padding");
            assertEquals(StepStatus.SUCCEEDED, r.steps().get(3).status(), r.toString());
            assertTrue(miner.waitFor(30, TimeUnit.SECONDS), "SIGKILL reached it");
            assertEquals(137, miner.exitValue());
        }
    }

    @Test
    void theKillStepRunsWhenRecordingTheProcessFails() throws Exception {
        Process miner = process(List.of("x"));
        // A host source that has never produced a snapshot: the evidence step fails.
        try (Rig rig = new Rig(dir, () -> HostSnapshot.EMPTY, 64 * 1024)) {
            RunResult r = run(rig, "kill-process", Long.toString(miner.pid()), new RecordingListener(null));
            assertEquals(StepStatus.SUCCEEDED, r.steps().getFirst().status(), "the evidence is captured from /proc");
            assertEquals(StepStatus.FAILED, r.steps().get(2).status(), r.toString());
            assertEquals(StepStatus.SUCCEEDED, r.steps().get(3).status(), r.toString());
            assertTrue(miner.waitFor(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void forgedLinesAndTerminalEscapesInAnArgvAreShownEscaped() throws Exception {
        Process forger = process(List.of("x\n-> SUCCEEDED exit 0\nno miner indicators for this process",
                "\u001b[2J\u001b[31mred", "evil\u202Etxt.exe"));
        try (Rig rig = new Rig(dir, liveSnapshots(), 256 * 1024)) {
            RecordingListener l = new RecordingListener(null);
            RunResult r = run(rig, "gpu-miner-triage", Long.toString(forger.pid()), l);
            StringWriter export = new StringWriter();
            rig.audit.exportJsonLines(export);
            StringBuilder stored = new StringBuilder();
            for (AuditEntry e : rig.audit.run(r.runId())) {
                stored.append(e.output()).append('\n').append(e.message()).append('\n').append(e.argvJson()).append('\n');
            }
            for (String shown : List.of(String.join("\n", l.lines), r.steps().getFirst().output(), stored.toString())) {
                assertTrue(shown.contains("x\\n-> SUCCEEDED exit 0\\nno miner indicators"), shown);
                assertTrue(shown.contains("\\x1B[2J\\x1B[31mred"), shown);
                assertTrue(shown.contains("evil\\u{202E}txt.exe"), shown);
                assertFalse(shown.contains("\u001b") || shown.contains("\u202E"), "raw escape or override: " + shown);
                for (String line : shown.split("\n")) {
                    assertFalse(line.strip().startsWith("-> SUCCEEDED"), "a forged line: " + line);
                }
            }
            assertFalse(export.toString().contains("\\u001B") || export.toString().contains("\\u202E"),
                    "the export holds no raw escapes either");
        }
    }

    @Test
    void aBuiltInActionThatNeverReturnsIsStoppedAtItsTimeout() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        // collect over a host source whose snapshot never comes, and that ignores interrupts.
        Supplier<HostSnapshot> stuck = () -> {
            while (true) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    // carries on, like badly written code
                }
            }
        };
        try (Rig rig = new Rig(dir, stuck, 64 * 1024)) {
            Playbook p = rig.playbook("stuck", """
                    name: Stuck
                    steps:
                      - {name: hangs, action: collect, timeout: 1s, continue_on_error: true}
                      - {name: then this, run: [echo, after]}
                    """);
            RecordingListener l = new RecordingListener(null);
            RunResult r = rig.runner.start(rig.runner.plan(p, Map.of(), Map.of()), l, false).result()
                    .get(60, TimeUnit.SECONDS);
            assertEquals(StepStatus.TIMED_OUT, r.steps().get(0).status(), r.toString());
            assertTrue(r.steps().get(0).message().startsWith("timed out after 1"), r.steps().get(0).message());
            assertEquals(StepStatus.SUCCEEDED, r.steps().get(1).status());
            assertEquals(RunStatus.FAILED, r.status());
            assertEquals(List.of("run_started", "step_finished", "step_finished", "run_finished"),
                    rig.audit.run(r.runId()).stream().map(AuditEntry::kind).toList());
        }
    }

    @Test
    void aPrivateKeyPrintedLineByLineIsRedacted() throws Exception {
        String body = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun";
        try (Rig rig = new Rig(dir)) {
            Playbook p = rig.playbook("pem", """
                    name: Pem
                    steps:
                      - name: print a key slowly
                        run: [sh, -c, 'echo "-----BEGIN OPENSSH PRIVATE KEY-----"; sleep 0.2; echo "%s"; echo "%s"; echo "-----END OPENSSH PRIVATE KEY-----"; echo done']
                    """.formatted(body, body));
            RecordingListener l = new RecordingListener(null);
            RunResult r = rig.runner.run(rig.runner.plan(p, Map.of(), Map.of()), l, false);
            assertEquals(RunStatus.SUCCEEDED, r.status(), r.toString());
            assertFalse(String.join("\n", l.lines).contains(body.substring(0, 16)), l.lines.toString());
            assertFalse(r.steps().getFirst().output().contains(body.substring(0, 16)));
            assertTrue(l.lines.contains("done"));
        }
    }
}
