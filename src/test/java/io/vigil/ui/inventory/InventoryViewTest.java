package io.vigil.ui.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.host.ListeningPort;
import io.vigil.inventory.Baseline;
import io.vigil.inventory.BindScope;
import io.vigil.inventory.ContainerInfo;
import io.vigil.inventory.DockerReport;
import io.vigil.inventory.DriftEntry;
import io.vigil.inventory.ExposedService;
import io.vigil.inventory.HashProgress;
import io.vigil.inventory.InventorySnapshot;
import io.vigil.inventory.ProbeOutcome;
import io.vigil.inventory.ProbeResult;
import io.vigil.inventory.RecentModelFile;
import io.vigil.inventory.Severity;
import io.vigil.inventory.Workload;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesStore;
import io.vigil.ui.Styles;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The Inventory view with fake data: the four sections, GPU memory from the series store, Verify now. */
class InventoryViewTest {

    private final FxRobot robot = new FxRobot();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T03:00:00Z"));
    private final SeriesStore series = new SeriesStore(100);
    private final AtomicReference<InventorySnapshot> snapshot = new AtomicReference<>(InventorySnapshot.EMPTY);
    private final AtomicReference<HashProgress.Progress> progress = new AtomicReference<>();
    private final CompletableFuture<List<?>> verifyRun = new CompletableFuture<>();
    private InventoryView view;

    @BeforeEach
    void show() throws Exception {
        Stage stage = FxToolkit.registerPrimaryStage();
        InventoryViewModel model = new InventoryViewModel(snapshot::get, progress::get, series, clock,
                root -> CompletableFuture.completedFuture(null), () -> verifyRun);
        FxToolkit.setupStage(s -> {
            view = new InventoryView(model);
            Scene scene = new Scene((javafx.scene.Parent) view.node(), 960, 900);
            scene.getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
            s.setScene(scene);
            s.setX(0); // inside the 1000×1000 headless screen with room to spare, whatever an earlier test left
            s.setY(0);
            s.sizeToScene();
            s.show();
        });
        assertTrue(stage.isShowing());
    }

    @AfterEach
    void close() throws Exception {
        FxToolkit.cleanupStages();
    }

