package io.vigil.ui.gpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gpu.GpuProcessRow;
import io.vigil.gpu.GpuSource;
import io.vigil.gpu.nvml.FakeNvml;
import io.vigil.gpu.nvml.NvmlGpuReader;
import io.vigil.host.HostSnapshot;
import io.vigil.host.ProcessInfo;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.SeriesStore;
import io.vigil.ui.Styles;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.input.MouseButton;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The GPUs view over the real GpuSource, FFM binding and fake libnvidia-ml, driven headless. */
class GpusViewTest {

    private static final int SELF = (int) ProcessHandle.current().pid();

    private final FxRobot robot = new FxRobot();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T03:00:00Z"));
    private final SeriesStore series = new SeriesStore(1000);
    private final List<String> actions = new ArrayList<>();
    private GpuSource source;
    private GpusView view;

    private void open(String library) throws Exception {
        source = new GpuSource(List.of(() -> NvmlGpuReader.open(library)), Duration.ofSeconds(1));
        HostSnapshot host = new HostSnapshot(0, List.of(new ProcessInfo(SELF, 1, "python3", "analyst",
                "python3 train.py --epochs 90", 12.5, 512L << 20, 0)), List.of(), List.of());
        GpusViewModel model = new GpusViewModel(source, () -> host, series, clock);
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            view = new GpusView(model, (action, context) -> actions.add(action + " " + new java.util.TreeMap<>(context)));
            return (Parent) view.node();
        });
        FxToolkit.setupStage(stage -> {
            stage.getScene().getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
            stage.setX(0); // inside the 1000×1000 headless screen with room to spare, whatever an earlier test left
            stage.setY(0);
            stage.setWidth(960);
            stage.setHeight(900);
            stage.show();
        });
    }

    private void pollAndRefresh() {
        PollResult r = source.poll(clock.instant());
        series.onSamples("gpu", r.samples());
        robot.interact(view::refresh);
        clock.advance(Duration.ofSeconds(1));
    }

    private String text(String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
        if (source != null) {
            source.close();
        }
    }

    @Test
    void showsACardPerGpuTheProcessTableAndNaForUnsupported() throws Exception {
        FakeNvml.configure(Map.of("FAKE_NVML_PROCS", "0:self:2048", "FAKE_NVML_UNSUPPORTED", "2",
                "FAKE_NVML_PROC_UTIL", "0:self:73:21"));
        open(FakeNvml.LIBRARY.toString());
        pollAndRefresh();
        pollAndRefresh();

        assertEquals(3, robot.lookup(".gpu-card").queryAll().size());
        assertEquals("10 % GPU · 5 % memory", text("#gpu-0-util"));
        assertEquals("3 GiB of 80 GiB", text("#gpu-0-memory"));
        assertEquals("150 W of 700 W limit", text("#gpu-0-power"));
        assertEquals("idle", text("#gpu-0-clock-events"));
        assertEquals("power cap", text("#gpu-1-clock-events"));
        assertEquals("GPU-5eed0002-1c2d-4e5f-8a9b-000000abc002", text("#gpu-2-uuid"));
        assertEquals("n/a", text("#gpu-2-fan"));
        assertEquals("n/a", text("#gpu-2-power"));
        assertEquals("n/a", text("#gpu-2-temperature"));
        assertEquals("n/a", text("#gpu-2-ecc"));
        assertEquals("70 % GPU · 45 % memory", text("#gpu-2-util"), "supported readings of that GPU still show");
        assertFalse(robot.lookup("#gpus-unavailable").query().isVisible());

        TableView<GpuProcessRow> table = robot.lookup("#gpu-processes").queryTableView();
        assertEquals(1, table.getItems().size());
        GpuProcessRow row = table.getItems().getFirst();
        assertEquals(SELF, row.pid());
        assertEquals("python3", row.name(), "joined with the host process list");
        assertEquals("analyst", row.user());
        assertEquals(java.util.OptionalDouble.of(73), row.smUtilPercent(), "per-process SM utilization");
        assertTrue(robot.lookup(".table-row-cell").lookup("73").tryQuery().isPresent(), "SM % column");
        assertTrue(robot.lookup(".table-row-cell").lookup("21").tryQuery().isPresent(), "Mem % column");
        assertTrue(robot.lookup(".table-row-cell").lookup("python3 train.py --epochs 90").tryQuery().isPresent());
        assertTrue(view.utilizationChart().pointCount() >= 2, "charts get the samples");

        javafx.scene.control.ScrollPane scroll = robot.lookup(".view-scroll").queryAs(javafx.scene.control.ScrollPane.class);
        robot.interact(() -> scroll.setVvalue(1.0));
        WaitForAsyncUtils.waitForFxEvents();
        Node cell = robot.lookup(".table-row-cell").nth(0).query();
        robot.clickOn(cell, MouseButton.SECONDARY);
        robot.clickOn("Triage…");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of("triage {gpu=0, name=python3, pid=" + SELF + "}"), actions);
    }

    @Test
    void marksALostGpuThenShowsItRecovered() throws Exception {
        FakeNvml.configure(Map.of("FAKE_NVML_LOST_GPU", "1", "FAKE_NVML_LOST_AFTER", "1", "FAKE_NVML_LOST_FOR", "2"));
        open(FakeNvml.LIBRARY.toString());
        pollAndRefresh();
        Node badge = robot.lookup("#gpu-1-lost").query();
        assertFalse(badge.isVisible());
        pollAndRefresh();
        assertTrue(badge.isVisible(), "LOST badge");
        assertEquals("— (GPU lost)", text("#gpu-1-util"));
        assertEquals("10 % GPU · 5 % memory", text("#gpu-0-util"), "the other GPUs keep updating");
        pollAndRefresh();
        assertTrue(badge.isVisible());
        pollAndRefresh();
        assertTrue(badge.isVisible(), "lost until the reader re-initialises NVML (backoff 2 s)");
        pollAndRefresh();
        assertFalse(badge.isVisible(), "recovered");
        assertEquals("40 % GPU · 25 % memory", text("#gpu-1-util"));
    }

    @Test
    void withoutADriverSaysSoInsteadOfCards() throws Exception {
        open("/nonexistent/libnvidia-ml.so.1");
        pollAndRefresh();
        Label reason = robot.lookup("#gpus-unavailable").queryAs(Label.class);
        assertTrue(reason.isVisible());
        assertEquals("No NVIDIA GPU found. No NVIDIA driver found: /nonexistent/libnvidia-ml.so.1 could not be loaded",
                reason.getText());
        assertEquals(0, robot.lookup(".gpu-card").queryAll().size());
        assertFalse(robot.lookup("#gpus-content").query().isVisible());
    }
}
