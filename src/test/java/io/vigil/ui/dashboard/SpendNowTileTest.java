package io.vigil.ui.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import javafx.scene.control.Label;
import io.vigil.cost.LiveCostMetrics;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.SeriesStore;
import io.vigil.ui.Styles;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javafx.scene.Parent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/** The Dashboard's "Spend now ($/h)" tile shows the newest live estimate, and nothing once it is stale. */
class SpendNowTileTest {

    private final FxRobot robot = new FxRobot();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-14T02:20:00Z"));
    private final SeriesStore series = new SeriesStore(1000);
    private DashboardView view;

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
    }

    @Test
    void theTileShowsTheLiveEstimate() throws Exception {
        DashboardViewModel model = new DashboardViewModel(series, Optional.empty(), clock, Runnable::run);
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            view = new DashboardView(model);
            return (Parent) view.node();
        });
        FxToolkit.setupStage(stage -> {
            stage.getScene().getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
            stage.setX(0);
            stage.setY(0);
            stage.setWidth(960);
            stage.setHeight(900);
            stage.show();
        });
        Label value = robot.lookup("#tile-spend-now-value").queryAs(Label.class);
        Label text = robot.lookup("#tile-spend-now-text").queryAs(Label.class);
        robot.interact(view::refresh);
        assertEquals("no GPU readings", text.getText());
        assertEquals("—", value.getText());

        series.onSamples("live-cost", List.of(Sample.of(LiveCostMetrics.LIVE_PER_HOUR_ID, clock.millis(), 27.83)));
        robot.interact(view::refresh);
        assertEquals("$27.83/h", value.getText());
        assertEquals(27.83, model.spendNowUsdPerHourProperty().get(), 1e-9);
        assertEquals("GPUs live: price + power", text.getText());

        clock.advance(Duration.ofMinutes(5)); // the GPU source stopped: an old estimate is not "now"
        robot.interact(view::refresh);
        assertEquals("no GPU readings", text.getText());
        assertEquals("—", value.getText());
    }
}
