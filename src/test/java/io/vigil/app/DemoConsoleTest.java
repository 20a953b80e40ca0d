package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** A newcomer with no GPU: the GPUs view explains what it needs and Start demo switches to the replay. */
class DemoConsoleTest {

    @TempDir
    Path dir;

    private VigilApp app;
    private Stage stage;
    private final FxRobot robot = new FxRobot();

    @BeforeEach
    void start() throws Exception {
        stage = FxToolkit.registerPrimaryStage();
        System.setProperty("vigil.gpu.nvmlLibrary", dir.resolve("no-driver/libnvidia-ml.so.1").toString());
        System.setProperty("vigil.gpu.nvidiaSmi", dir.resolve("no-driver/nvidia-smi").toString());
        AppPaths paths = new AppPaths(dir.resolve("config"), dir.resolve("data"));
        app = (VigilApp) FxToolkit.setupApplication(() -> new VigilApp(() -> Wiring.forDesktop(paths, Clock.systemUTC())));
    }

    @AfterEach
    void stop() throws Exception {
        System.clearProperty("vigil.gpu.nvmlLibrary");
        System.clearProperty("vigil.gpu.nvidiaSmi");
        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
    }

    @Test
    void emptyGpuViewOffersTheDemoAndTheDemoSaysSo() throws Exception {
        robot.clickOn("#nav-gpus");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup("#gpus-empty-text").tryQueryAs(Label.class)
                .map(l -> l.getText().contains("No NVIDIA driver found")).orElse(false));
        assertTrue(robot.lookup("#demo-banner").tryQuery().isEmpty(), "no banner on the live console");

        robot.clickOn("#gpus-start-demo");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup("#demo-banner").tryQuery().isPresent());
        assertTrue(stage.getTitle().contains("DEMO"), stage.getTitle());
        assertTrue(app.wiring().scenario().isPresent());
        assertTrue(app.wiring().paths().dataDir().startsWith(dir), "the demo stays in the console's folders");
        // The scenario's four GPUs replace the empty state.
        robot.clickOn("#nav-gpus");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup(".gpu-card").queryAll().size() == 4);

        robot.clickOn("#demo-leave");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup("#demo-banner").tryQuery().isEmpty());
        assertTrue(app.wiring().scenario().isEmpty());
        assertTrue(!stage.getTitle().contains("DEMO"), stage.getTitle());
    }
}
