package io.vigil.ui.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.alerts.Alert;
import io.vigil.alerts.AlertState;
import io.vigil.rules.Severity;
import io.vigil.telemetry.ManualClock;
import io.vigil.ui.Styles;
import io.vigil.ui.View;
import io.vigil.ui.shell.NavItem;
import io.vigil.ui.shell.Shell;
import io.vigil.ui.shell.StatusBar;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.stage.Popup;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Notifications as real popup windows over a real shell window (with a demo-style banner): how many,
 * where, what a click does, when they go, and that closeAll leaves none.
 */
class DesktopNotifierTest {

    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

    private final FxRobot robot = new FxRobot();
    private final ManualClock clock = new ManualClock(T0);
    private final List<Alert> opened = new CopyOnWriteArrayList<>();
    private Shell shell;
    private Stage stage;
    private Label banner;
    private DesktopNotifier notifier;

    @BeforeEach
    void open() throws Exception {
        stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            View empty = () -> new Label("view");
            shell = new Shell(List.of(new NavItem("dashboard", "Dashboard", "M0 0 L1 1", () -> empty)),
                    new StatusBar(List::of), new Label("header"));
            banner = new Label("DEMO: replaying an incident");
            banner.setMaxWidth(Double.MAX_VALUE);
            banner.setMinHeight(36);
            shell.addBanner(banner);
            return (Parent) shell;
        });
        FxToolkit.setupStage(s -> {
            s.getScene().getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
            s.setX(0); // inside the 1000×1000 headless screen with room to spare
            s.setY(0);
            s.setWidth(960);
            s.setHeight(700);
            s.show();
        });
        robot.interact(() -> notifier = new DesktopNotifier(true, false, stage, shell::contentScreenBounds,
                opened::add, clock));
    }

    @AfterEach
    void close() throws Exception {
        robot.interact(notifier::closeAll);
        FxToolkit.cleanupStages();
    }

    private static Alert alert(long id) {
        return new Alert(id, "key-" + id, "gpu-miner-" + id, Severity.CRITICAL, "GPU " + id + " / pid 3133" + id
                + " (xmrig) mining", Map.of("gpu", String.valueOf(id)), 97, AlertState.FIRING, T0, T0, T0, null,
                "gpu-miner-triage", "Suspend the process, then triage", "gpu.utilization_percent", "gpu");
    }

    /** Notification popups showing now: root nodes with the notification style class. */
    private static List<Node> shownRoots() {
        return Window.getWindows().stream().filter(w -> w instanceof Popup && w.isShowing())
                .flatMap(w -> ((Popup) w).getContent().stream())
                .filter(n -> n.getStyleClass().contains(DesktopNotifier.STYLE_CLASS)).toList();
    }

    private static Bounds screen(Node n) {
        return n.localToScreen(n.getLayoutBounds());
    }

    @Test
    void atMostThreeNewestFirstWithACountOfTheRest() {
        for (long id = 1; id <= 3; id++) {
            long i = id;
            robot.interact(() -> notifier.show(alert(i)));
        }
        assertEquals(3, shownRoots().size());
        assertTrue(robot.lookup("#notification-more").tryQuery().isEmpty(), "no +N line with three");
        robot.interact(() -> notifier.show(alert(4)));
        assertEquals(List.of(4L, 3L, 2L), notifier.shownAlerts().stream().map(Alert::id).toList());
        assertEquals(3, shownRoots().size(), "the fourth replaced the oldest");
        Label more = robot.lookup("#notification-more").queryAs(Label.class);
        assertTrue(more.getScene().getWindow().isShowing());
        assertEquals("+1 more critical alert · open Alerts", more.getText());
        robot.interact(() -> notifier.show(alert(5)));
        assertEquals("+2 more critical alerts · open Alerts", more.getText());
        assertEquals(3, shownRoots().size());
    }

    @Test
    void placedInsideTheWindowBelowHeaderAndBannerAboveTheStatusBar() {
        for (long id = 1; id <= 4; id++) {
            long i = id;
            robot.interact(() -> notifier.show(alert(i)));
        }
        Bounds win = new javafx.geometry.BoundingBox(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight());
        Bounds bannerB = screen(banner);
        Bounds status = screen(shell.statusBar());
        Bounds rail = screen(robot.lookup("#nav-rail").query());
        List<Node> roots = new java.util.ArrayList<>(shownRoots());
        roots.add(robot.lookup("#notification-more").query());
        for (Node n : roots) {
            Bounds b = screen(n);
            String what = n.getId() + " at " + b + " (window " + win + ", banner " + bannerB + ", status " + status + ")";
            assertTrue(b.getMinY() >= bannerB.getMaxY(), "below the banner: " + what);
            assertTrue(b.getMaxY() <= status.getMinY(), "above the status bar: " + what);
            assertTrue(b.getMinX() >= rail.getMaxX() && b.getMaxX() <= win.getMaxX(), "inside the window: " + what);
        }
        // The window moves and shrinks: they follow and still fit.
        robot.interact(() -> {
            stage.setX(20);
            stage.setHeight(520);
        });
        Bounds statusNow = screen(shell.statusBar());
        for (Node n : shownRoots()) {
            assertTrue(screen(n).getMaxX() <= stage.getX() + stage.getWidth(), "followed the window: " + screen(n));
            assertTrue(screen(n).getMaxY() <= statusNow.getMinY(), "above the moved status bar: " + screen(n));
        }
    }

    @Test
    void aClickOpensTheAlertAndClosesItsNotification() {
        robot.interact(() -> notifier.show(alert(7)));
        robot.interact(() -> notifier.show(alert(8)));
        robot.clickOn("#notification-7");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(7L), opened.stream().map(Alert::id).toList());
        assertEquals(List.of(8L), notifier.shownAlerts().stream().map(Alert::id).toList());
        // × closes without opening.
        robot.clickOn("#notification-close-8");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, opened.size());
        assertTrue(shownRoots().isEmpty());
    }

    @Test
    void eachGoesAfterItsTimeByTheInjectedClock() {
        robot.interact(() -> notifier.show(alert(1)));
        clock.advance(Duration.ofSeconds(6));
        robot.interact(() -> notifier.show(alert(2)));
        robot.interact(notifier::expire);
        assertEquals(2, shownRoots().size(), "nothing is due yet");
        clock.advance(Duration.ofSeconds(5)); // 11 s after the first, 5 s after the second
        robot.interact(notifier::expire);
        assertEquals(List.of(2L), notifier.shownAlerts().stream().map(Alert::id).toList());
        assertTrue(notifier.expiryRunning(), "checked once a second while one is shown");
        clock.advance(DesktopNotifier.SHOW_FOR);
        robot.interact(notifier::expire);
        assertTrue(shownRoots().isEmpty());
        // Nothing left to expire: no timer keeps running (and no animation keeps the toolkit pulsing).
        assertFalse(notifier.expiryRunning(), "the expiry check stops with the last pop-up");
    }

    @Test
    void closeAllLeavesNoNotificationWindowAndShowsNoMore() {
        for (long id = 1; id <= 5; id++) {
            long i = id;
            robot.interact(() -> notifier.show(alert(i)));
        }
        assertEquals(3, shownRoots().size());
        robot.interact(notifier::closeAll);
        assertTrue(shownRoots().isEmpty(), "no notification window left");
        assertTrue(Window.getWindows().stream().noneMatch(w -> w instanceof Popup && w.isShowing()),
                "no popup at all left, +N line included");
        robot.interact(() -> notifier.show(alert(6)));
        assertTrue(shownRoots().isEmpty(), "closed for good: the console is going away");
    }
}
