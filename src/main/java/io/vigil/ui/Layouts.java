package io.vigil.ui;

import javafx.scene.Node;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** Small layout pieces every view uses the same way. */
public final class Layouts {

    private Layouts() {
    }

    /** A view's content in a vertical scroll pane that keeps the view's width. */
    public static ScrollPane scrolling(Node content) {
        ScrollPane scroll = new ScrollPane(content);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("view-scroll");
        return scroll;
    }

    /** {@code content} on a card (the rounded panel of the theme), growing with it. */
    public static VBox card(Node content) {
        VBox box = new VBox(content);
        VBox.setVgrow(content, Priority.ALWAYS);
        box.getStyleClass().add(Styles.CARD);
        return box;
    }
}
