package io.vigil.ui.fleet;

import static io.vigil.ui.fleet.FleetFixtures.down;
import static io.vigil.ui.fleet.FleetFixtures.gpu;
import static io.vigil.ui.fleet.FleetFixtures.node;
import static io.vigil.ui.fleet.FleetFixtures.proc;
import static io.vigil.ui.fleet.FleetFixtures.up;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.fleet.FleetGpu;
import io.vigil.fleet.FleetMetric;
import io.vigil.fleet.FleetNode;
import io.vigil.fleet.FleetProcess;
import io.vigil.fleet.FleetSnapshot;
import io.vigil.telemetry.ManualClock;
import io.vigil.ui.Styles;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.geometry.Point2D;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.paint.Color;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The Fleet view in a real (headless) window over a fake fleet: grid, DOWN rows, sort, filter, drill-down. */
class FleetViewTest {

    private static final long NOW = Instant.parse("2026-03-14T03:00:00Z").toEpochMilli();

    private final FxRobot robot = new FxRobot();
    private final ManualClock clock = new ManualClock(Instant.ofEpochMilli(NOW));
    private final AtomicReference<FleetSnapshot> latest = new AtomicReference<>(FleetSnapshot.EMPTY);
    private final FleetFixtures.RecordingReader reader = new FleetFixtures.RecordingReader();
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private FleetView view;

