package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.alerts.Alert;
import io.vigil.alerts.AlertManager;
import io.vigil.fleet.FleetFixture;
import io.vigil.rules.RuleRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole console graph ({@link Wiring#forDesktop}) pointed at a real Prometheus scraping three
 * GPU nodes through {@code fleet.prometheusUrl}: the shipped rules raise miner-signature for the
 * node with the miner only, with the fleet playbook suggested, and a {@code promql:} rule in
 * rules.yaml fires, as open alerts in the database.
 */
class FleetAlertsWiringTest {

    @TempDir
    Path dir;
    FleetFixture fleet;
    Wiring wiring;

    @BeforeEach
    void start() throws Exception {
        fleet = new FleetFixture();
        System.setProperty("vigil.fleet.prometheusUrl", fleet.prometheus.url().toString());
        System.setProperty("vigil.fleet.periodSeconds", "1");
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve("rules.yaml"), RuleRepository.defaultText() + """

                  - id: lab-gpu-busy
                    promql: 'sum by (cluster) (DCGM_FI_DEV_GPU_UTIL)'
                    reducer: last
                    window: 30s
                    critical: 150
                """);
        wiring = Wiring.forDesktop(new AppPaths(config, dir.resolve("data")), Clock.systemUTC());
        wiring.start();
    }

    @AfterEach
    void stop() {
        System.clearProperty("vigil.fleet.prometheusUrl");
        System.clearProperty("vigil.fleet.periodSeconds");
        if (wiring != null) {
            wiring.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    static List<Alert> open(AlertManager alerts, String ruleId) {
        return alerts.open().stream().filter(a -> a.ruleId().equals(ruleId)).toList();
    }

    @Test
    void theShippedRulesFindTheMinerOnItsNodeOnlyAndAPromQlRuleFires() {
        assertTrue(wiring.promQlRules().isPresent(), "a Prometheus fleet registers the PromQL rule poller");
        AlertManager alerts = wiring.alertEngine().orElseThrow().alerts();
        fleet.prometheus.await("miner-signature and lab-gpu-busy alerts", () -> !open(alerts, "miner-signature").isEmpty()
                && !open(alerts, "lab-gpu-busy").isEmpty());
        List<Alert> miners = open(alerts, "miner-signature");
        assertEquals(1, miners.size(), miners.toString());
        Alert m = miners.getFirst();
        assertEquals("127.0.0.3", m.labels().get("node"));
        assertEquals("31337", m.labels().get("pid"));
        assertEquals("GPU-b0b0b0b0-0000-4000-8000-00000000000b", m.labels().get("gpu"));
        assertEquals("isolate-k8s-workload", m.playbook(), "a fleet alert suggests the fleet playbook");
        assertTrue(m.subject().startsWith("node 127.0.0.3 / GPU "), m.subject());
        Alert busy = open(alerts, "lab-gpu-busy").getFirst();
        assertEquals("lab", busy.labels().get("cluster"));
        assertEquals(197, busy.value(), 1e-9);
    }
}
