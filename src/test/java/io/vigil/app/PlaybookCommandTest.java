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
    void aFailedEvidenceCaptureStopsTheKillUntilOverriddenWithAReasonThatIsAudited() throws Exception {
        // A file where the evidence folder should be: the capture fails (even for root).
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/evidence"), "not a folder");
        Process sleeper = new ProcessBuilder("sleep", "300").start();
        try {
            String pid = Long.toString(sleeper.pid());
            assertEquals(1, vigil("playbook", "run", "kill-process", "--param", "pid=" + pid, "--yes"));
            assertTrue(out.toString().contains("later steps not run"), out.toString());
            assertTrue(sleeper.isAlive(), "the kill did not run");
            assertEquals(1, vigil("playbook", "run", "kill-process", "--param", "pid=" + pid, "--yes",
                    "--override-evidence", "disk full, miner burning money"));
            assertTrue(sleeper.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "killed under the override");
            Path export = dir.resolve("audit.jsonl");
            assertEquals(0, vigil("audit", "export", "--output", export.toString()));
            String audit = Files.readString(export);
            assertTrue(audit.contains("evidence-first overridden by") && audit.contains("disk full, miner burning money"),
                    audit);
            assertEquals(0, vigil("audit", "verify"));
        } finally {
            sleeper.destroyForcibly();
        }
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
        // Nothing ran, but every refusal is on record: four refused runs, two entries each.
        assertTrue(out.toString().contains("holds 8 entries"), "refusals are audited: " + out);
    }

    @Test
    void refusedRunsAreAuditedWithTheirReasonAndRc4NeverSaysRunning() throws Exception {
        assertEquals(2, vigil("playbook", "run", "hello", "--param", "who=x; rm -rf ~"));
        assertEquals(2, vigil("playbook", "run", "no-such-playbook"));
        assertEquals(4, vigil("playbook", "run", "resume-process", "--param", "pid=999999"));
        assertFalse(out.toString().contains("Running"), "nothing runs, so nothing says Running: " + out);
        assertTrue(err.toString().contains("It would have run"), err.toString());
        assertEquals(0, vigil("audit", "export"));
        List<String> lines = out.toString().lines().toList();
        assertEquals(6, lines.size(), out.toString());
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> finished = lines.stream().map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter(n -> n.get("kind").asText().equals("run_finished"))
                .map(n -> n.get("playbook_id").asText() + " " + n.get("status").asText() + " " + n.get("message").asText())
                .toList();
        assertEquals(3, finished.size(), finished.toString());
        assertTrue(finished.get(0).startsWith("hello REFUSED refused; nothing was run: bad parameters:"), finished.get(0));
        assertTrue(finished.get(1).startsWith("no-such-playbook REFUSED refused; nothing was run: unknown playbook"),
                finished.get(1));
        assertTrue(finished.get(2).startsWith("resume-process REFUSED refused; nothing was run: destructive steps not "
                + "confirmed"), finished.get(2));
        assertEquals(0, vigil("audit", "verify"));
    }

    @Test
    void verifyReportsWhatItCheckedAndChecksAnAnchorHash() throws Exception {
        assertEquals(0, vigil("playbook", "run", "hello"));
        assertEquals(0, vigil("audit", "verify"));
        assertTrue(out.toString().contains("entries 1-3: keyed with HMAC-SHA256"), out.toString());
        assertTrue(out.toString().contains("1 anchors in") && out.toString().contains("nothing up to entry 3"),
                out.toString());
        String head = out.toString().lines().filter(l -> l.startsWith("head hash: ")).findFirst().orElseThrow()
                .substring("head hash: ".length());
        assertEquals(0, vigil("playbook", "run", "hello"));
        assertEquals(0, vigil("audit", "verify", "--anchor", head));
        assertTrue(out.toString().contains("the chain passed through it at entry 3"), out.toString());
        assertEquals(6, vigil("audit", "verify", "--anchor", "0123456789abcdef".repeat(4)));
        assertTrue(err.toString().contains("NOT FOUND"), err.toString());
    }

    @Test
    void aDroppedTableGivesAMessageAndExitCodeNotAStackTrace() throws Exception {
        assertEquals(0, vigil("playbook", "run", "hello"));
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/vigil.db"));
             var st = c.createStatement()) {
            st.executeUpdate("DROP TABLE audit_log");
        }
        assertEquals(1, vigil("audit", "verify"));
        assertTrue(err.toString().contains("BROKEN: the audit log cannot be read")
                && err.toString().contains("no such table: audit_log"), err.toString());
        assertFalse(err.toString().contains("\tat "), err.toString());
    }

    @Test
    void aCorruptedPageGivesAMessageAndExitCodeNotAStackTrace() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertEquals(0, vigil("playbook", "run", "hello", "--param", "who=run"));
        }
        Path db = dir.resolve("data/vigil.db");
        assertFalse(Files.exists(dir.resolve("data/vigil.db-wal")) && Files.size(dir.resolve("data/vigil.db-wal")) > 0,
                "the last close checkpointed everything into the main file");
        byte[] bytes = Files.readAllBytes(db);
        assertTrue(bytes.length > 4 * 4096, "several pages: " + bytes.length);
        // Keep the header page; overwrite every later page with garbage, as a failing disk or an editor would.
        for (int i = 4096; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        Files.write(db, bytes);
        int rc = vigil("audit", "verify");
        assertTrue(rc == 1 || rc == 5, "a failure exit code, was " + rc + "\n" + out + err);
        assertTrue(err.toString().contains("malformed") || err.toString().contains("not a database"), err.toString());
        assertFalse(err.toString().contains("\tat ") || err.toString().contains("Exception"), err.toString());
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

    /**
     * The one audited path that changes the account: the aws-guardrails playbook (what the Cloud view's
     * "Guardrails…" opens) through the real runner and audit log, against the fake AWS endpoint with
     * the real SDK. Run twice: the second run's diff says unchanged, and both diffs are in the audit log.
     */
    @Test
    void guardrailsPlaybookRunsAreAuditedWithTheirDiffAndIdempotent() throws Exception {
        try (io.vigil.cloud.FakeAws aws = new io.vigil.cloud.FakeAws();
             io.vigil.store.Database db = io.vigil.store.Database.open(dir.resolve("vigil.db"))) {
            var clock = java.time.Clock.systemUTC();
            var budget = new io.vigil.cloud.RequestBudget(db, clock, 50);
            var settings = new io.vigil.cloud.CloudSettings("", "us-east-1", 0,
                    new io.vigil.cloud.CloudSettings.CostExplorer(50, 0, 0, 0, 0), null);
            var keys = software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                    software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("AKIAFAKE", "fake-secret"));
            try (var clients = new io.vigil.cloud.AwsClients(settings, keys, aws.uri(), budget,
                    java.time.Duration.ofSeconds(5))) {
                var audit = new io.vigil.playbook.AuditLog(db, clock);
                var actions = new io.vigil.playbook.ActionRegistry()
                        .register(new AwsGuardrailAction(new io.vigil.cloud.Guardrails(clients)));
                Path evidence = Files.createDirectories(dir.resolve("evidence"));
                var runner = new io.vigil.playbook.Runner(actions, new io.vigil.playbook.ParameterBinder(List.of(evidence)),
                        audit, new io.vigil.playbook.SecretRedactor(), clock, new io.vigil.playbook.Runner.Options(
                                new io.vigil.playbook.ToolPath(List.of(Path.of("/usr/bin"))), evidence, 256 * 1024,
                                java.time.Duration.ofSeconds(30), java.time.Duration.ofMillis(500)), "tester", "testhost");
                var playbook = io.vigil.playbook.PlaybookCatalog.load(new io.vigil.playbook.PlaybookFile(), null)
                        .find(VigilApp.GUARDRAILS_PLAYBOOK).orElseThrow();
                var params = java.util.Map.of("email", "soc@example.com", "monthly_limit", "2500");
                var first = runner.run(runner.plan(playbook, params, java.util.Map.of()), new io.vigil.playbook.RunListener() {
                }, true);
                var second = runner.run(runner.plan(playbook, params, java.util.Map.of()), new io.vigil.playbook.RunListener() {
                }, true);
                assertEquals(io.vigil.playbook.RunStatus.SUCCEEDED, first.status(), first.toString());
                assertEquals(io.vigil.playbook.RunStatus.SUCCEEDED, second.status(), second.toString());
                assertEquals(1, aws.subscriptions().size(), "the second run made no second subscription");
                assertEquals(1, aws.requests("PutMetricAlarm").size(), "the second run left the alarm alone");

                String firstStep = audit.run(first.runId()).stream().filter(e -> e.stepIndex() != null)
                        .map(io.vigil.playbook.AuditEntry::output).findFirst().orElseThrow();
                assertTrue(firstStep.contains("CREATE ce:CreateAnomalySubscription"), firstStep);
                String secondStep = audit.run(second.runId()).stream().filter(e -> e.stepIndex() != null)
                        .map(io.vigil.playbook.AuditEntry::output).findFirst().orElseThrow();
                assertTrue(secondStep.contains("UNCHANGED (none): the subscription 'vigil-alerts'"), secondStep);
                assertTrue(secondStep.contains("Billing alarm: vigil-estimated-charges"), secondStep);
                assertTrue(secondStep.contains("(unchanged)"), secondStep);
                assertTrue(audit.verify().valid(), "the audit chain holds");
            }
        }
    }
}
