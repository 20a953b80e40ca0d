package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vigil.alerts.Alert;
import io.vigil.playbook.AuditEntry;
import io.vigil.playbook.AuditLog;
import io.vigil.scenario.Scenario;
import io.vigil.scenario.ScenarioFile;
import io.vigil.store.Database;
import io.vigil.telemetry.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Closing the wiring while work is in flight: the suggested playbook's dry run, submitted the moment
 * an alert fires, either completes and is audited or never starts; it never meets a closed database.
 */
class ShutdownTest {

    @TempDir
    Path dir;

    @Test
    void closingDuringASuggestedDryRunNeitherLosesItNorLogsAClosedDatabase() throws Exception {
        for (String m : List.of("ch.qos.logback.classic", "ch.qos.logback.core")) {
            ModuleLayer.boot().findModule(m).ifPresent(getClass().getModule()::addReads);
        }
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        Scenario scenario = ScenarioFile.builtInDemo();
        ManualClock clock = new ManualClock(scenario.start());
        AppPaths paths = new AppPaths(dir.resolve("config"), dir.resolve("data"));
        List<Alert> firedWithPlaybook = new CopyOnWriteArrayList<>();
        // Each dry run waits at this gate before it starts, so it is certainly in flight when the
        // wiring closes; the gate opens once close() has returned or has waited 2 s for it.
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        Thread[] closer = new Thread[1];
        try {
            Wiring wiring = Wiring.forScenario(paths, scenario, clock, task -> () -> {
                try {
                    gate.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                task.run();
            });
            // Registered after the dry-run planner: it hears the firing right after the dry run was
            // handed over, and starts closing the wiring there and then (a user quitting at that instant).
            wiring.alertEngine().orElseThrow().alerts().addListener((alert, event) -> {
                if (event.kind().equals("firing") && !alert.playbook().isBlank() && firedWithPlaybook.isEmpty()) {
                    firedWithPlaybook.add(alert);
                    closer[0] = Thread.ofPlatform().name("closer").start(wiring::close);
                }
            });
            for (int step = 0; step < 12 * 360 && firedWithPlaybook.isEmpty(); step++) {
                clock.advance(Duration.ofSeconds(10));
                for (Future<?> poll : wiring.scheduler().tick()) {
                    poll.get(30, TimeUnit.SECONDS);
                }
                wiring.alertEngine().get().tick();
            }
            assertTrue(!firedWithPlaybook.isEmpty(), "the replay fires an alert with a suggested playbook");
            closer[0].join(2_000); // close either returns (not waiting for the dry run) or waits for it
            gate.countDown();
            closer[0].join(60_000);
            assertTrue(!closer[0].isAlive(), "close() returned");
        } finally {
            gate.countDown();
            root.detachAppender(logged);
        }
        List<String> problems = new ArrayList<>();
        for (ILoggingEvent e : logged.list) {
            String text = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage());
            if (text.toLowerCase(java.util.Locale.ROOT).contains("closed")) {
                problems.add(e.getLevel() + " " + e.getLoggerName() + ": " + text);
            }
        }
        assertEquals(List.of(), problems, "nothing met a closed database or client");
        try (Database db = Database.open(paths.databaseFile())) {
            AuditLog audit = new AuditLog(db, clock);
            List<AuditEntry> dryRuns = audit.entries().stream().filter(e -> "DRY_RUN".equals(e.status())).toList();
            Alert first = firedWithPlaybook.getFirst();
            long forFirst = dryRuns.stream().filter(e -> e.message().contains("alert " + first.id() + " ")).count();
            assertTrue(forFirst <= 1, "at most one dry run per alert: " + dryRuns);
            assertTrue(audit.verify().valid(), "the audit chain is intact");
            // Completed (and audited), not cut off: the executor is drained before the database closes.
            assertEquals(1, forFirst, "the dry run handed over before close completed: " + dryRuns + " for " + first);
        }
    }
}
