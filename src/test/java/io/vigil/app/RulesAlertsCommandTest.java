package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.alerts.AlertManager;
import io.vigil.rules.Evaluation;
import io.vigil.rules.InstancePhase;
import io.vigil.rules.RuleInstance;
import io.vigil.rules.Severity;
import io.vigil.store.Database;
import io.vigil.telemetry.ManualClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil rules check} and {@code vigil alerts list}. */
class RulesAlertsCommandTest {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void rulesCheckExitsOneWithFileLineColumnMessages() throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, io.vigil.rules.RuleRepository.defaultText());
        Run ok = run("rules", "check", good.toString());
        assertEquals(0, ok.code(), ok.err());
        long shipped = io.vigil.rules.RuleRepository.defaultText().lines().filter(l -> l.startsWith("  - id:")).count();
        assertTrue(ok.out().contains("OK, " + shipped + " rules (" + shipped + " enabled)"), ok.out());

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "rules:\n  - id: x\n    metric: host.cpu.percent\n    warning: lots\n    wait: 5m\n");
        Run r = run("rules", "check", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(bad + ":4:14: rule 'x': expected a number for 'warning', got 'lots'"), r.err());
        assertTrue(r.err().contains(bad + ":5:5: unknown key 'wait'"), r.err());
    }

    @Test
    void alertsListReadsTheDatabaseInTheDataDirectory() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-02T12:00:00Z"));
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            AlertManager m = new AlertManager(db, clock, id -> Optional.empty(), Duration.ZERO);
            m.reconcile(new Evaluation(clock.instant(), List.of(new RuleInstance("gpu-hot", Map.of("gpu", "1"),
                    Map.of("gpu", "1"), "GPU 1", Severity.CRITICAL, 93, InstancePhase.FIRING, clock.instant(),
                    clock.instant(), "gpu.temperature_c{gpu=\"1\"}")), Map.of()));
        }
        String before = System.getProperty("vigil.data.dir");
        System.setProperty("vigil.data.dir", dir.toString());
        try {
            Run json = run("alerts", "list", "--json");
            assertEquals(0, json.code(), json.err());
            JsonNode rows = new ObjectMapper().readTree(json.out());
            assertEquals(1, rows.size());
            assertEquals("gpu-hot", rows.get(0).path("rule").asText());
            assertEquals("FIRING", rows.get(0).path("state").asText());
            assertEquals("gpu", rows.get(0).path("source").asText());
            assertEquals(93, rows.get(0).path("value").asDouble());
            Run text = run("alerts", "list");
            assertTrue(text.out().contains("CRITICAL") && text.out().contains("GPU 1"), text.out());
        } finally {
            if (before == null) {
                System.clearProperty("vigil.data.dir");
            } else {
                System.setProperty("vigil.data.dir", before);
            }
        }
    }
}
