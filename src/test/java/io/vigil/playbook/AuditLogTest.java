package io.vigil.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.store.Database;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hash chain: it verifies, edits and deletions are found, and a hard kill leaves it intact. */
class AuditLogTest {

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

    private void twoRuns() throws Exception {
        Playbook p = rig.playbook("two", """
                name: Two steps
                steps:
                  - name: a
                    run: [echo, alpha]
                  - name: b
                    run: [sh, -c, 'echo beta; exit 3']
                """);
        rig.runner.run(rig.runner.plan(p, Map.of(), Map.of()), RunListener.NONE, false);
        rig.runner.run(rig.runner.plan(p, Map.of(), Map.of()), RunListener.NONE, false);
    }

    private void sql(String statement) throws Exception {
        rig.db.inTransaction(c -> c.createStatement().executeUpdate(statement));
    }

    @Test
    void eachRunIsRecordedStepByStepAndTheChainVerifies() throws Exception {
        twoRuns();
        List<AuditEntry> entries = rig.audit.entries();
        assertEquals(8, entries.size(), "start, two steps and end, twice");
        AuditEntry step = entries.get(2);
        assertEquals("step_finished", step.kind());
        assertEquals("[[\"sh\",\"-c\",\"echo beta; exit 3\"]]", step.argvJson());
        assertEquals(3, step.exitCode());
        assertEquals("beta\n", step.output());
        assertEquals("tester", step.user());
        assertEquals(64, step.playbookSha256().length());
        assertEquals(entries.get(1).hash(), step.prevHash());
        AuditVerification v = rig.audit.verify();
        assertTrue(v.valid(), v.message());
        assertEquals(8, v.entries());
        assertEquals(entries.getLast().hash(), v.headHash());
        assertEquals(RunStatus.FAILED, rig.audit.recentRuns(10).getFirst().status());
    }

    @Test
    void anEditedRowIsFoundAndNamed() throws Exception {
        twoRuns();
        sql("UPDATE audit_log SET exit_code = 0 WHERE seq = 3");
        AuditVerification v = rig.audit.verify();
        assertFalse(v.valid());
        assertEquals(3, v.badEntry().getAsLong());
        assertTrue(v.message().contains("entry 3 was changed"), v.message());
    }

    @Test
    void editedOutputIsFound() throws Exception {
        twoRuns();
        sql("UPDATE audit_log SET output = 'nothing to see' WHERE seq = 2");
        AuditVerification v = rig.audit.verify();
        assertFalse(v.valid());
        assertEquals(2, v.badEntry().getAsLong());
    }

    @Test
    void aRowEditedWithItsHashRecomputedBreaksTheNextLink() throws Exception {
        twoRuns();
        AuditEntry e = rig.audit.entries().get(4);
        AuditEntry forged = new AuditEntry(e.seq(), e.time(), e.kind(), e.runId(), "someone-else", e.host(),
                e.playbookId(), e.playbookSha256(), e.parametersJson(), e.stepIndex(), e.stepName(), e.argvJson(),
                e.exitCode(), e.durationMs(), e.status(), e.output(), e.outputSha256(), e.message(), e.prevHash(), null);
        sql("UPDATE audit_log SET user = 'someone-else', hash = '" + rig.audit.hashOf(forged) + "' WHERE seq = 5");
        AuditVerification v = rig.audit.verify();
        assertFalse(v.valid());
        assertEquals(6, v.badEntry().getAsLong());
    }

    @Test
    void aDeletedRowIsFoundAndNamed() throws Exception {
        twoRuns();
        sql("DELETE FROM audit_log WHERE seq = 4");
        AuditVerification v = rig.audit.verify();
        assertFalse(v.valid());
        assertEquals(4, v.badEntry().getAsLong());
        assertTrue(v.message().contains("entry 4 is missing"), v.message());
    }

    @Test
    void rowsDeletedFromTheEndAreFound() throws Exception {
        twoRuns();
        sql("DELETE FROM audit_log WHERE seq >= 7");
        AuditVerification v = rig.audit.verify();
        assertFalse(v.valid());
        assertEquals(7, v.badEntry().getAsLong());
    }

    @Test
    void exportsOneJsonObjectPerEntry() throws Exception {
        twoRuns();
        StringWriter w = new StringWriter();
        assertEquals(8, rig.audit.exportJsonLines(w));
        String[] lines = w.toString().split("\n");
        assertEquals(8, lines.length);
        JsonNode first = new ObjectMapper().readTree(lines[0]);
        assertEquals("run_started", first.get("kind").asText());
        assertEquals(AuditLog.GENESIS, first.get("prev_hash").asText());
        assertEquals(rig.audit.entries().getFirst().hash(), first.get("hash").asText());
    }

    @Test
    void aRunKilledHardMidwayLeavesAChainThatVerifies() throws Exception {
        rig.close();
        Path childDir = dir.resolve("child");
        List<String> cp = new ArrayList<>();
        for (String prop : List.of("jdk.module.path", "java.class.path")) {
            String v = System.getProperty(prop);
            if (v != null && !v.isBlank()) {
                cp.add(v);
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                String.join(File.pathSeparator, cp), HardKillMain.class.getName(), childDir.toString())
                .redirectErrorStream(true).start();
        List<ProcessHandle> descendants = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean running = false;
            while ((line = r.readLine()) != null) {
                if (line.contains("STEP 2 RUNNING")) {
                    running = true;
                    break;
                }
            }
            assertTrue(running, "the child JVM reached step 2");
            child.descendants().forEach(descendants::add);
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            descendants.forEach(ProcessHandle::destroyForcibly);
        }
        try (Database db = Database.open(childDir.resolve("vigil.db"))) {
            AuditLog audit = new AuditLog(db, Clock.systemUTC());
            AuditVerification v = audit.verify();
            assertTrue(v.valid(), v.message());
            List<AuditEntry> entries = audit.entries();
            assertEquals(List.of("run_started", "step_finished"), entries.stream().map(AuditEntry::kind).toList());
            assertEquals("done\n", entries.get(1).output());
            assertEquals(RunStatus.INTERRUPTED, audit.recentRuns(1).getFirst().status());
        }
    }
}
