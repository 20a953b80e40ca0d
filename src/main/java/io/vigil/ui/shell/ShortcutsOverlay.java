package io.vigil.ui.shell;

import io.vigil.ui.Styles;
import java.util.List;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * The list of keyboard shortcuts (F1 or {@code ?}), drawn over the current view on a dimmed
 * backdrop. Esc, F1, {@code ?} or a click anywhere closes it. FX thread only.
 */
final class ShortcutsOverlay {

    private final StackPane backdrop = new StackPane();
    private final GridPane grid = new GridPane();

    ShortcutsOverlay(Runnable close) {
        Label title = new Label("Keyboard shortcuts");
        title.getStyleClass().add(Styles.VIEW_TITLE);
        grid.setHgap(24);
        grid.setVgap(6);
        grid.setId("shortcuts-list");
        Label hint = new Label("Esc closes this list.");
        hint.getStyleClass().add(Styles.MUTED);
        VBox card = new VBox(12, title, grid, hint);
        card.getStyleClass().addAll(Styles.CARD, "shortcuts-card");
        card.setStyle("-fx-padding: 18 24 18 24;");
        card.setMaxWidth(Region.USE_PREF_SIZE);
        card.setMaxHeight(Region.USE_PREF_SIZE);
        backdrop.getChildren().add(card);
        StackPane.setAlignment(card, Pos.CENTER);
        backdrop.setId("shortcuts-overlay");
        backdrop.getStyleClass().add("shortcuts-overlay");
        // Dimmed, so the view behind reads as inactive; the palette's background at 80 %.
        backdrop.setStyle("-fx-background-color: rgba(17, 21, 28, 0.8);");
        backdrop.setOnMouseClicked(e -> close.run());
    }

    void setShortcuts(List<Shortcuts.Shortcut> shortcuts) {
        grid.getChildren().clear();
        for (int i = 0; i < shortcuts.size(); i++) {
            Label keys = new Label(shortcuts.get(i).keys());
            keys.getStyleClass().add("shortcut-keys");
            keys.setStyle("-fx-font-family: \"DejaVu Sans Mono\", monospace; -fx-text-fill: -color-accent;");
            keys.setMinWidth(Region.USE_PREF_SIZE);
            Label action = new Label(shortcuts.get(i).action());
            action.setMinWidth(Region.USE_PREF_SIZE);
            grid.addRow(i, keys, action);
        }
    }

    Node node() {
        return backdrop;
    }
}