    private void refresh() {
        robot.interact(view::refresh);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static InventorySnapshot sample(boolean dockerAvailable) {
        long now = Instant.parse("2026-11-22T03:00:00Z").toEpochMilli();
        Workload notebook = new Workload(4711, "alice", "jupyter", "Jupyter", Optional.of("jupyter"),
                "command line: /jupyter-lab", "/usr/bin/python3 /usr/local/bin/jupyter-lab --ip=0.0.0.0",
                now - 2 * 3_600_000 - 5 * 60_000, List.of(new ListeningPort("tcp4", "0.0.0.0", 8888, 4711)));
        ExposedService open = new ExposedService(8888, "jupyter", "0.0.0.0", BindScope.ALL_INTERFACES, 4711,
                new ProbeResult(ProbeOutcome.OPEN, "GET /api/status → 200 without credentials"), Severity.CRITICAL);
        DockerReport docker = dockerAvailable
                ? DockerReport.of(List.of(new ContainerInfo("3f1c9a7be2d4", "trainer-notebook", "nvcr.io/nvidia/pytorch:24.05-py3",
                        Map.of("ai-workload", "notebook"), true, List.of("privileged", "host network"))))
                : DockerReport.notAvailable("docker daemon unreachable: Cannot connect to the Docker daemon");
        Baseline baseline = new Baseline(1, Path.of("/srv/models/llama"), now - 86_400_000, 4, 16_000_000_000L,
                OptionalLong.of(now - 60_000), List.of(new DriftEntry("model-00001.safetensors", DriftEntry.Kind.CHANGED,
                        "content changed with the same size and modification time")), List.of());
        return new InventorySnapshot(now, List.of(notebook), List.of(open), docker, List.of(baseline), Optional.empty(),
                List.of(new RecentModelFile(Path.of("/srv/models/llama/model-00001.safetensors"), 5_000_000_000L, now - 60_000)),
                List.of());
    }

    @Test
    void showsTheFourSectionsWithTheirRows() throws Exception {
        series.append(MetricId.of("gpu.process.memory_bytes", "gpu", "0", "pid", "4711"), clock.millis(), 2.0 * 1024 * 1024 * 1024);
        snapshot.set(sample(true));
        refresh();

        for (String id : List.of("#inventory-workloads", "#inventory-services", "#inventory-containers", "#inventory-integrity")) {
            Node section = robot.lookup(id).query();
            assertTrue(section.isVisible(), id);
        }
        TableView<?> workloads = robot.lookup("#inventory-workloads-table").queryAs(TableView.class);
        assertEquals(1, workloads.getItems().size());
        // The table's cells exist after its next layout pulse, which a loaded machine may not have run yet.
        io.vigil.Eventually.until("GPU memory from the gpu.process.memory_bytes series", java.time.Duration.ofSeconds(20),
                () -> WaitForAsyncUtils.asyncFx(() -> robot.lookup(".table-cell").queryAll().stream()
                        .anyMatch(n -> n instanceof javafx.scene.control.Labeled l && "2 GiB".equals(l.getText()))).get());
        assertTrue(robot.lookup(".table-cell").queryAll().stream()
                .anyMatch(n -> n instanceof javafx.scene.control.Labeled l && "2 h 5 min".equals(l.getText())), "uptime");
        assertEquals(1, robot.lookup("#inventory-services-table").queryAs(TableView.class).getItems().size());
        assertTrue(robot.lookup(".severity-critical").queryAll().stream()
                .anyMatch(n -> n instanceof javafx.scene.control.Labeled l && "CRITICAL".equals(l.getText())),
                "the open notebook on all interfaces is shown as critical");
        assertEquals(1, robot.lookup("#inventory-containers-table").queryAs(TableView.class).getItems().size());
        assertFalse(robot.lookup("#inventory-containers-unavailable").queryAs(Label.class).isVisible());
        assertEquals(1, robot.lookup("#inventory-drift-table").queryAs(TableView.class).getItems().size());
        // Nothing is cut without its full text in a tooltip, and only the last (long) column is ever cut.
        for (String table : List.of("workloads", "services", "containers", "baselines", "drift")) {
            TableView<?> t = robot.lookup("#inventory-" + table + "-table").queryAs(TableView.class);
            List<io.vigil.ui.RenderedText.Cut> cuts = new java.util.ArrayList<>();
            robot.interact(() -> cuts.addAll(io.vigil.ui.RenderedText.cuts(t)));
            String last = t.getColumns().getLast().getText();
            for (io.vigil.ui.RenderedText.Cut c : cuts) {
                assertTrue(c.where().endsWith("." + last) && c.full().equals(c.tooltip()), c.toString());
            }
        }
        assertTrue(robot.lookup("#inventory-recent-models").queryAs(Label.class).getText().contains("model-00001.safetensors"));
    }

    @Test
    void saysWhyDockerIsNotAvailable() {
        snapshot.set(sample(false));
        refresh();
        Label reason = robot.lookup("#inventory-containers-unavailable").queryAs(Label.class);
        assertTrue(reason.isVisible());
        assertTrue(reason.getText().startsWith("Docker not available: docker daemon unreachable"), reason.getText());
        assertFalse(robot.lookup("#inventory-containers-table").queryAs(TableView.class).isVisible());
    }

    @Test
    void verifyNowShowsProgressAndTheOutcome() throws Exception {
        snapshot.set(sample(true));
        refresh();
        Button verify = robot.lookup("#inventory-verify").queryAs(Button.class);
        assertFalse(verify.isDisabled());
        robot.clickOn(verify);
        progress.set(new HashProgress.Progress("/srv/models/llama", 4_000_000_000L, 16_000_000_000L, 1, 4));
        refresh();
        ProgressBar bar = robot.lookup("#inventory-progress").queryAs(ProgressBar.class);
        assertTrue(bar.isVisible());
        assertEquals(0.25, bar.getProgress(), 1e-9);
        assertTrue(verify.isDisabled(), "no second run while one is under way");

        progress.set(null);
        verifyRun.complete(List.of());
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> {
            robot.interact(view::refresh);
            return !bar.isVisible();
        });
        assertEquals("Verify finished.", robot.lookup("#inventory-progress-text").queryAs(Label.class).getText());
        assertFalse(verify.isDisabled());
    }
}
