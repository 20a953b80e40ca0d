package io.vigil.ui.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.alerts.Alert;
import io.vigil.alerts.AlertMarks;
import io.vigil.alerts.AlertState;
import io.vigil.fleet.FleetNode;
import io.vigil.rules.Severity;
import io.vigil.ui.Styles;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.Parent;
import javafx.scene.layout.StackPane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/** Heat-grid cells outlined by the alerts about their GPUs, not by thresholds of the grid's own. */
class HeatGridSeverityTest {

    private static final Instant NOW = Instant.parse("2026-11-30T09:00:00Z");
    private final FxRobot robot = new FxRobot();
    private HeatGrid grid;

    private static Alert alert(String node, String gpu, AlertState state, Severity severity) {
        return new Alert(1, "fleet-hot{node=\"" + node + "\"}", "fleet-hot", severity, "node " + node + " / GPU " + gpu,
                Map.of("node", node, "gpu", gpu), 95, state, NOW, state == AlertState.PENDING ? null : NOW, NOW, null,
                "", "", "gpu.temperature_c{node=\"" + node + "\",gpu=\"" + gpu + "\"}", "gpu");
    }

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
    }

    @Test
    void aCellIsOutlinedByTheAlertAboutItsGpu() throws Exception {
        FleetNode a = FleetFixtures.up("gpu-a", "prod", 4, 50, 60);
        FleetNode b = FleetFixtures.up("gpu-b", "prod", 4, 50, 60);
        String uuid = a.gpus().get(2).uuid();
        AtomicReference<AlertMarks> marks = new AtomicReference<>(AlertMarks.NONE);
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            grid = new HeatGrid();
            grid.setAlertMarks(marks::get);
            return (Parent) new StackPane(grid);
        });
        FxToolkit.setupStage(stage -> {
            stage.getScene().getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
            stage.setX(0);
            stage.setY(0);
            stage.setWidth(900);
            stage.setHeight(500);
            stage.show();
        });
        robot.interact(() -> grid.setRows(List.of(a, b)));
        assertEquals(0, grid.cellsMarked());

        marks.set(AlertMarks.of(List.of(alert("gpu-a", uuid, AlertState.FIRING, Severity.CRITICAL)), NOW));
        robot.interact(grid::refreshMarks);
        assertEquals(1, grid.cellsMarked(), "only GPU 2 of gpu-a");
        String tip = grid.tooltipText(a, 2);
        assertTrue(tip.contains("Alert: firing critical: fleet-hot"), tip);
        assertTrue(!grid.tooltipText(a, 1).contains("Alert:"));
        assertTrue(!grid.tooltipText(b, 2).contains("Alert:"), "the same index on another node is another GPU");

        marks.set(AlertMarks.NONE);
        robot.interact(grid::refreshMarks);
        assertEquals(0, grid.cellsMarked(), "cleared with the alert");
    }
}
