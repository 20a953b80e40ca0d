package io.vigil.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * "Never signal Vigil itself" holds for thread ids and ancestors too. The context records what
 * would be run instead of running it, so a failing check cannot stop the test JVM.
 */
class SignalProcessActionTest {

    private final List<List<String>> execs = new ArrayList<>();
    private final List<String> out = new ArrayList<>();
    private final ActionContext ctx = new ActionContext() {
        @Override
        public void out(String line) {
            out.add(line);
        }

        @Override
        public Path evidenceDir() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ParameterBinder paths() {
            return new ParameterBinder(List.of());
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public boolean cancelled() {
            return false;
        }

        @Override
        public Exec exec(List<String> argv) {
            execs.add(argv);
            return new Exec(0, List.of());
        }
    };

    private String refused(long pid) {
        String e = assertThrows(ActionException.class,
                () -> new SignalProcessAction().run(Map.of("pid", Long.toString(pid), "signal", "STOP"), ctx)).getMessage();
        assertEquals(List.of(), execs, "nothing was signalled");
        return e;
    }

    @Test
    void aThreadIdOfVigilsOwnJvmIsRefused() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux /proc");
        long self = ProcessHandle.current().pid();
        Thread parked = Thread.ofPlatform().daemon().start(() -> {
            try {
                new java.util.concurrent.CountDownLatch(1).await(); // parked until the test interrupts it
            } catch (InterruptedException e) {
                // the test ended
            }
        });
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + self + "/task"))) {
            List<Long> tids = tasks.map(p -> Long.parseLong(p.getFileName().toString())).filter(t -> t != self).toList();
            assertTrue(tids.size() > 1, "the JVM has threads besides its main one");
            for (long tid : tids) {
                String e = refused(tid);
                assertTrue(e.contains("Vigil itself") && e.contains(Long.toString(self)), e);
            }
        } finally {
            parked.interrupt();
        }
    }

    @Test
    void vigilsParentAndItsAncestorsAndInitAreRefused() {
        List<Long> ancestors = new ArrayList<>();
        ProcessHandle.current().parent().ifPresent(p -> {
            for (ProcessHandle h = p; h != null; h = h.parent().orElse(null)) {
                ancestors.add(h.pid());
            }
        });
        assertTrue(!ancestors.isEmpty(), "the test JVM has a parent");
        for (long pid : ancestors) {
            String e = refused(pid);
            assertTrue(e.contains("refusing"), e);
        }
        assertTrue(refused(1).contains("pid 1"));
        assertTrue(refused(ProcessHandle.current().pid()).contains("Vigil itself"));
    }

    @Test
    void anOrdinaryChildProcessIsSignalled() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            int code = new SignalProcessAction().run(Map.of("pid", Long.toString(child.pid()), "signal", "TERM"), ctx);
            assertEquals(0, code);
            assertEquals(List.of(List.of("kill", "-s", "TERM", Long.toString(child.pid()))), execs);
        } finally {
            child.destroyForcibly();
        }
    }
}
