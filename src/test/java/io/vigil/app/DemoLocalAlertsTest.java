package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.alerts.Alert;
import io.vigil.alerts.AlertMarks;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * This machine in the demo mid-incident through the real pipeline (scenario readers, scheduler, series
 * store, rules, alert database): the miner pid 31337 keeping GPUs 2 and 3 busy is one unexplained-load
 * and one unexplained-cost alert listing both GPUs, not one per GPU (ADR 0740).
 */
class DemoLocalAlertsTest {

    @TempDir
    Path dir;

    @Test
    void theDemoMinerOnTwoLocalGpusIsOneAlertPerRule() throws Exception {
        // 04:00 (before the miner starts at 04:13) to 05:30, as DemoFleetAlertsTest.
        DemoNight night = DemoNight.at0530(dir);
        List<Alert> open = night.open();
        int header = AlertMarks.of(open, night.at()).counts().open();
        List<Alert> local = open.stream().filter(a -> !a.labels().containsKey("node")
                && a.ruleId().startsWith("unexplained-gpu-")).toList();
        System.out.println("demo at 05:30: header count " + header + ", open " + open.size() + ", local unexplained "
                + local.size());
        for (Alert a : local) {
            System.out.println("  " + a.ruleId() + " " + a.severity() + " " + a.state() + " | " + a.subject() + " | "
                    + a.labels());
        }
        for (String rule : List.of("unexplained-gpu-load", "unexplained-gpu-cost")) {
            List<Alert> of = local.stream().filter(a -> a.ruleId().equals(rule)).toList();
            assertEquals(1, of.size(), "one " + rule + " alert for the miner on GPUs 2 and 3: " + local);
            Alert a = of.getFirst();
            assertEquals("2,3", a.labels().get("index"), a.labels().toString());
            assertEquals(2, a.labels().get("gpu").split(",").length, a.labels().toString());
            assertEquals("31337", a.labels().get("pid"), "the pid a playbook binds: " + a.labels());
            assertFalse(a.labels().containsKey("pids"), "one process: " + a.labels());
            assertEquals("kthreadd-helper", a.labels().get("process"), a.labels().toString());
            assertTrue(a.subject().startsWith("GPUs 2, 3 / pid 31337"), a.subject());
            // Both GPU cards are coloured by the one alert.
            AlertMarks marks = AlertMarks.of(open, night.at());
            for (String uuid : a.labels().get("gpu").split(",")) {
                assertTrue(marks.forLabels(Map.of("gpu", uuid, "node", AlertMarks.ABSENT)).open() >= 1, uuid);
            }
        }
    }
}
