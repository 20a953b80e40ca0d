package io.vigil.ui;

import javafx.scene.Node;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** Small layout pieces every view uses the same way. */
public final class Layouts {

    private Layouts() {
    }

    /**
     * A view's content in a vertical scroll pane that keeps the view's width, its viewport not cached
     * as a bitmap (see {@link #uncacheViewport}).
     */
    public static ScrollPane scrolling(Node content) {
        ScrollPane scroll = new ScrollPane(content);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("view-scroll");
        uncacheViewport(scroll);
        return scroll;
    }

    /**
     * ScrollPane's skin caches its viewport as a bitmap ({@code setCache(true)} on the node with the
     * style class "viewport"), which pays off for content that does not change. In a view whose
     * charts and tiles change every second it costs twice: each change invalidates the cache, so the
     * whole viewport is painted into it again and then the cache is painted, where only the changed
     * regions would have been (about 20 ms a second on the Dashboard in software rendering:
     * docs/decisions/0880-no-bitmap-cache-for-live-views.md). The skin adds its viewport when the pane
     * is first shown, so this watches the pane's children for it.
     */
    static void uncacheViewport(ScrollPane scroll) {
        Runnable off = () -> scroll.getChildrenUnmodifiable().stream()
                .filter(n -> n.getStyleClass().contains("viewport")).forEach(n -> n.setCache(false));
        scroll.getChildrenUnmodifiable().addListener((javafx.collections.ListChangeListener<Node>) c -> off.run());
        off.run();
    }

    /** {@code content} on a card (the rounded panel of the theme), growing with it. */
    public static VBox card(Node content) {
        VBox box = new VBox(content);
        VBox.setVgrow(content, Priority.ALWAYS);
        box.getStyleClass().add(Styles.CARD);
        return box;
    }
}
