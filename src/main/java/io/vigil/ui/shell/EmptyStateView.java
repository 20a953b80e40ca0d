package io.vigil.ui.shell;

import io.vigil.ui.Styles;
import io.vigil.ui.View;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * Wraps a view with the page a newcomer sees while it has nothing to show: what the view needs,
 * how to get it, and a button to start the demo instead. The wrapped view takes over by itself as
 * soon as {@code isEmpty} turns false (checked at every UI frame), and is refreshed all along so it
 * is current when it appears.
 */
public final class EmptyStateView implements View {

    private final View real;
    private final BooleanSupplier isEmpty;
    private final StackPane root = new StackPane();
    private final VBox empty;
    private final Label explanation = new Label();
    private final Supplier<String> text;
    private Boolean showingEmpty;

    public EmptyStateView(String id, View real, BooleanSupplier isEmpty, String title, Supplier<String> text,
                          Runnable startDemo) {
        this.real = real;
        this.isEmpty = isEmpty;
        this.text = text;
        Label heading = new Label(title);
        heading.getStyleClass().add(Styles.VIEW_TITLE);
        explanation.setWrapText(true);
        explanation.setMaxWidth(620);
        explanation.getStyleClass().add(Styles.MUTED);
        explanation.setId(id + "-empty-text");
        empty = new VBox(14, heading, explanation);
        if (startDemo != null) {
            Button demo = new Button("Start demo");
            demo.setId(id + "-start-demo");
            demo.getStyleClass().add("accent");
            demo.setOnAction(e -> startDemo.run());
            Label hint = new Label("The demo replays a recorded cryptojacking incident through the real pipeline; "
                    + "nothing on this machine is touched.");
            hint.setWrapText(true);
            hint.setMaxWidth(620);
            hint.getStyleClass().add(Styles.MUTED);
            empty.getChildren().addAll(demo, hint);
        }
        empty.setAlignment(Pos.CENTER);
        empty.getStyleClass().addAll(Styles.VIEW, Styles.PLACEHOLDER);
        empty.setId(id + "-empty");
        root.setId(id + "-page");
        root.getStyleClass().add(Styles.VIEW);
    }

    @Override
    public Node node() {
        refresh();
        return root;
    }

    /** Whether the empty state is what the analyst sees now. */
    public boolean showingEmptyState() {
        return Boolean.TRUE.equals(showingEmpty);
    }

    @Override
    public void refresh() {
        boolean nowEmpty = isEmpty.getAsBoolean();
        if (showingEmpty == null || nowEmpty != showingEmpty) {
            root.getChildren().setAll(nowEmpty ? empty : real.node());
            showingEmpty = nowEmpty;
        }
        if (nowEmpty) {
            explanation.setText(text.get());
        }
        real.refresh();
    }

    @Override
    public void onShow() {
        real.onShow();
    }

    @Override
    public void onHide() {
        real.onHide();
    }

    // --- keyboard shortcuts: reach the wrapped view once it is the one shown ---

    @Override
    public void focusFilter() {
        if (!showingEmptyState()) {
            real.focusFilter();
        }
    }

    @Override
    public void reload() {
        real.reload();
    }

    @Override
    public boolean closePane() {
        return !showingEmptyState() && real.closePane();
    }

    /** The view shown once there is something to show. */
    public View real() {
        return real;
    }
}
