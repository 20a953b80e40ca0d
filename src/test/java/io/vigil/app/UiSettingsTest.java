package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.telemetry.TimeWindow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The {@code ui:} section: documented keys are honoured, a bad value is explained. */
class UiSettingsTest {

    @TempDir
    Path dir;

    private VigilApp app;
    private final FxRobot robot = new FxRobot();

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            FxToolkit.cleanupApplication(app);
        }
        FxToolkit.cleanupStages();
    }

    private Settings settings(String yaml) throws Exception {
        Path file = dir.resolve("settings.yaml");
        Files.writeString(file, yaml);
        return Settings.load(file, Map.of(), Map.of());
    }

    @Test
    void theDocumentedDefaultsBind() throws Exception {
        UiSettings ui = Settings.defaults().section("ui", UiSettings.class);
        assertEquals(TimeWindow.FIVE_MINUTES, ui.chartWindow());
        assertEquals(1.0, ui.refreshHz());
        assertEquals("", ui.startView());
    }

    @Test
    void aBadWindowNamesTheKeyAndTheChoicesAndKeepsTheDefaults() throws Exception {
        List<String> problems = new ArrayList<>();
        UiSettings ui = settings("ui:\n  defaultWindow: 3h\n").section("ui", UiSettings.class, problems::add);
        assertEquals(TimeWindow.FIVE_MINUTES, ui.chartWindow());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().contains("defaultWindow") && problems.getFirst().contains("5m, 1h or 24h")
                && problems.getFirst().contains("settings.yaml"), problems.getFirst());
    }

    @Test
    void theConsoleOpensItsChartsOnTheConfiguredWindow() throws Exception {
        AppPaths paths = new AppPaths(dir.resolve("config"), dir.resolve("data"));
        Files.createDirectories(paths.configDir());
        Files.writeString(paths.settingsFile(), "ui:\n  defaultWindow: 1h\n  startView: gpus\n");
        FxToolkit.registerPrimaryStage();
        app = (VigilApp) FxToolkit.setupApplication(() -> new VigilApp(() -> Wiring.forDesktop(paths, Clock.systemUTC())));
        assertTrue(app.awaitConsole(java.time.Duration.ofSeconds(60)), "the console attached its views");
        assertEquals("gpus", app.shell().currentId(), "ui.startView");
        java.util.Set<String> built = WaitForAsyncUtils.asyncFx(() -> app.shell().builtViewIds())
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(java.util.Set.of("gpus"), built, "only the start view is built, not the Dashboard first");
        assertTrue(robot.lookup("#dashboard-view").tryQuery().isEmpty());
        robot.interact(() -> app.shell().show("dashboard"));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#window-one_hour").queryAs(ToggleButton.class).isSelected(), "ui.defaultWindow: 1h");
        assertTrue(!robot.lookup("#window-five_minutes").queryAs(ToggleButton.class).isSelected());
    }

    @Test
    void aBadValueShowsABannerAndTheConsoleStillStarts() throws Exception {
        AppPaths paths = new AppPaths(dir.resolve("config"), dir.resolve("data"));
        Files.createDirectories(paths.configDir());
        Files.writeString(paths.settingsFile(), "ui:\n  defaultWindow: forever\n");
        FxToolkit.registerPrimaryStage();
        app = (VigilApp) FxToolkit.setupApplication(() -> new VigilApp(() -> Wiring.forDesktop(paths, Clock.systemUTC())));
        assertTrue(app.awaitConsole(java.time.Duration.ofSeconds(60)), "the console attached its views");
        assertTrue(robot.lookup((Label l) -> l.getText() != null && l.getText().contains("ui.defaultWindow")
                && l.getText().contains("forever")).tryQuery().isPresent(), "a banner names the bad value");
        assertTrue(robot.lookup("#window-five_minutes").queryAs(ToggleButton.class).isSelected(), "defaults apply");
    }
}
