package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil playbook …} and {@code vigil audit …} end to end, with their exit codes. */
class PlaybookCommandTest {

    @TempDir
    Path dir;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void paths() throws Exception {
        System.setProperty("vigil.config.dir", dir.resolve("config").toString());
        System.setProperty("vigil.data.dir", dir.resolve("data").toString());
        System.setProperty("vigil.playbooks.toolPath", "/usr/bin:/bin");
        Path own = Files.createDirectories(dir.resolve("config/playbooks"));
        Files.writeString(own.resolve("hello.yaml"), """
                name: Hello
                parameters:
                  - {name: who, type: string, pattern: '[a-z]{1,10}', default: world}
                steps:
                  - {name: greet, run: [echo, hello, "{{who}}"]}
                """);
        Files.writeString(own.resolve("broken-step.yaml"), """
                name: Fails
                steps:
                  - {name: fail, run: ["false"]}
                """);
    }

    @AfterEach
    void clear() {
        for (String p : List.of("vigil.config.dir", "vigil.data.dir", "vigil.playbooks.toolPath")) {
            System.clearProperty(p);
        }
    }

    private int vigil(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void listShowRunVerifyExport() throws Exception {
        assertEquals(0, vigil("playbook", "list"));
        assertTrue(out.toString().contains("kill-process") && out.toString().contains("hello"), out.toString());
        assertEquals(0, vigil("playbook", "show", "isolate-k8s-workload"));
        assertTrue(out.toString().contains("[destructive] Scale to zero"), out.toString());

        assertEquals(0, vigil("playbook", "run", "hello", "--param", "who=analyst"));
        assertTrue(out.toString().contains("   hello analyst"), out.toString());
        assertEquals(0, vigil("playbook", "run", "hello", "--dry-run"));
        assertTrue(out.toString().contains("1. echo hello world"), out.toString());
        assertEquals(1, vigil("playbook", "run", "broken-step"));

        assertEquals(0, vigil("audit", "verify"));
        assertTrue(out.toString().startsWith("OK: The audit log holds 6 entries"), out.toString());
        Path export = dir.resolve("audit.jsonl");
        assertEquals(0, vigil("audit", "export", "--output", export.toString()));
        assertEquals(6, Files.readAllLines(export).size());
    }

    @Test
    void exitCodesSayWhatWentWrongAndNothingRuns() {
        assertEquals(2, vigil("playbook", "run", "hello", "--param", "who=x; rm -rf ~"));
        assertTrue(err.toString().contains("does not match"), err.toString());
        assertEquals(2, vigil("playbook", "run", "no-such-playbook"));
        // The AWS guardrail action is wired in the app: the playbook is runnable, and it changes the
        // account, so without --yes nothing is sent.
        assertEquals(4, vigil("playbook", "run", "aws-guardrails", "--param", "email=a@example.com",
                "--param", "monthly_limit=10"));
        assertTrue(err.toString().contains("Add --yes"), err.toString());
        assertEquals(4, vigil("playbook", "run", "resume-process", "--param", "pid=999999"));
        assertTrue(err.toString().contains("Add --yes"), err.toString());
        assertEquals(0, vigil("audit", "verify"));
        assertTrue(out.toString().contains("holds 0 entries"), "nothing ran, nothing audited: " + out);
    }

    @Test
    void aForgedArgvIsPrintedEscapedAndStoredEscaped() throws Exception {
        Process forger = new ProcessBuilder("/usr/bin/perl", "-e", "sleep 300",
                "x\n-> SUCCEEDED exit 0\nno miner indicators for this process", "\u001b[2J\u001b[31mred").start();
        try {
            Path cmdline = Path.of("/proc/" + forger.pid() + "/cmdline");
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.readString(cmdline).contains("sleep 300")) {
                assertTrue(System.nanoTime() < deadline, "the process never showed its argv");
                Thread.onSpinWait();
            }
            int rc = vigil("playbook", "run", "gpu-miner-triage", "--param", "pid=" + forger.pid());
            String printed = out.toString();
            assertTrue(rc == 0 || rc == 1, "rc " + rc + ": " + printed + err);
            assertTrue(printed.contains("x\\n-> SUCCEEDED exit 0\\nno miner indicators for this process"), printed);
            assertTrue(printed.contains("\\x1B[2J\\x1B[31mred"), printed);
            assertFalse(printed.contains("\u001b"), "a raw ESC reached the terminal");
            assertTrue(printed.lines().noneMatch(l -> l.startsWith("no miner indicators")), "a forged line: " + printed);

            Path export = dir.resolve("audit.jsonl");
            assertEquals(0, vigil("audit", "export", "--output", export.toString()));
            String stored = Files.readString(export);
            assertTrue(stored.contains("x\\\\n-> SUCCEEDED exit 0\\\\nno miner indicators"), stored);
            assertFalse(stored.contains("\\u001B") || stored.contains("\\u001b"), "a raw ESC was stored");
        } finally {
            forger.destroyForcibly();
        }
    }
}
