package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.alerts.Alert;
import io.vigil.playbook.PlaybookService;
import io.vigil.playbook.RunListener;
import io.vigil.playbook.RunResult;
import io.vigil.playbook.StepStatus;
import io.vigil.rules.Signatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The miner-signature rule and the triage playbook read one list, the analyst's editable
 * {@code miner-signatures.txt}: a real process flagged by the alert through a signature that exists
 * only in that file is flagged by triage too, through the composition root.
 */
class OneSignatureListTest {

    @TempDir
    Path dir;
    Process worker;

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.destroyForcibly();
        }
    }

    @Test
    void aProcessTheAlertFlagsIsFlaggedByTriageWithASignatureOnlyInTheEditableFile() throws Exception {
        AppPaths paths = new AppPaths(dir.resolve("config"), dir.resolve("data"));
        Files.createDirectories(paths.configDir());
        // A flag no shipped list knows, added by the analyst after an incident.
        Files.writeString(paths.configDir().resolve(Signatures.MINER_FILE),
                Signatures.builtIn().flags().stream().map(f -> "flag " + f + "\n").reduce("", String::concat)
                        + "flag --vigil-test-hashrate\n");
        // bash stays the process (it must wait for the second command), with the flag in its argv.
        worker = new ProcessBuilder("bash", "-c", "sleep 300; :", "--vigil-test-hashrate").start();
        String pid = Long.toString(worker.pid());

        try (Wiring wiring = Wiring.forCommandLine(paths, Clock.systemUTC())) {
            List<Alert> firing = new CopyOnWriteArrayList<>();
            wiring.alertEngine().orElseThrow().alerts().addListener((alert, event) -> {
                if (alert.ruleId().equals("miner-signature") && alert.subject().contains("pid " + pid)) {
                    firing.add(alert);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (firing.isEmpty() && System.nanoTime() < deadline) {
                for (Future<?> poll : wiring.scheduler().tick()) {
                    poll.get(30, TimeUnit.SECONDS);
                }
                wiring.alertEngine().get().tick();
            }
            assertFalse(firing.isEmpty(), "the miner-signature rule flags the worker by the edited file's flag");

            PlaybookService playbooks = wiring.playbooks().orElseThrow();
            List<String> lines = new CopyOnWriteArrayList<>();
            RunResult r = playbooks.runner().run(playbooks.runner().plan(
                    playbooks.catalog().find("gpu-miner-triage").orElseThrow(), Map.of("pid", pid), Map.of()),
                    new RunListener() {
                        @Override
                        public void output(int stepIndex, String line) {
                            lines.add(line);
                        }
                    }, false);
            assertEquals(StepStatus.SUCCEEDED, r.steps().getFirst().status(), r.steps().getFirst().output());
            String out = String.join("\n", lines);
            assertTrue(out.contains("--vigil-test-hashrate"), "triage names the same indicator: " + out);
            assertFalse(out.contains("no miner indicators"), out);
        }
    }
}
