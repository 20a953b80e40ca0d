package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.Eventually;
import io.vigil.alerts.Alert;
import io.vigil.alerts.AlertManager;
import io.vigil.ui.alerts.DesktopNotifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.TableView;
import javafx.stage.Popup;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The real console with a rule that goes critical on any host: its desktop notification appears
 * inside the window, a click opens the Alerts view with that alert selected, and quitting closes
 * every notification before the toolkit goes.
 */
class NotificationClickTest {

    @TempDir
    Path dir;

    private VigilApp app;
    private Stage stage;
    private boolean cleanedUp;
    private final FxRobot robot = new FxRobot();

    @BeforeEach
    void start() throws Exception {
        stage = FxToolkit.registerPrimaryStage();
        AppPaths paths = new AppPaths(dir.resolve("config"), dir.resolve("data"));
        Files.createDirectories(paths.configDir());
        Files.writeString(paths.configDir().resolve("rules.yaml"), """
                rules:
                  - id: cpu-any-critical
                    description: Goes critical on any host, for the test.
                    metric: host.cpu.percent
                    reducer: last
                    condition: ">="
                    critical: 0
                """);
        app = (VigilApp) FxToolkit.setupApplication(() -> new VigilApp(() -> Wiring.forDesktop(paths, Clock.systemUTC())));
        assertTrue(app.awaitConsole(Duration.ofSeconds(60)), "the console attached its views");
        robot.interact(() -> { // well inside the 1000×1000 headless screen
            stage.setX(0);
            stage.setY(0);
            stage.setWidth(960);
            stage.setHeight(720);
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (!cleanedUp) {
            FxToolkit.cleanupApplication(app);
        }
        FxToolkit.cleanupStages();
    }

    private static List<Node> notifications() {
        return Window.getWindows().stream().filter(w -> w instanceof Popup && w.isShowing())
                .flatMap(w -> ((Popup) w).getContent().stream())
                .filter(n -> n.getStyleClass().contains(DesktopNotifier.STYLE_CLASS)).toList();
    }

    private Alert firing() throws Exception {
        AlertManager alerts = app.wiring().alertEngine().orElseThrow().alerts();
        Eventually.until("the critical rule fires", Duration.ofSeconds(60), () -> !alerts.open().isEmpty());
        return alerts.open().getFirst();
    }

    @Test
    void clickingTheNotificationOpensItsAlertSelected() throws Exception {
        Alert alert = firing();
        Eventually.until("its notification shows", Duration.ofSeconds(30), () -> !notifications().isEmpty());
        Node popup = notifications().getFirst();
        assertEquals("notification-" + alert.id(), popup.getId());
        Bounds b = popup.localToScreen(popup.getLayoutBounds());
        Bounds status = app.shell().statusBar().localToScreen(app.shell().statusBar().getLayoutBounds());
        Node header = robot.lookup("#header-clock").query().getParent();
        assertTrue(b.getMinY() >= header.localToScreen(header.getLayoutBounds()).getMaxY(), "below the header: " + b);
        assertTrue(b.getMaxY() <= status.getMinY(), "above the status bar: " + b);
        assertTrue(b.getMaxX() <= stage.getX() + stage.getWidth(), "inside the window: " + b);
        assertEquals("dashboard", app.shell().currentId());

        robot.clickOn(popup);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("alerts", app.shell().currentId());
        TableView<?> table = robot.lookup("#alerts-table").queryAs(TableView.class);
        Eventually.until("the alert is selected", Duration.ofSeconds(10),
                () -> robot.lookup("#alert-detail-title").queryLabeled().getText().contains("cpu-any-critical"));
        assertEquals(1, table.getSelectionModel().getSelectedItems().size());
        assertTrue(notifications().isEmpty(), "the clicked notification closed");

        // Ctrl+F goes to the Alerts filter; a filter that hides the alert is cleared when its
        // notification is clicked again.
        robot.push(javafx.scene.input.KeyCode.CONTROL, javafx.scene.input.KeyCode.F);
        javafx.scene.Node focus = stage.getScene().getFocusOwner();
        assertEquals("alerts-filter-text", focus == null ? null : focus.getId());
        robot.write("no-such-alert");
        Eventually.until("the filter hides it", Duration.ofSeconds(10), () -> table.getItems().isEmpty());
        robot.clickOn("#nav-dashboard");
        robot.interact(() -> app.notifier().show(alert));
        robot.clickOn("#notification-" + alert.id());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("alerts", app.shell().currentId());
        assertEquals(1, table.getSelectionModel().getSelectedItems().size(), "selected again, filter cleared");
        assertEquals("", robot.lookup("#alerts-filter-text").queryAs(javafx.scene.control.TextField.class).getText());
    }

    @Test
    void quittingClosesEveryNotificationBeforeTheToolkitGoes() throws Exception {
        Alert alert = firing();
        Eventually.until("its notification shows", Duration.ofSeconds(30), () -> !notifications().isEmpty());
        robot.interact(() -> app.notifier().show(alert)); // up again, newest
        assertTrue(!notifications().isEmpty());
        // What Platform.exit() runs on the FX thread before the toolkit exits (the smoke test's path
        // and a window close); Ctrl+Q's quit() closes them first too, then calls Platform.exit().
        FxToolkit.cleanupApplication(app);
        cleanedUp = true;
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(notifications().isEmpty(), "no notification window left at exit");
    }
}
