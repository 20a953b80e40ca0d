package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.telemetry.HealthState;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Drives the real console window headless: navigation, status bar, dashboard chart. */
class ConsoleTest {

    @TempDir
    Path dir;

    private VigilApp app;
    private final FxRobot robot = new FxRobot();

    @BeforeEach
    void start() throws Exception {
        Stage stage = FxToolkit.registerPrimaryStage();
        AppPaths paths = new AppPaths(dir.resolve("config"), dir.resolve("data"));
        app = (VigilApp) FxToolkit.setupApplication(() -> new VigilApp(() -> Wiring.forDesktop(paths, Clock.systemUTC())));
        // The window shows first; the views attach when the wiring is built in the background.
        org.junit.jupiter.api.Assertions.assertTrue(app.awaitConsole(java.time.Duration.ofSeconds(60)), "the console attached its views");
        assertTrue(stage != null);
    }

    @AfterEach
    void stop() throws Exception {
        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
    }

    @Test
    void everyNavigationItemShowsItsView() {
        for (String id : List.of("gpus", "fleet", "cloud", "alerts", "rules", "playbooks", "inventory", "settings", "dashboard")) {
            robot.clickOn("#nav-" + id);
            WaitForAsyncUtils.waitForFxEvents();
            // A view with nothing to show yet is wrapped in its empty-state page.
            Node view = robot.lookup("#" + id + "-view").tryQuery()
                    .orElseGet(() -> robot.lookup("#" + id + "-page").query());
            assertTrue(view.isVisible(), id + " view is shown");
            assertEquals(id, app.shell().currentId());
        }
    }

    @Test
    void statusBarShowsHostSourceOkAndDashboardChartGetsPoints() throws Exception {
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> app.wiring().scheduler().statuses().stream()
                .anyMatch(s -> s.sourceId().equals("host") && s.health().state() == HealthState.OK));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> {
            // The chip appears at the next UI frame: look it up without failing until then.
            return robot.lookup("#status-host").tryQueryAs(Label.class)
                    .map(chip -> chip.getText().equals("Host OK")).orElse(false);
        });
        io.vigil.ui.chart.TimeSeriesChart chart = robot.lookup("#chart-cpu").queryAs(io.vigil.ui.chart.TimeSeriesChart.class);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> chart.pointCount() >= 2);
        robot.clickOn("#window-one_day");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(chart.pointCount() >= 2, "the 24 h window still shows the points");
    }
}
