package io.vigil.ui.dashboard;

import io.vigil.alerts.AlertMark;
import io.vigil.text.Unit;
import io.vigil.ui.SeverityStyles;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * One headline number on the Dashboard: a title, the value as text ({@link Unit#NO_DATA} when there
 * is none, never "0 °C"), a line of context and, for shares of a whole, a bar. Its outline and value
 * take amber or red from the alerts of the rules that watch the value ({@link #setMark}). Plain
 * labels rather than a gauge library: nothing animates, and a frame only touches what changed.
 * Ids: {@code ID}, {@code ID-value}, {@code ID-text}, {@code ID-bar}. FX thread only.
 */
final class ValueTile extends VBox {

    private final Label title = new Label();
    private final Label value = new Label(Unit.NO_DATA);
    private final Label text = new Label();
    private final ProgressBar bar = new ProgressBar(0);
    private final Tooltip tooltip = new Tooltip();
    private AlertMark mark = AlertMark.NONE;

    ValueTile(String id, String titleText, boolean withBar) {
        super(4);
        setId(id);
        getStyleClass().add("value-tile");
        title.setText(titleText);
        title.getStyleClass().add("value-tile-title");
        value.setId(id + "-value");
        value.getStyleClass().add("value-tile-value");
        value.setMinWidth(Region.USE_PREF_SIZE);
        text.setId(id + "-text");
        text.getStyleClass().add("value-tile-text");
        text.setWrapText(true);
        bar.setId(id + "-bar");
        bar.setMaxWidth(Double.MAX_VALUE);
        bar.getStyleClass().add("value-tile-bar");
        bar.setVisible(withBar);
        bar.setManaged(withBar);
        getChildren().addAll(title, value, text, bar);
        Tooltip.install(this, tooltip);
        tooltip.setText(titleText);
    }

    /** The value as shown ({@link Unit#NO_DATA} for none). */
    void setValue(String shown) {
        if (!shown.equals(value.getText())) {
            value.setText(shown);
        }
    }

    void setText(String line) {
        if (!line.equals(text.getText())) {
            text.setText(line);
        }
    }

    /** The bar's fill, 0–1; NaN empties it. */
    void setFraction(double f) {
        double v = Double.isNaN(f) ? 0 : Math.max(0, Math.min(1, f));
        if (bar.getProgress() != v) {
            bar.setProgress(v);
        }
    }

    /** Colours the tile by the worst alert on its value; the tooltip names that alert. */
    void setMark(AlertMark m) {
        if (m.equals(mark)) {
            return;
        }
        mark = m;
        SeverityStyles.apply(this, m.tone());
        tooltip.setText(m.describe().isEmpty() ? title.getText() : title.getText() + "\n" + m.describe());
    }

    AlertMark mark() {
        return mark;
    }

    String value() {
        return value.getText();
    }

    String text() {
        return text.getText();
    }
}
