package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.alerts.AlertManager;
import io.vigil.playbook.AuditEntry;
import io.vigil.playbook.PlaybookException;
import io.vigil.playbook.PlaybookService;
import io.vigil.playbook.RunPlan;
import io.vigil.scenario.Scenario;
import io.vigil.scenario.ScenarioFile;
import io.vigil.telemetry.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in demo replayed headless through the real pipeline (sources, series store, database,
 * rules, alerts, playbooks) at full speed on a manual clock: the incident's rules fire in the order
 * the night unfolds, the suggested triage playbook is recorded as a dry run, and nothing is executed.
 */
class DemoScenarioTest {

    @TempDir
    Path dir;

    @Test
    void theIncidentRaisesItsAlertsInOrderAndOnlyDryRunsPlaybooks() throws Exception {
        Scenario scenario = ScenarioFile.builtInDemo();
        ManualClock clock = new ManualClock(scenario.start());
        Map<String, Duration> firstFired = Collections.synchronizedMap(new LinkedHashMap<>());
        try (Wiring wiring = Wiring.forScenario(new AppPaths(dir.resolve("config"), dir.resolve("data")), scenario, clock)) {
            AlertManager alerts = wiring.alertEngine().orElseThrow().alerts();
            alerts.addListener((alert, event) -> {
                if (event.kind().equals("firing")) {
                    // The demo fleet's node that goes silent is a real alarm, kept apart from local sources.
                    String key = alert.ruleId().equals("source-down") && alert.labels().containsKey("node")
                            ? "source-down{node=" + alert.labels().get("node") + "}" : alert.ruleId();
                    firstFired.putIfAbsent(key, Duration.between(scenario.start(), clock.instant()));
                }
            });
            // 12 h of scenario time in 10 s steps: every source polled when due, rules evaluated each step.
            for (int step = 0; step < 12 * 360; step++) {
                clock.advance(Duration.ofSeconds(10));
                for (Future<?> poll : wiring.scheduler().tick()) {
                    poll.get(30, TimeUnit.SECONDS);
                }
                wiring.alertEngine().get().tick();
            }

            List<String> order = new ArrayList<>(firstFired.keySet());
            assertTrue(order.containsAll(List.of("miner-signature", "unexplained-gpu-load", "host-egress-high")),
                    "fired: " + firstFired);
            Duration incident = Duration.ofHours(4).plusMinutes(13);
            firstFired.forEach((rule, at) -> assertTrue(at.compareTo(incident) >= 0,
                    "no alert before the incident at 02:13 (the evaluation job ending at 01:30 is explained): " + firstFired));
            assertTrue(order.indexOf("miner-signature") < order.indexOf("unexplained-gpu-load"), "order: " + firstFired);
            assertTrue(order.indexOf("unexplained-gpu-load") < order.indexOf("host-egress-high"), "order: " + order);
            assertTrue(order.indexOf("host-egress-high") < order.indexOf("aws-cost-anomaly"), "order: " + firstFired);
            assertTrue(order.indexOf("aws-cost-anomaly") < order.indexOf("cloudwatch-billing-alarm"), "order: " + firstFired);
            assertTrue(firstFired.get("aws-cost-anomaly").compareTo(Duration.ofHours(10).plusMinutes(30)) >= 0,
                    "the anomaly comes next morning: " + firstFired);
            assertTrue(firstFired.get("unexplained-gpu-load").compareTo(incident.plusMinutes(10)) >= 0,
                    "unexplained load waits for its 10 min 'for': " + firstFired);
            assertTrue(!firstFired.containsKey("gpu-lost") && !firstFired.containsKey("source-down"),
                    "no false alarm from the replay itself: " + firstFired);
            assertTrue(firstFired.get("source-down{node=" + io.vigil.scenario.ScenarioFleetReader.DOWN_NODE + "}")
                    .compareTo(Duration.ofHours(5).plusMinutes(5)) >= 0, "the demo fleet's silent node, after its 5 min: "
                    + firstFired);
            assertTrue(alerts.open().stream().anyMatch(a -> a.subject().contains("pid 31337")), "the miner's pid is named");

            PlaybookService playbooks = wiring.playbooks().orElseThrow();
            // The suggested triage is recorded (as a dry run) on its own thread: wait for it, then check.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            List<AuditEntry> entries;
            do {
                entries = playbooks.audit().entries();
            } while (entries.stream().noneMatch(e -> e.playbookId().equals("gpu-miner-triage")) && System.nanoTime() < deadline);
            assertTrue(entries.stream().anyMatch(e -> e.playbookId().equals("gpu-miner-triage")
                    && "DRY_RUN".equals(e.status()) && e.parametersJson().contains("31337")), "dry run recorded: " + entries);
            assertTrue(entries.stream().allMatch(e -> "DRY_RUN".equals(e.status())), "nothing but dry runs: " + entries);
            assertTrue(playbooks.audit().verify().valid());

            // And a real run is refused outright: the demo never signals a process or starts a tool.
            RunPlan plan = playbooks.runner().plan(playbooks.catalog().find("kill-process").orElseThrow(),
                    Map.of("pid", "31337"), Map.of());
            PlaybookException refused = assertThrows(PlaybookException.class, () -> playbooks.runner().start(plan, null, true));
            assertTrue(refused.getMessage().contains("replaying the scenario"), refused.getMessage());
        }
        assertEquals(firstFired.keySet().stream().distinct().count(), firstFired.size());
    }
}
