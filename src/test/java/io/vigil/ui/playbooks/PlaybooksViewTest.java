package io.vigil.ui.playbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.app.AppPaths;
import io.vigil.app.VigilApp;
import io.vigil.app.Wiring;
import io.vigil.playbook.AuditEntry;
import io.vigil.playbook.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Drives the real console: a playbook opened from an alert's context, dry run, confirm, live output, cancel. */
class PlaybooksViewTest {

    @TempDir
    Path dir;

    private VigilApp app;
    private final FxRobot robot = new FxRobot();

    @BeforeEach
    void start() throws Exception {
        Path own = Files.createDirectories(dir.resolve("config/playbooks"));
        Files.writeString(own.resolve("slow-response.yaml"), """
                name: Slow response
                description: Looks at a process for a long time.
                parameters:
                  - {name: pid, type: pid, description: The process.}
                steps:
                  - name: gather
                    destructive: true
                    run: [sh, -c, 'echo "looking at $VIGIL_PARAM_PID"; echo "token=abcd1234secret"; i=0; while [ $i -lt 600 ]; do echo "tick $i"; i=$((i+1)); sleep 0.1; done']
                  - name: after
                    run: [echo, after]
                """);
        FxToolkit.registerPrimaryStage();
        AppPaths paths = new AppPaths(dir.resolve("config"), dir.resolve("data"));
        app = (VigilApp) FxToolkit.setupApplication(() -> new VigilApp(() -> Wiring.forDesktop(paths, Clock.systemUTC())));
        // The window shows first; the views attach when the wiring is built in the background.
        org.junit.jupiter.api.Assertions.assertTrue(app.awaitConsole(java.time.Duration.ofSeconds(60)), "the console attached its views");
    }

    @AfterEach
    void stop() throws Exception {
        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
    }

    private <T extends javafx.scene.Node> T find(String id, Class<T> type) {
        return robot.lookup(id).queryAs(type);
    }

    @Test
    void aPlaybookOpenedFromAnAlertShowsItsDryRunRunsAfterConfirmationStreamsAndCancels() throws Exception {
        robot.interact(() -> app.openPlaybook("slow-response", Map.of("pid", "4242", "alertname", "GpuBusyNoProcess")));
        // The form appears once the catalog has loaded in the background: wait for it, bounded.
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(() ->
                robot.lookup("#param-pid").tryQueryAs(TextField.class).map(TextField::getText).orElse(null))
                .get(5, TimeUnit.SECONDS) != null);
        assertEquals("4242", find("#param-pid", TextField.class).getText(), "pre-filled from the alert");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> find("#dry-run-text", TextArea.class).getText()
                .startsWith("1. [destructive] sh -c "));
        assertTrue(find("#dry-run-text", TextArea.class).getText().contains("2. echo after"));
        assertTrue(find("#run-button", Button.class).isDisabled(), "destructive steps wait for confirmation");

        robot.clickOn("#confirm-destructive");
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(find("#run-button", Button.class).isDisabled());
        robot.clickOn("#run-button");

        TextArea out = find("#run-output", TextArea.class);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> out.getText().contains("tick 3"));
        assertTrue(out.getText().contains("looking at 4242"));
        assertTrue(out.getText().contains("token=[REDACTED]"));
        assertFalse(out.getText().contains("abcd1234secret"), "secrets never reach the view");
        // The status line follows at the next UI frame (once a second by default), the output as it comes.
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> find("#run-status", Label.class).getText().startsWith("Step 1/2 running"));

        robot.clickOn("#cancel-button");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> find("#run-status", Label.class).getText().startsWith("CANCELLED"));
        assertTrue(find("#step-status-0", Label.class).getText().contains("CANCELLED"));
        assertEquals(RunStatus.CANCELLED, app.wiring().playbooks().orElseThrow().audit().recentRuns(1).getFirst().status());
        List<AuditEntry> entries = app.wiring().playbooks().orElseThrow().audit().entries();
        assertTrue(entries.stream().noneMatch(e -> String.valueOf(e.output()).contains("abcd1234secret")));

        robot.clickOn("#verify-audit-button");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> find("#audit-status", Label.class).getText()
                .startsWith("Audit log OK: 3 entries"));
    }

    @Test
    void withoutAnIdTheUserPicksAPlaybookAndTheContextFillsIt() throws Exception {
        robot.interact(() -> app.openPlaybook(null, Map.of("pid", "777")));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("Pick a playbook", find("#playbook-title", Label.class).getText());
        robot.interact(() -> robot.lookup("#playbook-list").queryListView().getSelectionModel()
                .select(app.wiring().playbooks().orElseThrow().catalog().find("gpu-miner-triage").orElseThrow()));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("777", find("#param-pid", TextField.class).getText());
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> find("#dry-run-text", TextArea.class).getText()
                .contains("[built-in] collect pid=777"));
    }
}
