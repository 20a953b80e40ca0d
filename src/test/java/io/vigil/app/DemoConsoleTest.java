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
        // The window shows first; the views attach when the wiring is built in the background.
        org.junit.jupiter.api.Assertions.assertTrue(app.awaitConsole(java.time.Duration.ofSeconds(60)), "the console attached its views");
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
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup("#demo-banner").tryQuery().isPresent()
                && app.wiring() != null);
        assertTrue(stage.getTitle().contains("DEMO"), stage.getTitle());
        assertTrue(app.wiring().scenario().isPresent());
        assertTrue(app.wiring().paths().dataDir().startsWith(dir), "the demo stays in the console's folders");
        // The scenario's four GPUs replace the empty state. The demo's console is attached after its
        // wiring is built: click only once its navigation is in the window (a query racing the swap
        // met a node already detached from its scene).
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> attached("#nav-gpus") && attached("#demo-leave"));
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#nav-gpus");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup(".gpu-card").queryAll().size() == 4);

        robot.clickOn("#demo-leave");
        // The views come back once the live wiring is built (after the demo's was closed).
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> app.wiring() != null
                && robot.lookup("#demo-banner").tryQuery().isEmpty() && robot.lookup("#nav-dashboard").tryQuery().isPresent());
        assertTrue(app.wiring().scenario().isEmpty());
        assertTrue(!stage.getTitle().contains("DEMO"), stage.getTitle());
    }

    /** Whether {@code query} finds a node that is in the shown window now (asked on the FX thread). */
    private boolean attached(String query) throws Exception {
        java.util.concurrent.CompletableFuture<Boolean> in = new java.util.concurrent.CompletableFuture<>();
        javafx.application.Platform.runLater(() -> {
            javafx.scene.Node n = stage.getScene() == null ? null : stage.getScene().lookup(query);
            in.complete(n != null && n.getScene() == stage.getScene());
        });
        return in.get(10, TimeUnit.SECONDS);
    }
}
