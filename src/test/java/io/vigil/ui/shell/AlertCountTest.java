package io.vigil.ui.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.alerts.AlertManager;
import io.vigil.alerts.AlertMarksFeed;
import io.vigil.rules.Evaluation;
import io.vigil.rules.InstancePhase;
import io.vigil.rules.RuleInstance;
import io.vigil.rules.Severity;
import io.vigil.store.Database;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.SeriesStore;
import io.vigil.ui.SeverityStyles;
import io.vigil.ui.Styles;
import io.vigil.ui.alerts.AlertsView;
import io.vigil.ui.alerts.AlertsViewModel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javafx.scene.Parent;
import javafx.scene.control.ComboBox;
import javafx.scene.layout.VBox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The header's alert count over a real alert manager (SQLite file): open alerts only, and a way to them. */
class AlertCountTest {

    @TempDir
    Path dir;

    private final FxRobot robot = new FxRobot();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-30T09:00:00Z"));
    private final ExecutorService background = Executors.newSingleThreadExecutor();
    private Database db;
    private Shell shell;
    private AlertCount count;

    private RuleInstance firing(String pid, Severity severity) {
        return new RuleInstance("miner", Map.of("pid", pid), Map.of("pid", pid), "pid " + pid, severity, 2,
                InstancePhase.FIRING, clock.instant(), clock.instant(), "");
    }

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
        background.shutdownNow();
        if (db != null) {
            db.close();
        }
    }

    @Test
    void countsOnlyOpenAlertsAndOpensTheAlertsViewOnClick() throws Exception {
        db = Database.open(dir.resolve("vigil.db"));
        AlertManager alerts = new AlertManager(db, clock, id -> Optional.empty(), Duration.ZERO);
        alerts.reconcile(new Evaluation(clock.instant(), List.of(firing("1", Severity.CRITICAL),
                firing("2", Severity.CRITICAL), firing("3", Severity.CRITICAL), firing("4", Severity.WARNING)), Map.of()));
        AlertMarksFeed feed = new AlertMarksFeed(alerts, clock);
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            List<NavItem> items = List.of(
                    new NavItem("dashboard", "Dashboard", "M0 0h1v1z", () -> new PlaceholderView("dashboard", "Dashboard", "")),
                    new NavItem("alerts", "Alerts", "M0 0h1v1z", () -> new AlertsView(new AlertsViewModel(alerts,
                            new SeriesStore(10), Optional.empty(), clock, background, (p, c) -> { }))));
            count = new AlertCount(feed, f -> new AlertsNavigation(shell).accept(f));
            shell = new Shell(items, new StatusBar(List::of), count);
            return (Parent) new VBox(shell);
        });
        FxToolkit.setupStage(stage -> {
            stage.getScene().getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
            stage.setX(0);
            stage.setY(0);
            stage.setWidth(960);
            stage.setHeight(700);
            stage.show();
        });
        robot.interact(count::refresh);
        assertEquals("Open alerts: 3 critical · 1 warning", count.getText());

        long first = alerts.open().stream().filter(a -> a.severity() == Severity.CRITICAL).findFirst().orElseThrow().id();
        alerts.acknowledge(first, "mine");
        long second = alerts.open().stream().filter(a -> a.severity() == Severity.CRITICAL && a.id() != first)
                .findFirst().orElseThrow().id();
        alerts.silence(second, clock.instant().plus(Duration.ofHours(1)), "");
        robot.interact(count::refresh);
        assertEquals("Open alerts: 1 critical · 1 warning (1 acknowledged, 1 silenced)", count.getText(),
                "acknowledged and silenced alerts are counted apart");
        assertEquals(true, count.getStyleClass().contains(SeverityStyles.CRITICAL));

        assertEquals("dashboard", shell.currentId());
        robot.clickOn("#header-open-alerts");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("alerts", shell.currentId(), "a click opens the Alerts view");
        assertEquals("critical", robot.lookup("#alerts-filter-severity").queryAs(ComboBox.class).getValue());
        assertEquals("open", robot.lookup("#alerts-filter-state").queryAs(ComboBox.class).getValue());
    }
}
