package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.alerts.Alert;
import io.vigil.alerts.AlertMarks;
import io.vigil.scenario.ScenarioFleetReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo fleet mid-incident through the real pipeline (scenario readers, scheduler, series store,
 * rules, alert database): its two mining nodes each raise one alert per rule and cause, listing the
 * GPUs, not one per GPU; the header's count is what the analyst sees.
 */
class DemoFleetAlertsTest {

    @TempDir
    Path dir;

    @Test
    void theDemoFleetRaisesOneAlertPerNodeAndCauseListingItsGpus() throws Exception {
        DemoNight night = DemoNight.at0530(dir);
        List<Alert> open = night.open();
        Map<String, Integer> fleetByRuleAndNode = new TreeMap<>();
        for (Alert a : open) {
            if (a.labels().containsKey("node")) {
                fleetByRuleAndNode.merge(a.ruleId() + " " + a.labels().get("node"), 1, Integer::sum);
            }
        }
        int header = AlertMarks.of(open, night.at()).counts().open();
        System.out.println("demo at 05:30: header count " + header + ", open " + open.size() + ", fleet alerts by rule and node "
                + fleetByRuleAndNode);
        for (Alert a : open) {
            System.out.println("  " + a.ruleId() + " " + a.severity() + " " + a.state() + " | " + a.subject() + " | " + a.labels());
        }
        for (String node : List.of(ScenarioFleetReader.MINER_NODE_1, ScenarioFleetReader.MINER_NODE_2)) {
            assertEquals(1, fleetByRuleAndNode.getOrDefault("miner-signature " + node, 0), fleetByRuleAndNode.toString());
            assertEquals(1, fleetByRuleAndNode.getOrDefault("unexplained-gpu-load " + node, 0),
                    "one unexplained-load alert for the node's 8 mining GPUs: " + fleetByRuleAndNode);
            Alert load = open.stream().filter(a -> a.ruleId().equals("unexplained-gpu-load")
                    && node.equals(a.labels().get("node"))).findFirst().orElseThrow();
            assertEquals(8, load.labels().get("gpu").split(",").length, "every mining GPU listed: " + load.labels());
            assertTrue(load.subject().startsWith("node " + node + " / 8 GPUs"), load.subject());
        }
        fleetByRuleAndNode.forEach((k, n) -> assertEquals(1, n, "one per rule and node here: " + fleetByRuleAndNode));
    }
}
