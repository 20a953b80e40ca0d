package io.vigil.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit chain anchored outside the database: tampering done with plain JDBC on the real SQLite
 * file (as an attacker with write access to vigil.db would) is detected, anchors are checked, old
 * plain-SHA-256 chains keep verifying, and an entry is committed before a listener is told.
 */
class AuditAnchoringTest {

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

    private Playbook twoSteps() throws Exception {
        return rig.playbook("two", """
                name: Two steps
                steps:
                  - name: a
                    run: [echo, alpha]
                  - name: b
                    run: [sh, -c, 'echo beta; exit 3']
                """);
    }

    private void twoRuns() throws Exception {
        Playbook p = twoSteps();
        rig.runner.run(rig.runner.plan(p, Map.of(), Map.of()), RunListener.NONE, false);
        rig.runner.run(rig.runner.plan(p, Map.of(), Map.of()), RunListener.NONE, false);
    }

    /** A second, independent connection to the database file: what an attacker (or a second process) has. */
    private Connection attacker() throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("vigil.db"));
    }

    private void tamper(String... statements) throws Exception {
        try (Connection c = attacker(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.executeUpdate(sql);
            }
        }
    }

    private static String sha256Json(Map<String, Object> fields) throws Exception {
        return PlaybookFile.sha256(new ObjectMapper().writeValueAsBytes(fields));
    }

    @Test
    void deletingTheLastEntryAndDecrementingTheCounterIsDetected() throws Exception {
        twoRuns();
        tamper("DELETE FROM audit_log WHERE seq = 8", "UPDATE sqlite_sequence SET seq = 7 WHERE name = 'audit_log'");
        AuditVerification v = rig.audit.verify();
        assertFalse(v.valid(), v.message());
        assertTrue(v.message().contains("entry 8 is missing") && v.message().contains("anchor"), v.message());
    }

    @Test
    void deletingEverythingIsDetected() throws Exception {
        twoRuns();
        tamper("DELETE FROM audit_log", "DELETE FROM sqlite_sequence");
        AuditVerification v = rig.audit.verify();
        assertFalse(v.valid(), v.message());
        assertEquals(0, v.entries());
        assertTrue(v.message().contains("missing"), v.message());
    }

    @Test
    void aFailedStepTurnedSucceededWithEveryHashRecomputedInPlainSha256IsDetected() throws Exception {
        twoRuns();
        // The attacker flips step 'b' of the first run and rebuilds the whole chain the way the old log hashed.
        tamper("UPDATE audit_log SET status = 'SUCCEEDED', exit_code = 0, message = '' WHERE seq = 3",
                "UPDATE audit_log SET status = 'SUCCEEDED', message = '2 steps done' WHERE seq = 4");
        try (Connection c = attacker()) {
            String prev = AuditLog.GENESIS;
            for (AuditEntry e : rig.audit.entries()) {
                AuditEntry relinked = new AuditEntry(e.seq(), e.time(), e.kind(), e.runId(), e.user(), e.host(),
                        e.playbookId(), e.playbookSha256(), e.parametersJson(), e.stepIndex(), e.stepName(), e.argvJson(),
                        e.exitCode(), e.durationMs(), e.status(), e.output(), e.outputSha256(), e.message(), prev, null);
                String hash = sha256Json(relinked.hashedFields());
                try (PreparedStatement ps = c.prepareStatement("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?")) {
                    ps.setString(1, prev);
                    ps.setString(2, hash);
                    ps.setLong(3, e.seq());
                    ps.executeUpdate();
                }
                prev = hash;
            }
        }
        AuditVerification v = rig.audit.verify();
        assertFalse(v.valid(), v.message());
        assertEquals(1, v.badEntry().getAsLong());
        assertTrue(v.message().contains("plain SHA-256"), v.message());
    }

    @Test
    void aCleanLogReportsWhatItCheckedAndWhatTheAnchorsProve() throws Exception {
        twoRuns();
        AuditVerification v = rig.audit.verify();
        assertTrue(v.valid(), v.message());
        String report = String.join("\n", v.report());
        assertTrue(report.contains("entries 1-8: keyed with HMAC-SHA256"), report);
        assertTrue(report.contains("2 anchors") && report.contains("nothing up to entry 8"), report);
        List<String> anchorLines = Files.readAllLines(dir.resolve("audit-anchors.txt"));
        assertTrue(anchorLines.stream().anyMatch(l -> l.contains("seq=8 head=" + v.headHash())), anchorLines.toString());
        assertEquals(rig.audit.entries().get(3).hash(),
                rig.audit.passedThrough(rig.audit.entries().get(3).hash().toUpperCase()).orElseThrow().hash());
        assertTrue(rig.audit.passedThrough("ab".repeat(32)).isEmpty());
    }

    @Test
    void theKeyAndTheAnchorFileAreOwnerOnlyAndTheKeyLivesOutsideTheDatabase() throws Exception {
        twoRuns();
        for (String f : List.of("audit.key", "audit-anchors.txt", "vigil.db")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))), f);
        }
        String key = Files.readString(dir.resolve("audit.key"));
        String secret = key.lines().filter(l -> l.startsWith("key:")).findFirst().orElseThrow().substring(4).strip();
        try (Connection c = attacker(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM audit_log WHERE " + String.join(" OR ",
                     List.of("parameters", "output", "message", "argv", "hash", "prev_hash").stream()
                             .map(col -> "instr(COALESCE(" + col + ", ''), '" + secret + "') > 0").toList()))) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the key never enters the database");
        }
    }

    @Test
    void removingTheKeyFileOrTheAnchorFileIsDetected() throws Exception {
        twoRuns();
        Files.move(dir.resolve("audit.key"), dir.resolve("audit.key.bak"));
        AuditVerification v = rig.audit.verify();
        assertFalse(v.valid());
        assertTrue(v.message().contains("audit key") && v.message().contains("missing"), v.message());
        Files.move(dir.resolve("audit.key.bak"), dir.resolve("audit.key"));
        assertTrue(rig.audit.verify().valid());
        Files.delete(dir.resolve("audit-anchors.txt"));
        v = rig.audit.verify();
        assertFalse(v.valid());
        assertTrue(v.message().contains("anchor file"), v.message());
    }

    @Test
    void anEditedAnchorFileIsReported() throws Exception {
        twoRuns();
        Files.writeString(dir.resolve("audit-anchors.txt"), "garbage\n", java.nio.file.StandardOpenOption.APPEND);
        AuditVerification v = rig.audit.verify();
        assertFalse(v.valid());
        assertTrue(v.message().contains("not an anchor Vigil wrote"), v.message());
    }

    @Test
    void anOldPlainSha256ChainStaysVerifiableAndNewEntriesAreKeyed() throws Exception {
        twoRuns();
        // Turn the log into what the previous Vigil wrote: plain SHA-256 entries, no key, no anchors.
        rig.close();
        Files.delete(dir.resolve("audit.key"));
        Files.delete(dir.resolve("audit-anchors.txt"));
        try (Connection c = attacker()) {
            String prev = AuditLog.GENESIS;
            rig = new Rig(dir);
            for (AuditEntry e : rig.audit.entries()) {
                AuditEntry relinked = new AuditEntry(e.seq(), e.time(), e.kind(), e.runId(), e.user(), e.host(),
                        e.playbookId(), e.playbookSha256(), e.parametersJson(), e.stepIndex(), e.stepName(), e.argvJson(),
                        e.exitCode(), e.durationMs(), e.status(), e.output(), e.outputSha256(), e.message(), prev, null);
                String hash = sha256Json(relinked.hashedFields());
                try (PreparedStatement ps = c.prepareStatement("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?")) {
                    ps.setString(1, prev);
                    ps.setString(2, hash);
                    ps.setLong(3, e.seq());
                    ps.executeUpdate();
                }
                prev = hash;
            }
        }
        AuditVerification legacy = rig.audit.verify();
        assertTrue(legacy.valid(), legacy.message());
        assertTrue(String.join("\n", legacy.report()).contains("no audit key yet"), legacy.report().toString());

        rig.runner.run(rig.runner.plan(twoSteps(), Map.of(), Map.of()), RunListener.NONE, false);
        AuditVerification mixed = rig.audit.verify();
        assertTrue(mixed.valid(), mixed.message());
        String report = String.join("\n", mixed.report());
        assertTrue(report.contains("entries 1-8: plain SHA-256") && report.contains("pinned by the keyed entry 9"), report);
        assertTrue(report.contains("entries 9-12: keyed"), report);
        assertTrue(Files.readString(dir.resolve("audit.key")).contains("keyed-from: 9"));

        // The legacy part is pinned: rewriting it (plain SHA-256, consistently) breaks the link into entry 9.
        tamper("UPDATE audit_log SET user = 'nobody' WHERE seq = 2");
        try (Connection c = attacker()) {
            String prev = AuditLog.GENESIS;
            for (AuditEntry e : rig.audit.entries().subList(0, 8)) {
                AuditEntry relinked = new AuditEntry(e.seq(), e.time(), e.kind(), e.runId(), e.user(), e.host(),
                        e.playbookId(), e.playbookSha256(), e.parametersJson(), e.stepIndex(), e.stepName(), e.argvJson(),
                        e.exitCode(), e.durationMs(), e.status(), e.output(), e.outputSha256(), e.message(), prev, null);
                String hash = sha256Json(relinked.hashedFields());
                try (PreparedStatement ps = c.prepareStatement("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?")) {
                    ps.setString(1, prev);
                    ps.setString(2, hash);
                    ps.setLong(3, e.seq());
                    ps.executeUpdate();
                }
                prev = hash;
            }
        }
        AuditVerification v = rig.audit.verify();
        assertFalse(v.valid());
        assertEquals(9, v.badEntry().getAsLong(), v.message());
    }

    @Test
    void aDroppedTableIsAStoreExceptionWithAMessageNotACrash() throws Exception {
        twoRuns();
        tamper("DROP TABLE audit_log");
        StoreException e = assertThrows(StoreException.class, () -> rig.audit.verify());
        assertTrue(e.getMessage().contains("no such table: audit_log"), e.getMessage());
    }

    @Test
    void anEntryIsCommittedBeforeTheListenerHearsOfIt() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        RunListener checker = new RunListener() {
            @Override
            public void stepFinished(StepResult r) {
                // What a second process (another Vigil, an auditor) sees at the moment the step is shown.
                try (Connection c = attacker(); PreparedStatement ps = c.prepareStatement(
                        "SELECT status FROM audit_log WHERE kind = 'step_finished' AND step_index = ?")) {
                    ps.setInt(1, r.index());
                    try (ResultSet rs = ps.executeQuery()) {
                        seen.add(rs.next() ? rs.getString(1) : "NOT COMMITTED");
                    }
                } catch (Exception e) {
                    problems.add(e.toString());
                }
            }

            @Override
            public void runFinished(RunResult result) {
                try (Connection c = attacker(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT status FROM audit_log WHERE kind = 'run_finished'")) {
                    seen.add(rs.next() ? "run " + rs.getString(1) : "run NOT COMMITTED");
                } catch (Exception e) {
                    problems.add(e.toString());
                }
            }
        };
        rig.runner.run(rig.runner.plan(twoSteps(), Map.of(), Map.of()), checker, false);
        assertEquals(List.of(), problems);
        assertEquals(List.of("SUCCEEDED", "FAILED", "run FAILED"), seen);
    }

    @Test
    void theOffMachineSinkGetsEveryAnchor() throws Exception {
        rig.close();
        List<AuditAnchor> sent = new ArrayList<>();
        rig = new Rig(dir);
        AuditLog log = new AuditLog(rig.db, Clock.systemUTC(), new AuditLog.Anchoring(dir.resolve("k/audit.key"),
                dir.resolve("k/anchors.txt"), 3, sent::add));
        Runner runner = new Runner(rig.actions, rig.runner.binder(), log, new SecretRedactor(), Clock.systemUTC(),
                rig.runner.options(), "tester", "testhost");
        runner.run(runner.plan(twoSteps(), Map.of(), Map.of()), RunListener.NONE, false);
        runner.run(runner.plan(twoSteps(), Map.of(), Map.of()), RunListener.NONE, false);
        // Every third entry (3, 6) and each run's end (4, 8).
        assertEquals(List.of(3L, 4L, 6L, 8L), sent.stream().map(AuditAnchor::seq).toList());
        assertEquals(log.entries().getLast().hash(), sent.getLast().hash());
        assertNotNull(AuditAnchor.parse(sent.getFirst().line()).orElse(null));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("k"))));
    }
}
