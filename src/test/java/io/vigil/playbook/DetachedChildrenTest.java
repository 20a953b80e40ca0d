package io.vigil.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step's processes do not outlive it, even a grandchild that double-forked and was re-parented
 * away from the step ({@code (sleep N &)}). Each test marks its sleep with a unique duration and
 * looks for it in /proc afterwards.
 */
class DetachedChildrenTest {

    @TempDir
    Path dir;
    Rig rig;
    final String marker = "1002." + ThreadLocalRandom.current().nextInt(100_000, 999_999);

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux /proc");
        rig = new Rig(dir);
    }

    @AfterEach
    void tearDown() throws IOException {
        // Whatever the outcome, leave no sleeping marker behind on the build machine.
        for (long pid : running(marker)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (rig != null) {
            rig.close();
        }
    }

    private Playbook detaching(String timeout, String script) throws PlaybookException {
        return rig.playbook("detach", """
                name: Detach
                steps:
                  - name: fork away
                    timeout: %s
                    run: [sh, -c, '%s']
                """.formatted(timeout, script.replace("MARK", marker)));
    }

    @Test
    void aDoubleForkedChildIsKilledWhenTheStepTimesOut() throws Exception {
        RecordingListener l = new RecordingListener(null);
        RunResult r = rig.runner.run(rig.runner.plan(detaching("2s", "(sleep MARK &); echo forked; sleep 300"),
                Map.of(), Map.of()), l, false);
        assertEquals(StepStatus.TIMED_OUT, r.steps().getFirst().status());
        assertTrue(l.lines.contains("forked"), l.lines.toString());
        assertNoneLeft();
    }

    @Test
    void aDoubleForkedChildIsKilledWhenTheRunIsCancelled() throws Exception {
        RecordingListener l = new RecordingListener("forked");
        RunHandle h = rig.runner.start(rig.runner.plan(detaching("5m", "(sleep MARK &); echo forked; sleep 300"),
                Map.of(), Map.of()), l, false);
        assertTrue(l.seen.await(20, TimeUnit.SECONDS));
        assertTrue(!running(marker).isEmpty(), "the detached sleep is running before the cancel");
        h.cancel();
        RunResult r = h.result().get(30, TimeUnit.SECONDS);
        assertEquals(RunStatus.CANCELLED, r.status());
        assertNoneLeft();
    }

    @Test
    void aStepThatEndsLeavesNoDaemonBehind() throws Exception {
        RecordingListener l = new RecordingListener(null);
        RunResult r = rig.runner.run(rig.runner.plan(detaching("1m", "(sleep MARK &); echo forked"),
                Map.of(), Map.of()), l, false);
        assertEquals(StepStatus.SUCCEEDED, r.steps().getFirst().status(), r.message());
        assertNoneLeft();
        assertTrue(l.lines.contains("[vigil] stopped 1 process the step left running"), l.lines.toString());
    }

    /** Waits (bounded) until no live process carries the marker. */
    private void assertNoneLeft() throws Exception {
        io.vigil.Eventually.holdsWithin(java.time.Duration.ofSeconds(15), () -> running(marker).isEmpty());
        assertEquals(List.of(), running(marker), "processes with " + marker + " survived the step");
    }

    /** Live (not zombie) processes whose command line contains {@code marker}. */
    static List<Long> running(String marker) throws IOException {
        List<Long> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (!cmd.contains(marker)) {
                        continue;
                    }
                    String stat = Files.readString(p.resolve("stat"));
                    if (stat.charAt(stat.lastIndexOf(')') + 2) != 'Z') {
                        found.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // exited while we looked
                }
            }
        }
        return found;
    }
}
