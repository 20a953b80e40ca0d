package io.vigil.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.rules.Evaluation;
import io.vigil.rules.InstancePhase;
import io.vigil.rules.Rule;
import io.vigil.rules.RuleFile;
import io.vigil.rules.RuleInstance;
import io.vigil.rules.Severity;
import io.vigil.store.Database;
import io.vigil.telemetry.ManualClock;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alert lifecycle, persisted in a real SQLite file and read back after reopening it. */
class AlertManagerTest {

    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T12:00:00Z"));
    final Rule rule;

    AlertManagerTest() throws Exception {
        rule = new RuleFile().parse("t", """
                rules:
                  - id: miner
                    detector: miner_signature
                    critical: 2
                    playbook: contain-miner
                    runbook: Suspend it.
                """).getFirst();
    }

    AlertManager open(Database db) throws Exception {
        return new AlertManager(db, clock, id -> id.equals("miner") ? Optional.of(rule) : Optional.empty(), Duration.ZERO);
    }

    RuleInstance instance(String pid, InstancePhase phase, double value) {
        return new RuleInstance("miner", Map.of("pid", pid), Map.of("pid", pid, "name", "xmrig"), "GPU 2 / pid " + pid,
                Severity.CRITICAL, value, phase, clock.instant(), phase == InstancePhase.FIRING ? clock.instant() : null, "");
    }

    Evaluation eval(RuleInstance... active) {
        return new Evaluation(clock.instant(), List.of(active), Map.of());
    }

    @Test
    void lifecycleIsPersistedAndSurvivesARestart() throws Exception {
        List<String> heard = new ArrayList<>();
        long id;
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            AlertManager alerts = open(db);
            alerts.addListener((a, e) -> heard.add(e.kind() + ":" + a.state()));
            alerts.reconcile(eval(instance("4711", InstancePhase.PENDING, 2)));
            alerts.reconcile(eval(instance("4711", InstancePhase.PENDING, 2)));
            assertEquals(1, alerts.open().size(), "de-duplicated by rule and labels");
            clock.advance(Duration.ofSeconds(30));
            alerts.reconcile(eval(instance("4711", InstancePhase.FIRING, 3)));
            Alert a = alerts.open().getFirst();
            id = a.id();
            assertEquals(AlertState.FIRING, a.state());
            assertEquals("contain-miner", a.playbook());
            assertEquals("Suspend it.", a.runbook());
            clock.advance(Duration.ofMinutes(1));
            alerts.acknowledge(id, "looking at it");
            alerts.annotate(id, "binary copied to /evidence");
            assertThrows(IllegalStateException.class, () -> alerts.acknowledge(id, "again"));
            assertEquals(List.of("pending:PENDING", "firing:FIRING", "acknowledged:ACKNOWLEDGED", "note:ACKNOWLEDGED"), heard);
        }
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            AlertManager alerts = open(db);
            Alert a = alerts.open().getFirst();
            assertEquals(id, a.id());
            assertEquals(AlertState.ACKNOWLEDGED, a.state(), "the restart keeps the acknowledged state");
            assertEquals("GPU 2 / pid 4711", a.subject());
            assertEquals("xmrig", a.labels().get("name"));
            List<String> kinds = alerts.events(id).stream().map(e -> e.kind() + (e.detail().isEmpty() ? "" : "=" + e.detail())).toList();
            assertEquals(List.of("pending=value 2.000", "firing=value 3.000", "acknowledged=looking at it",
                    "note=binary copied to /evidence"), kinds);

