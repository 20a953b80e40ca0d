package io.vigil.ui;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.HBox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/** A view's scroll pane does not keep its live content as a bitmap that every change repaints whole. */
class LayoutsTest {

    private final FxRobot robot = new FxRobot();

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
    }

    @Test
    void aViewsScrollPaneViewportIsNotCachedOnceShownWhereAPlainOnesIs() throws Exception {
        ScrollPane[] panes = new ScrollPane[2];
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            panes[0] = Layouts.scrolling(new Label("live"));
            panes[1] = new ScrollPane(new Label("plain"));
            return new HBox(panes[0], panes[1]);
        });
        FxToolkit.setupStage(stage -> {
            stage.setWidth(400);
            stage.setHeight(300);
            stage.show();
        });
        robot.interact(() -> { });
        assertTrue(viewport(panes[1]).isCache(), "JavaFX's own ScrollPane skin caches its viewport");
        assertFalse(viewport(panes[0]).isCache());
    }

    private Node viewport(ScrollPane pane) throws Exception {
        return org.testfx.util.WaitForAsyncUtils.asyncFx(() -> pane.getChildrenUnmodifiable().stream()
                .filter(n -> n.getStyleClass().contains("viewport")).findFirst().orElseThrow())
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
}
