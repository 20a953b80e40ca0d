package io.vigil.ui.shell;

import io.vigil.ui.Styles;
import io.vigil.ui.View;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

/** A view whose feature is not built yet; it says so plainly rather than showing invented data. */
public final class PlaceholderView implements View {

    private final VBox root;

    public PlaceholderView(String id, String title, String explanation) {
        Label heading = new Label(title);
        heading.getStyleClass().add(Styles.VIEW_TITLE);
        Label text = new Label(explanation);
        text.setWrapText(true);
        text.setMaxWidth(560);
        text.getStyleClass().add(Styles.MUTED);
        root = new VBox(12, heading, text);
        root.setAlignment(Pos.CENTER);
        root.getStyleClass().addAll(Styles.VIEW, Styles.PLACEHOLDER);
        root.setId(id + "-view");
    }

    @Override
    public Node node() {
        return root;
    }
}
