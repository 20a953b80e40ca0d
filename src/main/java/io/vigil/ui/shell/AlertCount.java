package io.vigil.ui.shell;

import io.vigil.alerts.AlertMarks;
import io.vigil.alerts.AlertTone;
import io.vigil.rules.Severity;
import io.vigil.ui.SeverityStyles;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.scene.control.Button;
import javafx.scene.control.Tooltip;

/**
 * The header's alert count ("2 critical · 1 warning"): firing alerts nobody has acknowledged or
 * silenced, pending ones after them; acknowledged and silenced alerts are counted apart in muted
 * text. Red with a critical, amber with a warning or pending one. A click opens the Alerts view on
 * the open alerts (on the critical ones when there are any). FX thread only.
 */
public final class AlertCount extends Button {

    private final Supplier<AlertMarks> marks;
    private AlertMarks shown;

    public AlertCount(Supplier<AlertMarks> marks, Consumer<AlertsFilter> openAlerts) {
        this.marks = marks;
        setId("header-open-alerts");
        getStyleClass().add("alert-count");
        setFocusTraversable(false);
        setTooltip(new Tooltip("Open the Alerts view"));
        setOnAction(e -> {
            AlertMarks.Counts c = marks.get().counts();
            openAlerts.accept(c.firing(Severity.CRITICAL) > 0 ? AlertsFilter.open("critical") : AlertsFilter.OPEN);
        });
        refresh();
    }

    /** Re-reads the counts; touches the label only when the alerts changed. */
    public void refresh() {
        AlertMarks m = marks.get();
        if (m == shown) {
            return;
        }
        shown = m;
        AlertMarks.Counts c = m.counts();
        setText(text(c));
        AlertTone tone = c.firing(Severity.CRITICAL) > 0 ? AlertTone.CRITICAL
                : c.open() > 0 ? AlertTone.WARNING : AlertTone.NONE;
        SeverityStyles.apply(this, tone);
    }

    /** "2 critical · 1 warning · 1 pending (1 acknowledged, 1 silenced)"; "No open alerts". */
    static String text(AlertMarks.Counts c) {
        List<String> parts = new ArrayList<>();
        for (Severity s : new Severity[] {Severity.CRITICAL, Severity.WARNING, Severity.INFO}) {
            if (c.firing(s) > 0) {
                parts.add(c.firing(s) + " " + s.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (c.pending() > 0) {
            parts.add(c.pending() + " pending");
        }
        List<String> apart = new ArrayList<>();
        if (c.acknowledged() > 0) {
            apart.add(c.acknowledged() + " acknowledged");
        }
        if (c.silenced() > 0) {
            apart.add(c.silenced() + " silenced");
        }
        String open = parts.isEmpty() ? "No open alerts" : "Open alerts: " + String.join(" · ", parts);
        return apart.isEmpty() ? open : open + " (" + String.join(", ", apart) + ")";
    }
}