    /** 10 nodes of 8 GPUs and one of 4 in two clusters, one hot node, one DOWN node. */
    static FleetSnapshot fleet() {
        List<FleetNode> nodes = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            nodes.add(up(String.format("gpu-%02d", i), i <= 5 ? "train-us" : "infer-eu", 8, 40 + i, 55 + i));
        }
        nodes.add(up("gpu-small", "infer-eu", 4, 10, 40));
        List<FleetGpu> hot = new ArrayList<>();
        for (int g = 0; g < 8; g++) {
            hot.add(gpu("gpu-hot", g, 100, 91, 680, 0, proc(31337 + g, "xmrig", "metrics-agent", "kube-system")));
        }
        nodes.add(node("gpu-hot", "train-us", hot));
        nodes.add(down("gpu-dead", "train-us", "Get \"http://gpu-dead:9400/metrics\": dial tcp 10.0.0.9:9400: connect: connection refused",
                NOW - 300_000));
        return new FleetSnapshot(NOW, "prometheus http://test:9090", nodes, List.of());
    }

    @BeforeEach
    void open() throws Exception {
        latest.set(fleet());
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            view = new FleetView(new FleetViewModel(latest::get, () -> java.util.Optional.of(reader), clock, background),
                    () -> true, ZoneOffset.UTC, f -> "", () -> { }, null, background);
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
        robot.interact(view::refresh);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @AfterEach
    void close() throws Exception {
        FxToolkit.cleanupStages();
        background.shutdownNow();
    }

    private HeatGrid grid() {
        return view.grid();
    }

    private Point2D onScreen(int row, int column) {
        return grid().canvas().localToScreen(grid().cellCenter(row, column));
    }

    private int rowOf(String node) {
        return grid().rows().stream().map(FleetNode::name).toList().indexOf(node);
    }

    @Test
    void showsEveryNodeRowAndACellPerGpuInTheThemesSeverityColours() {
        assertEquals(13, grid().rows().size());
        assertEquals(13, grid().rowsPainted(), "every row is in view and painted");
        assertEquals(10 * 8 + 4 + 8, grid().cellsPainted(), "a cell per GPU; none for the DOWN node");
        assertEquals(grid().cellsPainted(), grid().cellsColoured());
        // Colours come from vigil.css (-color-ok / -color-danger), not from Java.
        assertEquals(Color.web("#ef5350"), grid().colourFor(100));
        assertEquals(Color.web("#66bb6a"), grid().colourFor(50));
        assertEquals(Color.web("#ffb74d"), grid().colourFor(90));
        assertEquals("12 / 1", robot.lookup("#fleet-tile-nodes-value").queryAs(Label.class).getText());
        assertEquals("13 nodes", robot.lookup("#fleet-count").queryAs(Label.class).getText());
    }

    @Test
    void aDownNodeReadsAsDownWithItsErrorAndNoNumbers() {
        String status = grid().paintedStatus("gpu-dead");
        assertEquals("DOWN — Get \"http://gpu-dead:9400/metrics\": dial tcp 10.0.0.9:9400: connect: connection refused,"
                + " last scrape 02:55:00", status);
        robot.moveTo(onScreen(rowOf("gpu-dead"), 2));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(grid().tooltip().getText().contains("DOWN — "), grid().tooltip().getText());
        assertFalse(grid().tooltip().getText().contains("Utilization"), "no stale numbers");
    }

    @Test
    void sortingByHottestPutsTheHottestNodeFirst() {
        assertEquals("gpu-01", grid().rows().getFirst().name());
        robot.clickOn("#fleet-sort");
        robot.clickOn("Hottest first");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("gpu-hot", grid().rows().getFirst().name());
        assertEquals("gpu-10", grid().rows().get(1).name());
        assertEquals("gpu-dead", grid().rows().getLast().name(), "a DOWN node has no temperature: last");
    }

    @Test
    void filteringByALabelNarrowsTheRows() {
        robot.clickOn("#fleet-filter").write("infer-eu");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(6, grid().rows().size());
        assertEquals(6, grid().rowsPainted());
        assertEquals("6 of 13 nodes", robot.lookup("#fleet-count").queryAs(Label.class).getText());
        robot.eraseText(8).write("namespace=kube-system");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of("gpu-hot"), grid().rows().stream().map(FleetNode::name).toList());
    }

    @Test
    void hoveringACellShowsNodeGpuUuidModelValueAndPod() {
        robot.moveTo(onScreen(rowOf("gpu-hot"), 3));
        WaitForAsyncUtils.waitForFxEvents();
        String tip = grid().tooltip().getText();
        assertTrue(tip.startsWith("gpu-hot · train-us · GPU 3"), tip);
        assertTrue(tip.contains("GPU-gpu-hot-3"), tip);
        assertTrue(tip.contains("NVIDIA H100 80GB HBM3"), tip);
        assertTrue(tip.contains("Utilization: 100 %"), tip);
        assertTrue(tip.contains("Pod: kube-system/metrics-agent"), tip);
        assertTrue(tip.contains("Process: xmrig (pid 31340)"), tip);
        robot.clickOn("#fleet-metric");
        robot.clickOn("Temperature");
        WaitForAsyncUtils.waitForFxEvents();
        robot.moveTo(onScreen(rowOf("gpu-hot"), 4));
        robot.moveTo(onScreen(rowOf("gpu-hot"), 3));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(grid().tooltip().getText().contains("Temperature: 91 °C"), grid().tooltip().getText());
    }

    @Test
    void clickingANodeOpensItsCardsAndChartsFedByHistoryAndEscReturns() throws Exception {
        robot.clickOn(onScreen(rowOf("gpu-hot"), 0));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#fleet-node-detail").query().isVisible());
        assertEquals("gpu-hot", robot.lookup("#fleet-node-title").queryAs(Label.class).getText());
        assertEquals(8, robot.lookup("#fleet-gpu-cards .gpu-card").queryAll().size());
        assertEquals("100 % GPU · n/a memory", robot.lookup("#gpu-3-util").queryAs(Label.class).getText());
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> {
            robot.interact(view::refresh);
            return view.detail().utilizationChart().pointCount() > 0;
        });
        assertTrue(reader.calls.stream().allMatch(c -> c.node().equals("gpu-hot")));
        assertTrue(reader.calls.stream().noneMatch(c -> c.thread().contains("JavaFX")), "history never on the FX thread");
        assertTrue(reader.calls.stream().anyMatch(c -> c.metric() == FleetMetric.UTILIZATION && c.uuid().equals("GPU-gpu-hot-7")));
        int plotWidth = view.detail().utilizationChart().plotWidthPixels();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> {
            robot.interact(view::refresh);
            // Asked again when the charts were laid out; a resize under 10 % does not refetch.
            return Math.abs(reader.calls.getLast().maxPoints() - plotWidth) <= plotWidth / 10;
        });
        assertEquals(8 * 60, view.detail().utilizationChart().pointCount());

        robot.clickOn("#fleet-window-seven_days");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> reader.calls.stream()
                .anyMatch(c -> java.time.Duration.between(c.start(), c.end()).toDays() == 7));

        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#fleet-grid-page").tryQuery().map(javafx.scene.Node::isVisible).orElse(false));
        assertTrue(robot.lookup("#fleet-node-detail").tryQuery().isEmpty(), "detail left the scene");

        robot.clickOn(onScreen(rowOf("gpu-01"), 5));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("gpu-01", robot.lookup("#fleet-node-title").queryAs(Label.class).getText());
        robot.clickOn("#fleet-back");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#fleet-node-detail").tryQuery().isEmpty());

        // The shell's Esc (View.closePane) closes the detail wherever the focus is, and only then.
        robot.clickOn(onScreen(rowOf("gpu-01"), 5));
        WaitForAsyncUtils.waitForFxEvents();
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        robot.interact(() -> closed.set(view.closePane()));
        assertTrue(closed.get());
        robot.interact(view::refresh);
        assertTrue(robot.lookup("#fleet-node-detail").tryQuery().isEmpty(), "Esc closed the detail");
        robot.interact(() -> closed.set(view.closePane()));
        assertTrue(!closed.get(), "nothing left to close: Esc goes on to the focused control");
    }

    @Test
    void processStringsFromTheNodeAreShownEscapedNeverInterpreted() {
        FleetProcess hostile = new FleetProcess(666, "xmrig\u001b[2J\nrm -rf ~\u202e", OptionalLong.of(1L << 30),
                "pod\r\nfake-line", "ns\u0007", "c\tx");
        latest.set(new FleetSnapshot(NOW + 1, "test", List.of(node("evil", "c", List.of(gpu("evil", 0, 100, 80, 600, 0, hostile)))),
                List.of()));
        robot.interact(view::refresh);
        robot.clickOn(onScreen(0, 0));
        WaitForAsyncUtils.waitForFxEvents();
        TableView<?> table = robot.lookup("#fleet-processes").queryTableView();
        assertEquals(1, table.getItems().size());
        assertTrue(robot.lookup(".table-cell").lookup("xmrig\\x1B[2J\\nrm -rf ~\\u{202E}").tryQuery().isPresent(),
                "the name is escaped in the table");
        assertTrue(robot.lookup(".table-cell").lookup("pod\\r\\nfake-line").tryQuery().isPresent());
        assertTrue(robot.lookup(".table-cell").lookup("ns\\x07").tryQuery().isPresent());
        assertNotEquals(-1, 0);
    }
}
