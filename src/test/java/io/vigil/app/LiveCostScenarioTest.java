package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.alerts.Alert;
import io.vigil.alerts.AlertManager;
import io.vigil.cost.LiveCostMetrics;
import io.vigil.scenario.Scenario;
import io.vigil.scenario.ScenarioFile;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo night drives the live cost estimate through the real pipeline: the recorded machine's
 * instance type is priced, the GPUs' energy counters come from the replayed power, and the default
 * rule {@code unexplained-gpu-cost} fires for the miner's GPUs only after it starts at 02:13, not for
 * the evaluation job (explained) or the idle GPUs in between.
 */
class LiveCostScenarioTest {

    private static final String GPU_2 = "GPU-c41d8e73-5f2a-4c9b-8e10-2b7f6a3d9c23";
    private static final String GPU_3 = "GPU-e5a93b18-7d4c-4f6e-a2b9-8c1e0f5d7a34";

    @TempDir
    Path dir;

    @Test
    void theMinersGpusRaiseTheUnexplainedCostRuleWithTheirPrice() throws Exception {
        Scenario scenario = ScenarioFile.builtInDemo();
        Duration from = Duration.ofHours(3).plusMinutes(20); // 01:20, ten minutes before the evaluation job ends
        ManualClock clock = new ManualClock(scenario.start().plus(from));
        Map<String, Duration> fired = new ConcurrentHashMap<>();
        try (Wiring wiring = Wiring.forScenario(new AppPaths(dir.resolve("config"), dir.resolve("data")), scenario, clock)) {
            AlertManager alerts = wiring.alertEngine().orElseThrow().alerts();
            alerts.addListener((alert, event) -> {
                if (event.kind().equals("firing") && alert.ruleId().equals("unexplained-gpu-cost")) {
                    fired.putIfAbsent(alert.labels().get("gpu"), Duration.between(scenario.start(), clock.instant()));
                }
            });
            double perGpu = 55.04 / 8; // p5.48xlarge, from the built-in price table
            // 01:20 to 02:30 in 10 s steps: every source polled when due, rules evaluated each step.
            for (int step = 0; step < 70 * 6; step++) {
                clock.advance(Duration.ofSeconds(10));
                for (Future<?> poll : wiring.scheduler().tick()) {
                    poll.get(30, TimeUnit.SECONDS);
                }
                wiring.alertEngine().get().tick();
                if (step == 6 * 30) { // 01:50: GPUs 2 and 3 idle at ~71 W, GPUs 0 and 1 training at ~555 W
                    double idle = wiring.series().latest(MetricId.of(LiveCostMetrics.GPU_COST_PER_HOUR,
                            "gpu", GPU_2));
                    assertEquals(perGpu + 0.072 * 0.12, idle, 0.003, "price share + ~72 W at 0.12 USD/kWh");
                    double total = wiring.series().latest(LiveCostMetrics.LIVE_PER_HOUR_ID);
                    assertEquals(4 * perGpu + (0.56 + 0.552 + 0.072 + 0.070) * 0.12, total, 0.02);
                    assertEquals(io.vigil.cost.GpuCost.PowerSource.ENERGY_COUNTER,
                            wiring.liveCost().latest().gpus().get(2).powerFrom(), "the replayed energy counter is used");
                }
            }
            Duration incident = Duration.ofHours(4).plusMinutes(13);
            // One alert for the miner listing both its GPUs (ADR 0740).
            assertEquals(java.util.Set.of(GPU_2 + "," + GPU_3), fired.keySet(), "the miner's two GPUs, no other: " + fired);
            fired.values().forEach(at -> assertTrue(at.compareTo(incident.plusMinutes(2)) >= 0
                    && at.compareTo(incident.plusMinutes(6)) <= 0, "after the miner starts and the rule's 2 min: " + fired));
            List<Alert> open = alerts.open().stream().filter(a -> a.ruleId().equals("unexplained-gpu-cost")).toList();
            assertEquals(1, open.size());
            for (Alert a : open) {
                assertEquals("CRITICAL", a.severity().name(), "about 6.96 USD/h is above the critical 5");
                assertTrue(a.subject().contains("pid 31337"), a.subject());
                assertEquals(perGpu + 0.655 * 0.12, a.value(), 0.05, "the GPU's cost per hour is the alert's value");
            }
        }
    }
}
