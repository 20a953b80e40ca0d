package io.vigil.ui.shell;

import io.vigil.telemetry.SourceStatus;
import io.vigil.ui.Styles;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.shape.Circle;

/**
 * The bottom bar: one chip per telemetry source with its health (a source never found on this
 * machine reads "not found" in grey rather than DOWN in red), and a message area on the right.
 */
public final class StatusBar extends HBox {

    private final Supplier<List<SourceStatus>> statuses;
    private final Map<String, Label> chips = new LinkedHashMap<>();
    private final Label message = new Label();

    public StatusBar(Supplier<List<SourceStatus>> statuses) {
        this.statuses = statuses;
        getStyleClass().add(Styles.STATUS_BAR);
        setAlignment(Pos.CENTER_LEFT);
        setSpacing(14);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        message.getStyleClass().add(Styles.MUTED);
        message.setId("status-message");
        getChildren().addAll(spacer, message);
        setId("status-bar");
    }

    public void setMessage(String text) {
        message.setText(text);
    }

    public void refresh() {
        for (SourceStatus st : statuses.get()) {
            Label chip = chips.computeIfAbsent(st.sourceId(), id -> {
                Label l = new Label();
                l.setId("status-" + id);
                l.getStyleClass().add(Styles.STATUS_CHIP);
                Circle dot = new Circle(4);
                dot.getStyleClass().add("health-dot");
                l.setGraphic(dot);
                l.setTooltip(new Tooltip());
                getChildren().add(chips.size(), l);
                return l;
            });
            // A source never read on this machine (no GPU, no AWS account) is informational, not red.
            boolean absent = st.neverPresent();
            String state = absent ? "not found" : st.health().state().name();
            String text = st.displayName() + " " + state;
            if (!text.equals(chip.getText())) {
                chip.setText(text);
            }
            String tip = st.health().reason().isEmpty()
                    ? st.displayName() + ": " + state
                    : st.displayName() + ": " + st.health().reason();
            if (!tip.equals(chip.getTooltip().getText())) {
                chip.getTooltip().setText(tip);
            }
            String style = absent ? Styles.HEALTH_UNKNOWN : switch (st.health().state()) {
                case OK -> Styles.HEALTH_OK;
                case DEGRADED -> Styles.HEALTH_DEGRADED;
                case DOWN -> Styles.HEALTH_DOWN;
                case UNKNOWN -> Styles.HEALTH_UNKNOWN;
            };
            if (!chip.getStyleClass().contains(style)) {
                chip.getStyleClass().removeAll(Styles.HEALTH_OK, Styles.HEALTH_DEGRADED, Styles.HEALTH_DOWN, Styles.HEALTH_UNKNOWN);
                chip.getStyleClass().add(style);
            }
        }
    }
}
