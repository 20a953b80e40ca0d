package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real Vigil processes (separate JVMs running the command line) on one data folder run
 * playbooks at the same time: both runs succeed (the second writer waits for SQLite's write lock
 * instead of failing with "database is locked" or SQLITE_BUSY_SNAPSHOT), and the audit chain they
 * wrote together verifies.
 */
class TwoProcessesTest {

    private static final int STEPS = 25;

    @TempDir
    Path dir;

    private static boolean atGate(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8).contains("== step 1: gate");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void twoProcessesRunPlaybooksOnOneDataFolderAtOnceAndTheChainVerifies() throws Exception {
        Path config = dir.resolve("config");
        Path data = dir.resolve("data");
        Path own = Files.createDirectories(config.resolve("playbooks"));
        // Step 1 waits at a gate, so both runs are surely under way before either starts appending fast.
        Path gate = dir.resolve("gate");
        StringBuilder yaml = new StringBuilder("name: Busy\nsteps:\n  - {name: gate, run: [sh, -c, "
                + "'while [ ! -e \"$0\" ]; do sleep 0.05; done', '" + gate + "']}\n");
        for (int i = 1; i <= STEPS; i++) {
            yaml.append("  - {name: s").append(i).append(", run: [echo, step").append(i).append("]}\n");
        }
        Files.writeString(own.resolve("busy.yaml"), yaml);

        List<String> cp = new ArrayList<>();
        for (String prop : List.of("jdk.module.path", "java.class.path")) {
            String v = System.getProperty(prop);
            if (v != null && !v.isBlank()) {
                cp.add(v);
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path log = dir.resolve("child" + i + ".log");
            logs.add(log);
            children.add(new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                    String.join(File.pathSeparator, cp), "-Dvigil.config.dir=" + config, "-Dvigil.data.dir=" + data,
                    "-Dvigil.playbooks.toolPath=/usr/bin:/bin", "-Dvigil.host.periodSeconds=3600",
                    Main.class.getName(), "playbook", "run", "busy")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start());
        }
        try {
            io.vigil.Eventually.holdsWithin(Duration.ofSeconds(120), () ->
                    logs.stream().allMatch(TwoProcessesTest::atGate) || !children.stream().allMatch(Process::isAlive));
            assertTrue(logs.stream().allMatch(TwoProcessesTest::atGate), "both runs reached the gate");
            Files.createFile(gate);
            for (int i = 0; i < 2; i++) {
                assertTrue(children.get(i).waitFor(180, TimeUnit.SECONDS), "child " + i + " finished");
            }
            for (int i = 0; i < 2; i++) {
                String output = Files.readString(logs.get(i), StandardCharsets.UTF_8);
                assertEquals(0, children.get(i).exitValue(), "child " + i + ":\n" + output);
                assertTrue(output.contains("SUCCEEDED"), output);
                assertFalse(output.contains("database is locked") || output.contains("BUSY"), output);
            }
        } finally {
            children.forEach(Process::destroyForcibly);
        }

        System.setProperty("vigil.config.dir", config.toString());
        System.setProperty("vigil.data.dir", data.toString());
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int rc = Main.run(new String[] {"audit", "verify"}, new PrintWriter(out, true), new PrintWriter(err, true));
            assertEquals(0, rc, out + "\n" + err);
            assertTrue(out.toString().contains("holds " + 2 * (STEPS + 3) + " entries"), out.toString());
        } finally {
            System.clearProperty("vigil.config.dir");
            System.clearProperty("vigil.data.dir");
        }
    }
}
