package io.vigil.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner with real child processes. */
class RunnerTest {

    @TempDir
    Path dir;
    Rig rig;

    @BeforeEach
    void setUp() throws Exception {
        rig = new Rig(dir);
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void streamsOutputOfAChildAndHandsItParametersAsEnvironment() throws Exception {
        Playbook p = rig.playbook("hello", """
                name: Hello
                parameters:
                  - {name: pid, type: pid}
                steps:
                  - name: say
                    run: [sh, -c, 'echo "one"; echo "two pid=$VIGIL_PARAM_PID" >&2']
                """);
        RecordingListener l = new RecordingListener(null);
        RunResult r = rig.runner.run(rig.runner.plan(p, Map.of("pid", "42"), Map.of()), l, false);
        assertEquals(RunStatus.SUCCEEDED, r.status());
        assertEquals(List.of("one", "two pid=42"), l.lines);
        StepResult s = r.steps().getFirst();
        assertEquals(0, s.exitCode().getAsInt());
        assertEquals("one\ntwo pid=42\n", s.output());
        assertEquals(List.of(List.of("sh", "-c", "echo \"one\"; echo \"two pid=$VIGIL_PARAM_PID\" >&2")), s.commands());
    }

    @Test
    void aStepPastItsTimeoutIsKilledWithItsChildren() throws Exception {
        Playbook p = rig.playbook("hang", """
                name: Hang
                steps:
                  - name: hang
                    timeout: 1s
                    run: [sh, -c, 'sleep 300 & echo "grandchild $!"; wait']
                  - name: never
                    run: [true]
                """);
        RecordingListener l = new RecordingListener(null);
        RunResult r = rig.runner.run(rig.runner.plan(p, Map.of(), Map.of()), l, false);
        assertEquals(RunStatus.FAILED, r.status());
        assertEquals(1, r.steps().size(), "the run stops at the timed-out step");
        assertEquals(StepStatus.TIMED_OUT, r.steps().getFirst().status());
        long grandchild = Long.parseLong(l.lines.getFirst().substring("grandchild ".length()));
        assertGone(grandchild);
    }

    @Test
    void cancelKillsTheRunningStepAndRunsNoMore() throws Exception {
        rig.recorder("after", "");
        // The step starts a tree: a background sleep, and a nested shell with its own sleep.
        Playbook p = rig.playbook("long", """
                name: Long
                steps:
                  - name: wait
                    run: [sh, -c, 'sleep 300 & sh -c "sleep 301 & wait" & echo "self $$"; sleep 0.2; echo ready; wait']
                  - name: after
                    run: [after]
                """);
        RecordingListener l = new RecordingListener("ready");
        RunHandle h = rig.runner.start(rig.runner.plan(p, Map.of(), Map.of()), l, false);
        assertTrue(l.seen.await(20, TimeUnit.SECONDS));
        long self = l.lines.stream().filter(s -> s.startsWith("self ")).mapToLong(s -> Long.parseLong(s.substring(5).trim()))
                .findFirst().orElseThrow();
        List<ProcessHandle> tree = new java.util.ArrayList<>();
        ProcessHandle.of(self).ifPresent(root -> {
            tree.add(root);
            root.descendants().forEach(tree::add);
        });
        assertTrue(tree.size() >= 4, "the step's shell, both sleeps and the nested shell: " + tree);
        h.cancel();
        RunResult r = h.result().get(20, TimeUnit.SECONDS);
        assertEquals(RunStatus.CANCELLED, r.status());
        assertEquals(StepStatus.CANCELLED, r.steps().getFirst().status());
        assertEquals(List.of(), rig.calls("after"), "no step runs after a cancel");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (tree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                ProcessHandle survivor = tree.stream().filter(ProcessHandle::isAlive).findFirst().orElseThrow();
                survivor.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            // reported below
        }
        List<String> alive = tree.stream().filter(ProcessHandle::isAlive)
                .map(ph -> ph.pid() + " " + ph.info().commandLine().orElse("?")).toList();
        tree.forEach(ProcessHandle::destroyForcibly); // never leave a sleep behind, even when failing
        assertEquals(List.of(), alive, "no descendant of the cancelled step survives");
    }

    @Test
    void aMissingToolBlocksTheRunWithAClearMessageAndNothingRuns() throws Exception {
        rig.recorder("first", "");
        Playbook p = rig.playbook("needs", """
                name: Needs
                steps:
                  - name: first
                    run: [first]
                  - name: capture
                    run: [vigil-missing-tool, -x]
                """);
        RunPlan plan = rig.runner.plan(p, Map.of(), Map.of());
        assertFalse(plan.runnable());
        assertTrue(plan.blockers().getFirst().contains("Step 2 'capture' needs vigil-missing-tool, which is not on the PATH"),
                plan.blockers().toString());
        PlaybookException e = assertThrows(PlaybookException.class, () -> rig.runner.start(plan, RunListener.NONE, true));
        assertTrue(e.getMessage().startsWith("Nothing was run"));
        assertEquals(List.of(), rig.calls("first"));
        assertEquals(0, rig.audit.entries().size());
    }

    @Test
    void hostileValuesAreRejectedByTypeOrPassedAsOneLiteralArgument() throws Exception {
        rig.recorder("echoer", "");
        rig.recorder("rm", "");
        rig.recorder("id", "");
        Playbook p = rig.playbook("hostile", """
                name: Hostile
                parameters:
                  - {name: process_name, type: string, pattern: '.{1,100}'}
                  - {name: container, type: container, required: false}
                  - {name: path, type: path, required: false}
                steps:
                  - name: echo
                    run: [echoer, --name, "{{process_name}}"]
                """);
        for (String hostile : List.of("x; rm -rf ~", "$(id)", "`id`", "a b && id | rm -rf /", "'; id; '")) {
            RunResult r = rig.runner.run(rig.runner.plan(p, Map.of("process_name", hostile), Map.of()),
                    RunListener.NONE, false);
            assertEquals(RunStatus.SUCCEEDED, r.status());
            assertEquals(List.of("--name", hostile), rig.calls("echoer").getLast());
        }
        assertEquals(5, rig.calls("echoer").size());
        assertThrows(PlaybookException.class, () -> rig.runner.plan(p, Map.of("process_name", "x\nid"), Map.of()));
        assertThrows(PlaybookException.class,
                () -> rig.runner.plan(p, Map.of("process_name", "x", "container", "my app`id`"), Map.of()));
        assertThrows(PlaybookException.class,
                () -> rig.runner.plan(p, Map.of("process_name", "x", "path", rig.roots + "/../../etc/passwd"), Map.of()));
        assertThrows(PlaybookException.class, () -> rig.runner.plan(p, Map.of("process_name", "--help"), Map.of()));
        assertEquals(List.of(), rig.calls("rm"), "no shell ever ran rm");
        assertEquals(List.of(), rig.calls("id"), "no shell ever ran id");
    }

    @Test
    void destructiveStepsNeedConfirmation() throws Exception {
        rig.recorder("zap", "");
        Playbook p = rig.playbook("zap", """
                name: Zap
                steps:
                  - name: zap
                    destructive: true
                    run: [zap]
                """);
        assertFalse(p.isAutoRunnable());
        RunPlan plan = rig.runner.plan(p, Map.of(), Map.of());
        assertThrows(PlaybookException.class, () -> rig.runner.start(plan, RunListener.NONE, false));
        assertEquals(List.of(), rig.calls("zap"));
        assertEquals(RunStatus.SUCCEEDED, rig.runner.run(plan, RunListener.NONE, true).status());
        assertEquals(1, rig.calls("zap").size());
    }

    @Test
    void outputIsCappedWithANote() throws Exception {
        Playbook p = rig.playbook("chatty", """
                name: Chatty
                steps:
                  - name: chatty
                    run: [seq, "1", "100000"]
                """);
        RecordingListener l = new RecordingListener(null);
        RunResult r = rig.runner.run(rig.runner.plan(p, Map.of(), Map.of()), l, false);
        StepResult s = r.steps().getFirst();
        assertEquals(StepStatus.SUCCEEDED, s.status());
        assertTrue(s.truncated());
        assertTrue(s.output().length() < 64 * 1024 + 200);
        assertTrue(l.lines.getLast().startsWith("[output truncated"));
    }

    @Test
    void aCaptureStepRunsForItsTimeThenStopsCleanly() throws Exception {
        Playbook p = rig.playbook("capture", """
                name: Capture
                parameters:
                  - {name: duration, type: duration, default: 500ms}
                steps:
                  - name: capture
                    run_for: "{{duration}}"
                    run: [sh, -c, 'trap "echo flushed; exit 0" TERM; echo capturing; while :; do sleep 0.05; done']
                """);
        RecordingListener l = new RecordingListener(null);
        RunResult r = rig.runner.run(rig.runner.plan(p, Map.of(), Map.of()), l, false);
        assertEquals(RunStatus.SUCCEEDED, r.status(), r.message());
        assertEquals(List.of("capturing", "flushed"), l.lines, r.steps().toString());
    }

    static void assertGone(long pid) throws Exception {
        var handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return;
        }
        try {
            handle.get().onExit().get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            // A killed process whose new parent has not reaped it yet is a zombie: dead all the same.
            Path stat = Path.of("/proc/" + pid + "/stat");
            if (Files.exists(stat)) {
                String s = Files.readString(stat);
                assertEquals('Z', s.charAt(s.lastIndexOf(')') + 2), "process " + pid + " is still running: " + s);
            }
        }
    }
}