            // Still active after the restart: stays acknowledged, not a new alert.
            alerts.reconcile(eval(instance("4711", InstancePhase.PENDING, 2)));
            assertEquals(AlertState.ACKNOWLEDGED, alerts.open().getFirst().state());
            // The condition clears: resolved, and kept in history.
            alerts.reconcile(eval());
            assertTrue(alerts.open().isEmpty());
            Alert resolved = alerts.history(10).getFirst();
            assertEquals(AlertState.RESOLVED, resolved.state());
            assertEquals("condition cleared", alerts.events(id).getLast().detail());
            // It comes back: a new alert with a new id, the old one stays in history.
            alerts.reconcile(eval(instance("4711", InstancePhase.FIRING, 2)));
            assertTrue(alerts.open().getFirst().id() > id);
            assertEquals(2, alerts.history(10).size());
        }
    }

    @Test
    void silenceExpiresAndIsRecorded() throws Exception {
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            AlertManager alerts = open(db);
            List<String> heard = new ArrayList<>();
            NotificationDispatcher dispatcher = new NotificationDispatcher(clock, Duration.ofMinutes(10));
            List<Notification> sent = new ArrayList<>();
            dispatcher.addNotifier(sent::add);
            alerts.addListener(dispatcher);
            alerts.addListener((a, e) -> heard.add(e.kind()));
            alerts.reconcile(eval(instance("7", InstancePhase.FIRING, 2)));
            long id = alerts.open().getFirst().id();
            assertEquals(1, sent.size(), "the trigger went out");
            alerts.silence(id, clock.instant().plus(Duration.ofMinutes(30)), "maintenance");
            assertThrows(IllegalArgumentException.class, () -> alerts.silence(id, clock.instant(), ""));

            clock.advance(Duration.ofMinutes(15));
            alerts.reconcile(eval(instance("7", InstancePhase.FIRING, 2)));
            dispatcher.tick(alerts.open());
            assertTrue(alerts.open().getFirst().silenced(clock.instant()));
            assertEquals(1, sent.size(), "no repeat while silenced");

            clock.advance(Duration.ofMinutes(16));
            alerts.reconcile(eval(instance("7", InstancePhase.FIRING, 2)));
            assertNull(alerts.open().getFirst().silencedUntil(), "the silence expired");
            assertEquals(List.of("firing", "silenced", "silence expired"), heard);
            assertEquals(2, sent.size(), "still firing when the silence ended: announced again");
            assertEquals(Notification.Kind.TRIGGER, sent.getLast().kind());

            clock.advance(Duration.ofMinutes(10));
            dispatcher.tick(alerts.open());
            assertEquals(Notification.Kind.REPEAT, sent.getLast().kind(), "repeat interval");
            alerts.reconcile(eval());
            assertEquals(Notification.Kind.RESOLVE, sent.getLast().kind());
        }
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            assertTrue(open(db).events(1).stream().anyMatch(e -> e.kind().equals("silenced")
                    && e.detail().contains("maintenance")), "the silence is in the persisted history");
        }
    }

    @Test
    void resolvedByHandIsNotRaisedAgainUntilItClears() throws Exception {
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            AlertManager alerts = open(db);
            alerts.reconcile(eval(instance("9", InstancePhase.FIRING, 2)));
            alerts.resolve(alerts.open().getFirst().id(), "false positive");
            alerts.reconcile(eval(instance("9", InstancePhase.FIRING, 2)));
            assertTrue(alerts.open().isEmpty());
            alerts.reconcile(eval());
            alerts.reconcile(eval(instance("9", InstancePhase.FIRING, 2)));
            assertEquals(1, alerts.open().size(), "after clearing, a new occurrence is a new alert");
        }
    }

    @Test
    void restoredAlertsWaitForDataBeforeResolving() throws Exception {
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            open(db).reconcile(eval(instance("3", InstancePhase.FIRING, 2)));
        }
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            AlertManager alerts = new AlertManager(db, clock, id -> Optional.of(rule), Duration.ofMinutes(2));
            alerts.reconcile(eval());
            assertEquals(1, alerts.open().size(), "right after a restart, no data yet is not a resolution");
            clock.advance(Duration.ofMinutes(3));
            alerts.reconcile(eval());
            assertTrue(alerts.open().isEmpty());
        }
    }

    @Test
    void exportWritesCsvAndJson() throws Exception {
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            AlertManager alerts = open(db);
            alerts.reconcile(eval(new RuleInstance("miner", Map.of("pid", "1"), Map.of("name", "=cmd|calc"), "pid 1, \"x\"",
                    Severity.WARNING, 1, InstancePhase.FIRING, clock.instant(), clock.instant(), "")));
            StringWriter csv = new StringWriter();
            AlertExport.csv(alerts.history(10), csv);
            String[] lines = csv.toString().split("\r\n");
            assertEquals(String.join(",", AlertExport.COLUMNS), lines[0]);
            assertTrue(lines[1].contains("\"pid 1, \"\"x\"\"\""), lines[1]);
            assertTrue(lines[1].contains("name='=cmd|calc") || lines[1].contains("name==cmd|calc"), lines[1]);
            StringWriter json = new StringWriter();
            AlertExport.json(alerts.history(10), json);
            assertTrue(json.toString().contains("\"rule\" : \"miner\""), json.toString());
            assertEquals(1, AlertManager.readAll(db, 10).size());
        }
    }

    /** A local unexplained-load alert folded per workload (ADR 0740) listing GPUs {@code indices} with {@code values}. */
    RuleInstance grouped(String indices, String values, double value) {
        List<String> uuids = new ArrayList<>();
        for (String i : indices.split(",")) {
            uuids.add("GPU-" + i);
        }
        return new RuleInstance("miner", Map.of("process", "xmrig", "user", "www-data"), Map.of("process", "xmrig",
                "user", "www-data", "pid", "31337", "gpu", String.join(",", uuids), "index", indices, "values", values),
                "GPUs " + indices + " / pid 31337 (xmrig)", Severity.CRITICAL, value, InstancePhase.FIRING,
                clock.instant(), clock.instant(), "");
    }

    @Test
    void gpusJoiningOrLeavingAGroupedAlertAreKeptWithAnEventButNewValuesAreNot() throws Exception {
        Path file = dir.resolve("vigil.db");
        long id;
        List<String> heard = new ArrayList<>();
        try (Database db = Database.open(file)) {
            AlertManager alerts = open(db);
            alerts.addListener((a, e) -> heard.add(e.kind()));
            alerts.reconcile(eval(grouped("2,3", "2=97, 3=96", 97)));
            id = alerts.open().getFirst().id();
            // Values change every tick: memory only, no write, no event.
            for (int t = 0; t < 5; t++) {
                clock.advance(Duration.ofSeconds(1));
                alerts.reconcile(eval(grouped("2,3", "2=9" + t + ", 3=96", 90 + t)));
            }
            assertEquals(List.of("firing"), alerts.events(id).stream().map(AlertEvent::kind).toList());
            // GPU 5 joins.
            clock.advance(Duration.ofSeconds(1));
            alerts.reconcile(eval(grouped("2,3,5", "2=97, 3=96, 5=88", 97)));
            assertEquals("GPU-2,GPU-3,GPU-5", alerts.open().getFirst().labels().get("gpu"));
            // GPU 3 leaves.
            clock.advance(Duration.ofSeconds(1));
            alerts.reconcile(eval(grouped("2,5", "2=97, 5=88", 97)));
            alerts.reconcile(eval(grouped("2,5", "2=98, 5=87", 98)));
            List<AlertEvent> events = alerts.events(id);
            assertEquals(List.of("firing", AlertManager.MEMBERS, AlertManager.MEMBERS),
                    events.stream().map(AlertEvent::kind).toList());
            assertEquals("GPU 5 joined; now 2, 3, 5", events.get(1).detail());
            assertEquals("GPU 3 left; now 2, 5", events.get(2).detail());
            assertEquals(List.of("firing", AlertManager.MEMBERS, AlertManager.MEMBERS), heard);
        }
        // What the database kept: the GPUs now listed (a restart shows them), the values as of the last change.
        try (Database db = Database.open(file)) {
            Alert a = open(db).open().getFirst();
            assertEquals(id, a.id());
            assertEquals("GPU-2,GPU-5", a.labels().get("gpu"));
            assertEquals("2,5", a.labels().get("index"));
            assertEquals("2=97, 5=88", a.labels().get("values"));
        }
    }

    @Test
    void membersChangeNamesWhoJoinedAndLeftByIndexElseByUuid() {
        assertEquals("", AlertManager.membersChange(Map.of("gpu", "a,b"), Map.of("gpu", "a,b")));
        assertEquals("", AlertManager.membersChange(Map.of("gpu", "a,b"), Map.of("gpu", "b,a")), "only the order");
        assertEquals("", AlertManager.membersChange(Map.of("pid", "1"), Map.of("gpu", "a")), "no list before");
        assertEquals("GPUs c, d joined; GPU a left; now b, c, d",
                AlertManager.membersChange(Map.of("gpu", "a,b"), Map.of("gpu", "b,c,d")));
    }
}
