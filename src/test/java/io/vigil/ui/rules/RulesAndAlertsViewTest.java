package io.vigil.ui.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.alerts.Alert;
import io.vigil.alerts.AlertManager;
import io.vigil.alerts.AlertState;
import io.vigil.app.AppPaths;
import io.vigil.app.VigilApp;
import io.vigil.app.Wiring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Drives the real console headless: writes a rule in the form, sees it validated, backtests and
 * saves it; then acknowledges and silences an alert raised by a rule that fires on any host.
 */
class RulesAndAlertsViewTest {

    @TempDir
    Path dir;

    private VigilApp app;
    private final FxRobot robot = new FxRobot();

    @BeforeEach
    void start() throws Exception {
        FxToolkit.registerPrimaryStage();
        AppPaths paths = new AppPaths(dir.resolve("config"), dir.resolve("data"));
        Files.createDirectories(paths.configDir());
        Files.writeString(paths.configDir().resolve("rules.yaml"), """
                rules:
                  - id: cpu-any
                    description: Fires on any host, for the test.
                    metric: host.cpu.percent
                    reducer: last
                    condition: ">="
                    warning: 0
                    playbook: investigate-host
                """);
        app = (VigilApp) FxToolkit.setupApplication(() -> new VigilApp(() -> Wiring.forDesktop(paths, Clock.systemUTC())));
        // The window shows first; the views attach when the wiring is built in the background.
        org.junit.jupiter.api.Assertions.assertTrue(app.awaitConsole(java.time.Duration.ofSeconds(60)), "the console attached its views");
    }

    @AfterEach
    void stop() throws Exception {
        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
    }

    private void type(String id, String text) {
        TextField f = robot.lookup("#" + id).queryAs(TextField.class);
        robot.interact(() -> f.setText(text));
    }

    private String text(String id) {
        return robot.lookup("#" + id).queryAs(Label.class).getText();
    }

    @Test
    void createValidateBacktestAndSaveARuleInTheForm() throws Exception {
        robot.clickOn("#nav-rules");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#rules-view").query().isVisible());
        TableView<?> table = robot.lookup("#rules-table").queryAs(TableView.class);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> table.getItems().size() == 1);

        robot.clickOn("#rule-new");
        type("rule-id", "gpu-hot");
        type("rule-metric", "host.cpu.percent");
        type("rule-critical", "very");
        // The form is validated at the next UI frame; text and style change together on the FX thread,
        // so both are checked in one condition (read between the two, the style could lag the text).
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> text("rule-form-status").contains("expected a number for 'critical'")
                && robot.lookup("#rule-form-status").query().getStyleClass().contains("validation-error"));
        type("rule-critical", "99.5");
        type("rule-for", "soon");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> text("rule-form-status").contains("expected a duration for 'for'"));
        type("rule-for", "30s");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> text("rule-form-status").startsWith("✓ valid: gpu-hot"));

        // Wait for a few host samples so the backtest has something to replay.
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !app.wiring().series().idsNamed("host.cpu.percent").isEmpty());
        robot.clickOn("#backtest-24h");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> text("backtest-summary").endsWith("evaluations)"));
        assertTrue(text("backtest-summary").matches("\\d+ firings? over the last 24 h \\(8641 evaluations\\)"),
                text("backtest-summary"));

        robot.clickOn("#rule-save");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> app.wiring().ruleRepository().rule("gpu-hot").isPresent());
        String file = Files.readString(app.wiring().ruleRepository().file());
        assertTrue(file.contains("id: gpu-hot") && file.contains("id: cpu-any"), file);
        assertTrue(file.contains("Fires on any host"), "the existing rule and its text are kept");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> table.getItems().size() == 2);
    }

    @Test
    void acknowledgeAndSilenceAnAlert() throws Exception {
        AlertManager alerts = app.wiring().alertEngine().orElseThrow().alerts();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !alerts.open().isEmpty());
        robot.clickOn("#nav-alerts");
        WaitForAsyncUtils.waitForFxEvents();
        TableView<?> table = robot.lookup("#alerts-table").queryAs(TableView.class);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> table.getItems().size() == 1);
        robot.interact(() -> table.getSelectionModel().select(0));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> text("alert-detail-title").contains("cpu-any"));
        assertTrue(text("alert-runbook").contains("Suggested playbook: investigate-host"));
        ListView<?> events = robot.lookup("#alert-events").queryAs(ListView.class);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !events.getItems().isEmpty());

        type("alert-note-text", "checking the build job");
        robot.clickOn("#alert-ack");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> alerts.open().getFirst().state() == AlertState.ACKNOWLEDGED);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> events.getItems().stream()
                .anyMatch(e -> e.toString().contains("acknowledged  checking the build job")));

        robot.clickOn("#alert-silence");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> alerts.open().getFirst().silencedUntil() != null);
        Alert a = alerts.open().getFirst();
        long minutes = java.time.Duration.between(app.wiring().clock().instant(), a.silencedUntil()).toMinutes();
        assertTrue(minutes >= 58 && minutes <= 60, "silenced for the default hour: " + minutes);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#alerts-table").queryAs(TableView.class)
                .getItems().size() == 1 && robot.lookup(".table-row-cell").queryAll().stream()
                .anyMatch(n -> n.toString().length() > 0) && text("alerts-message").startsWith("Silenced until"));
        assertEquals(1, alerts.events(a.id()).stream().filter(e -> e.kind().equals("silenced")).count());
        // Acknowledged and silenced: counted apart, not as an open warning.
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#header-open-alerts")
                .queryAs(javafx.scene.control.Labeled.class).getText().equals("No open alerts (1 acknowledged)"));
    }
}
