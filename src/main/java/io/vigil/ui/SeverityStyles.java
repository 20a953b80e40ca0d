package io.vigil.ui;

import io.vigil.alerts.AlertMark;
import io.vigil.alerts.AlertTone;
import javafx.scene.Node;
import javafx.scene.control.Control;
import javafx.scene.control.Tooltip;
import javafx.scene.paint.Color;

/**
 * Turns an {@link AlertTone} into the look of a value: style class {@code sev-warning} (amber),
 * {@code sev-critical} (red) or {@code sev-muted} (acknowledged or silenced: a muted outline), none
 * without an open alert. The colours live in vigil.css; {@link #color} gives the same ones for
 * canvases. FX thread only.
 */
public final class SeverityStyles {

    public static final String WARNING = "sev-warning";
    public static final String CRITICAL = "sev-critical";
    public static final String MUTED = "sev-muted";

    private static final Color AMBER = Color.web("#ffb74d");
    private static final Color RED = Color.web("#ef5350");
    private static final Color GREY = Color.web("#8b95a7");

    private SeverityStyles() {
    }

    /** The style class of {@code tone}, or null for none. */
    public static String styleClass(AlertTone tone) {
        return switch (tone) {
            case NONE -> null;
            case MUTED -> MUTED;
            case WARNING -> WARNING;
            case CRITICAL -> CRITICAL;
        };
    }

    /** Sets {@code node}'s severity style class to {@code tone}'s (touching the list only on a change). */
    public static void apply(Node node, AlertTone tone) {
        String want = styleClass(tone);
        var classes = node.getStyleClass();
        for (String c : new String[] {WARNING, CRITICAL, MUTED}) {
            if (!c.equals(want) && classes.contains(c)) {
                classes.remove(c);
            }
        }
        if (want != null && !classes.contains(want)) {
            classes.add(want);
        }
    }

    /** Applies {@code mark}'s tone and, on a control, a tooltip naming the alert (removed without one). */
    public static void apply(Control control, AlertMark mark, String plainTooltip) {
        apply(control, mark.tone());
        String text = mark.describe().isEmpty() ? plainTooltip : (plainTooltip.isEmpty() ? "" : plainTooltip + "\n")
                + mark.describe();
        Tooltip tip = control.getTooltip();
        if (text.isEmpty()) {
            if (tip != null) {
                control.setTooltip(null);
            }
        } else if (tip == null) {
            control.setTooltip(new Tooltip(text));
        } else if (!text.equals(tip.getText())) {
            tip.setText(text);
        }
    }

    /** The colour of {@code tone} for canvas drawing; {@code normal} without an open alert. */
    public static Color color(AlertTone tone, Color normal) {
        return switch (tone) {
            case NONE -> normal;
            case MUTED -> GREY;
            case WARNING -> AMBER;
            case CRITICAL -> RED;
        };
    }
}
