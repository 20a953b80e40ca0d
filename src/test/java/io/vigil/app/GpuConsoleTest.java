package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gpu.nvml.FakeNvml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The whole console with the GPU source on the fake libnvidia-ml (setting gpu.nvmlLibrary), or on none. */
class GpuConsoleTest {

    @TempDir
    Path dir;

    private VigilApp app;
    private final FxRobot robot = new FxRobot();

    private void start(String nvmlLibrary) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve("settings.yaml"), "gpu:\n  nvmlLibrary: \"" + nvmlLibrary + "\"\n");
        FxToolkit.registerPrimaryStage();
        AppPaths paths = new AppPaths(config, dir.resolve("data"));
        app = (VigilApp) FxToolkit.setupApplication(() -> new VigilApp(() -> Wiring.forDesktop(paths, Clock.systemUTC())));
        // The window shows first; the views attach when the wiring is built in the background.
        org.junit.jupiter.api.Assertions.assertTrue(app.awaitConsole(java.time.Duration.ofSeconds(60)), "the console attached its views");
    }

    @AfterEach
    void stop() throws Exception {
        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
    }

    @Test
    void dashboardTilesAndGpusViewShowTheFakeGpus() throws Exception {
        FakeNvml.configure(Map.of());
        start(FakeNvml.LIBRARY.toString());
        Label hottestGpu = robot.lookup("#tile-hottest-gpu-text").queryAs(Label.class);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> "GPU 2".equals(hottestGpu.getText()));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("1", tileValue("tile-gpus-busy"), "only the L4 at 70 % is busy");
        assertEquals("of 3, at ≥ 50 %", robot.lookup("#tile-gpus-busy-text").queryAs(Label.class).getText());
        assertEquals("54 °C", tileValue("tile-hottest-gpu"));
        assertEquals("600 W", tileValue("tile-gpu-power"));

        robot.clickOn("#nav-gpus");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup(".gpu-card").queryAll().size() == 3);
        assertEquals("GPU 0 · NVIDIA H100 80GB HBM3", robot.lookup("#gpu-card-0").lookup(".gpu-name").queryAs(Label.class).getText());
        @SuppressWarnings("unchecked")
        Map<String, Object> details = app.wiring().gpu().statusDetails();
        assertEquals("580.95.05", details.get("driverVersion"));
    }

    private String tileValue(String id) {
        return robot.lookup("#" + id + "-value").queryAs(Label.class).getText();
    }

    @Test
    void withoutADriverTheGpusViewSaysSoAndTheHostIsUnaffected() throws Exception {
        Path missing = dir.resolve("no-driver").resolve("libnvidia-ml.so.1");
        start(missing.toString());
        robot.clickOn("#nav-gpus");
        // With no GPU the view shows its empty state: the reason, what to do, and the demo.
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup("#gpus-empty-text").tryQueryAs(Label.class)
                .map(l -> l.getText().startsWith("No NVIDIA driver found: " + missing + " could not be loaded"))
                .orElse(false));
        assertTrue(robot.lookup("#gpus-start-demo").tryQuery().isPresent());
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> app.wiring().scheduler().statuses().stream()
                .anyMatch(s -> s.sourceId().equals("host") && s.health().state() == io.vigil.telemetry.HealthState.OK));
        assertTrue(app.wiring().scheduler().statuses().stream()
                .anyMatch(s -> s.sourceId().equals("gpu") && s.health().state() == io.vigil.telemetry.HealthState.DOWN));
    }
}
