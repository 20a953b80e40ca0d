package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil baseline add|verify} and {@code vigil inventory --json} through the real command line. */
class InventoryCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void paths() throws Exception {
        System.setProperty("vigil.config.dir", dir.resolve("config").toString());
        System.setProperty("vigil.data.dir", dir.resolve("data").toString());
        // No docker daemon is assumed: point the reader at a CLI that does not exist.
        System.setProperty("vigil.inventory.dockerPath", dir.resolve("no-docker").toString());
    }

    @AfterEach
    void clear() {
        for (String p : List.of("vigil.config.dir", "vigil.data.dir", "vigil.inventory.dockerPath")) {
            System.clearProperty(p);
        }
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void baselineVerifyExitsOneOnDrift() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.writeString(models.resolve("tokenizer.json"), "{}");
        Files.write(models.resolve("model.safetensors"), new byte[] {1, 2, 3});

        assertEquals(0, run("baseline", "add", models.toString()), err.toString());
        assertTrue(out.toString().contains("2 files, 5 bytes recorded"), out.toString());
        assertEquals(0, run("baseline", "verify"), err.toString());
        assertTrue(out.toString().contains("clean"), out.toString());

        Files.write(models.resolve("model.safetensors"), new byte[] {1, 2, 3, 4});
        assertEquals(1, run("baseline", "verify", "--json"), err.toString());
        JsonNode doc = new ObjectMapper().readTree(out.toString());
        assertTrue(doc.path("drift").asBoolean());
        JsonNode drift = doc.path("baselines").get(0).path("drift").get(0);
        assertEquals("model.safetensors", drift.path("path").asText());
        assertEquals("CHANGED", drift.path("kind").asText());

        assertEquals(2, run("baseline", "add", dir.resolve("nope").toString()));
        assertTrue(err.toString().contains("no such file or folder"), err.toString());
    }

    @Test
    void inventoryJsonHasTheFourSections() throws Exception {
        int rc = run("inventory", "--json");
        assertTrue(rc == 0 || rc == 1, "rc " + rc + ": " + err);
        JsonNode doc = new ObjectMapper().readTree(out.toString());
        for (String section : List.of("workloads", "services", "docker", "integrity")) {
            assertTrue(doc.has(section), section + " in " + out);
        }
        assertEquals(false, doc.path("docker").path("available").asBoolean(true));
        assertTrue(doc.path("docker").path("reason").asText().startsWith("docker CLI not found"), doc.toString());
        assertTrue(doc.path("integrity").path("baselines").isArray());
    }

    @Test
    void inventoryJsonShowsAWorkloadsCommandLineRedactedAndEscaped() throws Exception {
        Process jupyter = new ProcessBuilder("/usr/bin/python3", "-c", "import time; time.sleep(300)", "jupyter",
                "--token", "s3cr3tT0ken", "--ServerApp.password=hunter2", "x\n-> SUCCEEDED exit 0\u001b[2J").start();
        try {
            Path cmdline = Path.of("/proc/" + jupyter.pid() + "/cmdline");
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.readString(cmdline).contains("jupyter")) {
                assertTrue(System.nanoTime() < deadline, "the process never showed its argv");
                Thread.onSpinWait();
            }
            int rc = run("inventory", "--json");
            assertTrue(rc == 0 || rc == 1, "rc " + rc + ": " + err);
            JsonNode mine = null;
            for (JsonNode w : new ObjectMapper().readTree(out.toString()).path("workloads")) {
                if (w.path("pid").asLong() == jupyter.pid()) {
                    mine = w;
                }
            }
            assertTrue(mine != null, "the workload is listed: " + out);
            String cmd = mine.path("commandLine").asText();
            assertTrue(cmd.contains("--token [REDACTED] --ServerApp.password=[REDACTED]"), cmd);
            assertTrue(cmd.endsWith("x\\n-> SUCCEEDED exit 0\\x1B[2J"), cmd);
            assertFalse(out.toString().contains("s3cr3tT0ken") || out.toString().contains("hunter2"), out.toString());
        } finally {
            jupyter.destroyForcibly();
        }
    }
}
