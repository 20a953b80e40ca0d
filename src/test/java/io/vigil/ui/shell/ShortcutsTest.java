package io.vigil.ui.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.ui.Styles;
import io.vigil.ui.View;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.VBox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Drives a real shell window headless with the keyboard: views, filter, reload, panes, overlay, quit. */
class ShortcutsTest {

    /** A view with a filter box and a side pane, counting what the shortcuts ask of it. */
    static final class TestView implements View {
        final String id;
        final TextField filter = new TextField();
        final Label pane = new Label("detail");
        final VBox root;
        final AtomicInteger reloads = new AtomicInteger();

        TestView(String id, boolean hasFilter) {
            this.id = id;
            filter.setId(id + "-filter");
            pane.setId(id + "-pane");
            root = hasFilter ? new VBox(8, new Label(id), filter, pane) : new VBox(8, new Label(id), pane);
            root.setId(id + "-view");
        }

        @Override
        public Node node() {
            return root;
        }

        @Override
        public void focusFilter() {
            if (root.getChildren().contains(filter)) {
                filter.requestFocus();
            }
        }

        @Override
        public void reload() {
            reloads.incrementAndGet();
        }

        @Override
        public boolean closePane() {
            return root.getChildren().remove(pane);
        }
    }

    private final FxRobot robot = new FxRobot();
    private final List<TestView> views = new ArrayList<>();
    private final AtomicInteger quits = new AtomicInteger();
    private final AtomicInteger sourcePolls = new AtomicInteger();
    private Shell shell;

