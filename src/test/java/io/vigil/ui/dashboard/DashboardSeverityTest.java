package io.vigil.ui.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.alerts.AlertManager;
import io.vigil.alerts.AlertMarksFeed;
import io.vigil.alerts.AlertTone;
import io.vigil.gpu.GpuMetrics;
import io.vigil.rules.DetectorInputs;
import io.vigil.rules.Evaluator;
import io.vigil.rules.MetricReader;
import io.vigil.rules.Rule;
import io.vigil.rules.RuleFile;
import io.vigil.store.Database;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.SeriesStore;
import io.vigil.ui.SeverityStyles;
import io.vigil.ui.Styles;
import io.vigil.ui.shell.AlertsFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.scene.Node;
import javafx.scene.Parent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Dashboard's tiles and alert strip coloured by a real rule through the real evaluator and alert
 * manager (SQLite file) on a manual clock: amber while the rule is pending, red once it fires, a
 * muted outline once acknowledged; "—" with no data.
 */
class DashboardSeverityTest {

    @TempDir
    Path dir;

    private final FxRobot robot = new FxRobot();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-30T09:00:00Z"));
    private final SeriesStore series = new SeriesStore(1000);
    private final List<AlertsFilter> opened = new ArrayList<>();
    private Database db;
    private AlertManager alerts;
    private Evaluator evaluator;
    private DashboardView view;

    private void open() throws Exception {
        Rule rule = new RuleFile().parse("rules.yaml", """
                rules:
                  - id: gpu-hot
                    metric: gpu.temperature_c{gpu="*"}
                    reducer: max
                    window: 1m
                    warning: 85
                    critical: 90
                    for: 1m
                """).getFirst();
        db = Database.open(dir.resolve("vigil.db"));
        alerts = new AlertManager(db, clock, id -> Optional.of(rule), Duration.ZERO);
        evaluator = new Evaluator(clock, MetricReader.of(series), DetectorInputs.none());
        evaluator.setRules(List.of(rule));
        DashboardViewModel model = new DashboardViewModel(series, Optional.empty(), clock, Runnable::run,
                new AlertMarksFeed(alerts, clock));
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            view = new DashboardView(model, opened::add);
            return (Parent) view.node();
        });
        FxToolkit.setupStage(stage -> {
            stage.getScene().getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
            stage.setX(0);
            stage.setY(0);
            stage.setWidth(960);
            stage.setHeight(800);
            stage.show();
        });
    }

    /** One second: a GPU 0 sample at {@code celsius}, one rule tick, one frame. */
    private void second(double celsius) {
        long t = clock.millis();
        series.append(GpuMetrics.of(GpuMetrics.UTILIZATION, "0"), t, 80);
        series.append(GpuMetrics.of(GpuMetrics.TEMPERATURE_C, "0"), t, celsius);
        alerts.reconcile(evaluator.tick());
        robot.interact(view::refresh);
        clock.advance(Duration.ofSeconds(1));
    }

    private ValueTile hottest() {
        return view.tileFor(DashboardTile.HOTTEST_GPU);
    }

    private boolean styled(Node n, String styleClass) {
        return n.getStyleClass().contains(styleClass);
    }

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
        if (db != null) {
            db.close();
        }
    }

    @Test
    void noDataReadsAsADashNotAsZero() throws Exception {
        open();
        robot.interact(view::refresh);
        for (DashboardTile t : DashboardTile.values()) {
            assertEquals("—", view.tileFor(t).value(), t + " without data");
        }
        assertEquals("no GPU readings", hottest().text());
        assertEquals("no AWS data yet", view.tileFor(DashboardTile.SPEND_TODAY).text());
        assertEquals("No open alerts", robot.lookup("#alert-strip-caption").queryLabeled().getText());
    }

    @Test
    void aTileTurnsAmberWhileItsRuleIsPendingThenRedWhenItFires() throws Exception {
        open();
        second(70);
        assertEquals("70 °C", hottest().value());
        assertEquals(AlertTone.NONE, hottest().mark().tone());
        assertFalse(styled(hottest(), SeverityStyles.WARNING) || styled(hottest(), SeverityStyles.CRITICAL));

        second(95); // over the critical threshold, but the rule wants it for a minute: pending
        assertEquals("PENDING", alerts.open().getFirst().state().name());
        assertTrue(styled(hottest(), SeverityStyles.WARNING), "amber while pending");
        assertFalse(styled(hottest(), SeverityStyles.CRITICAL));
        assertEquals(AlertTone.NONE, view.tileFor(DashboardTile.CPU).mark().tone(), "the rule watches GPUs only");
        assertTrue(robot.lookup("#alert-strip-pending").tryQuery().isPresent());

        for (int i = 0; i < 61; i++) {
            second(95);
        }
        assertEquals("FIRING", alerts.open().getFirst().state().name());
        assertTrue(styled(hottest(), SeverityStyles.CRITICAL), "red once firing critical");
        assertFalse(styled(hottest(), SeverityStyles.WARNING));
        assertTrue(styled(robot.lookup("#tile-hottest-gpu-value").query().getParent(), SeverityStyles.CRITICAL));
        assertEquals("1 critical", robot.lookup("#alert-strip-critical").queryButton().getText());

        robot.clickOn("#alert-strip-critical");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(AlertsFilter.open("critical")), opened, "the strip opens the Alerts view filtered");

        // Acknowledged: shown apart with a muted outline, no longer counted as open.
        alerts.acknowledge(alerts.open().getFirst().id(), "on it");
        second(95);
        assertTrue(styled(hottest(), SeverityStyles.MUTED));
        assertFalse(styled(hottest(), SeverityStyles.CRITICAL));
        assertFalse(robot.lookup("#alert-strip-critical").tryQuery().isPresent());
        assertEquals("1 acknowledged", robot.lookup("#alert-strip-acknowledged").queryButton().getText());
    }
}