    @BeforeEach
    void open() throws Exception {
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            List<NavItem> items = new ArrayList<>();
            for (String id : List.of("dashboard", "gpus", "alerts", "rules", "settings")) {
                TestView v = new TestView(id, id.equals("alerts") || id.equals("rules"));
                views.add(v);
                items.add(new NavItem(id, id.substring(0, 1).toUpperCase() + id.substring(1), "M0 0 L1 1", () -> v));
            }
            shell = new Shell(items, new StatusBar(List::of), new Label("header"));
            shell.shortcuts().onQuit(quits::incrementAndGet);
            shell.shortcuts().onReload(sourcePolls::incrementAndGet);
            return (Parent) shell;
        });
        FxToolkit.setupStage(stage -> {
            stage.getScene().getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
            stage.setX(0); // inside the 1000×1000 headless screen with room to spare
            stage.setY(0);
            stage.setWidth(960);
            stage.setHeight(700);
            stage.show();
            stage.requestFocus();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    @AfterEach
    void close() throws Exception {
        FxToolkit.cleanupStages();
    }

    private TestView view(String id) {
        return views.stream().filter(v -> v.id.equals(id)).findFirst().orElseThrow();
    }

    @Test
    void ctrlDigitsOpenTheViewsInRailOrder() {
        assertEquals("dashboard", shell.currentId());
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT2);
        assertEquals("gpus", shell.currentId());
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT4);
        assertEquals("rules", shell.currentId());
        assertTrue(robot.lookup("#rules-view").query().isVisible());
        robot.push(KeyCode.CONTROL, KeyCode.NUMPAD3);
        assertEquals("alerts", shell.currentId());
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT9); // no ninth view here: nothing happens
        assertEquals("alerts", shell.currentId());
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT1);
        assertEquals("dashboard", shell.currentId());
        // The rail names each shortcut.
        ToggleButton gpus = robot.lookup("#nav-gpus").queryAs(ToggleButton.class);
        assertEquals("Gpus   Ctrl+2", gpus.getTooltip().getText());
    }

    @Test
    void ctrlFFocusesTheShownViewsFilter() {
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT3);
        assertFalse(view("alerts").filter.isFocused());
        robot.push(KeyCode.CONTROL, KeyCode.F);
        assertTrue(view("alerts").filter.isFocused(), "the Alerts filter has the focus");
        assertSame(view("alerts").filter, shell.getScene().getFocusOwner());
        // Typed text goes into the filter, and ? there is text, not the overlay.
        robot.write("gpu?");
        assertEquals("gpu?", view("alerts").filter.getText());
        assertFalse(shell.shortcuts().overlayShowing());
    }

    @Test
    void f1AndQuestionMarkShowTheOverlayAndEscClosesIt() {
        robot.push(KeyCode.F1);
        assertTrue(shell.shortcuts().overlayShowing());
        Node overlay = robot.lookup("#shortcuts-overlay").query();
        assertTrue(overlay.isVisible());
        List<String> lines = robot.lookup("#shortcuts-list .label").queryAllAs(Label.class).stream()
                .map(Label::getText).toList();
        assertTrue(lines.containsAll(List.of("Ctrl+1", "Open Dashboard", "Ctrl+5", "Open Settings", "Ctrl+F", "F5",
                "Esc", "Ctrl+Q", "Quit Vigil")), lines.toString());
        robot.push(KeyCode.ESCAPE);
        assertFalse(shell.shortcuts().overlayShowing(), "Esc closed the overlay");
        assertTrue(robot.lookup("#shortcuts-overlay").tryQuery().isEmpty());
        // With nothing focused that takes text, ? opens it too.
        robot.write("?");
        assertTrue(shell.shortcuts().overlayShowing());
        robot.push(KeyCode.F1);
        assertFalse(shell.shortcuts().overlayShowing(), "F1 toggles it");
    }

    @Test
    void escClosesTheViewsPaneOnlyWhenTheOverlayIsNotUp() {
        assertTrue(robot.lookup("#dashboard-pane").tryQuery().isPresent());
        robot.push(KeyCode.F1);
        robot.push(KeyCode.ESCAPE);
        assertTrue(robot.lookup("#dashboard-pane").tryQuery().isPresent(), "the first Esc closed the overlay only");
        robot.push(KeyCode.ESCAPE);
        assertTrue(robot.lookup("#dashboard-pane").tryQuery().isEmpty(), "the second closed the view's pane");
    }

    @Test
    void escWithNothingToCloseReachesTheFocusedControlThrowsNothingAndKeepsTheView() {
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT3);
        robot.push(KeyCode.CONTROL, KeyCode.F);
        AtomicInteger escInFilter = new AtomicInteger();
        robot.interact(() -> view("alerts").filter.addEventHandler(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ESCAPE) {
                escInFilter.incrementAndGet();
            }
        }));
        robot.push(KeyCode.ESCAPE);
        assertTrue(robot.lookup("#alerts-pane").tryQuery().isEmpty(), "Esc closed the pane");
        assertEquals(0, escInFilter.get(), "and went no further");
        robot.push(KeyCode.ESCAPE);
        robot.push(KeyCode.ESCAPE);
        assertEquals(2, escInFilter.get(), "with nothing to close, Esc reaches the focused control");
        assertEquals("alerts", shell.currentId());
        assertTrue(robot.lookup("#alerts-view").query().isVisible());
    }

    @Test
    void aShellOpenedOnAnotherViewBuildsOnlyThatView() {
        java.util.Map<String, AtomicInteger> built = new java.util.HashMap<>();
        List<NavItem> items = new ArrayList<>();
        for (String id : List.of("dashboard", "gpus", "rules")) {
            built.put(id, new AtomicInteger());
            items.add(new NavItem(id, id, "M0 0 L1 1", () -> {
                built.get(id).incrementAndGet();
                return new TestView(id, false);
            }));
        }
        Shell[] other = new Shell[1];
        // --view=nope (unknown), a blank ui.startView, then one that names a view.
        robot.interact(() -> other[0] = new Shell(items, new StatusBar(List::of), new Label(),
                java.util.Arrays.asList(null, "", "nope", "rules")));
        assertEquals("rules", other[0].currentId());
        assertEquals(java.util.Set.of("rules"), other[0].builtViewIds());
        assertEquals(0, built.get("dashboard").get(), "the Dashboard was never constructed");
        robot.interact(() -> other[0].show("dashboard"));
        assertEquals(java.util.Set.of("rules", "dashboard"), other[0].builtViewIds(), "built when first opened");
        assertEquals(1, built.get("dashboard").get());
        robot.interact(() -> other[0].show("rules"));
        assertEquals(1, built.get("rules").get(), "and kept");
        // Without a start view, the first item's.
        robot.interact(() -> other[0] = new Shell(items, new StatusBar(List::of), new Label()));
        assertEquals(java.util.Set.of("dashboard"), other[0].builtViewIds());
    }

    @Test
    void f5ReloadsTheShownViewAndCtrlQQuits() {
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT2);
        robot.push(KeyCode.F5);
        assertEquals(1, view("gpus").reloads.get());
        assertEquals(0, view("dashboard").reloads.get());
        assertEquals(1, sourcePolls.get(), "the sources were asked to poll now");
        assertEquals(0, quits.get());
        robot.push(KeyCode.CONTROL, KeyCode.Q);
        assertEquals(1, quits.get());
    }
}
