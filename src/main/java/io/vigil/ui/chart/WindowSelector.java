package io.vigil.ui.chart;

import io.vigil.telemetry.TimeWindow;
import io.vigil.ui.Styles;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ObjectProperty;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.HBox;

/**
 * The 5 min / 1 h / 24 h buttons above a view's charts, bound to the view model's window, and a
 * "Custom…" range (from/to) over the charts passed in. One window button is always selected; the
 * buttons' ids are {@code <idPrefix><window>} (e.g. {@code window-one_day}) and
 * {@code <idPrefix>custom}, {@code -custom-from}, {@code -custom-to}, {@code -custom-apply},
 * {@code -custom-error} for tests.
 *
 * <p>A custom range is a zoom: the smallest window that reaches back to "from" is loaded and every
 * chart zooms to the range. A drag zoom on one chart zooms the others alike and fills in the
 * fields; a window button resets the zoom. FX thread only.
 */
public final class WindowSelector {

    private static final DateTimeFormatter FIELD = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter[] DATE_TIMES = {FIELD,
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)};
    private static final DateTimeFormatter[] TIMES = {DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT),
        DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT)};

    private WindowSelector() {
    }

    public static HBox of(String idPrefix, ObjectProperty<TimeWindow> window, TimeSeriesChart... charts) {
        return of(idPrefix, window, List.of(TimeWindow.FIVE_MINUTES, TimeWindow.ONE_HOUR, TimeWindow.ONE_DAY), charts);
    }

    /** The buttons for {@code choices} (the Fleet view adds 7 d: Prometheus holds the history). */
    public static HBox of(String idPrefix, ObjectProperty<TimeWindow> window, List<TimeWindow> choices,
            TimeSeriesChart... charts) {
        return build(idPrefix, window, choices, false, charts);
    }

    /**
     * As {@link #of(String, ObjectProperty, List, TimeSeriesChart...)} for a view that fetches
     * whatever range its charts zoom to (the Fleet node charts, from Prometheus): a custom range
     * only zooms the charts, keeps the window as it is and may reach back past the longest window.
     */
    public static HBox fetchingAnyRange(String idPrefix, ObjectProperty<TimeWindow> window, List<TimeWindow> choices,
            TimeSeriesChart... charts) {
        return build(idPrefix, window, choices, true, charts);
    }

    private static HBox build(String idPrefix, ObjectProperty<TimeWindow> window, List<TimeWindow> choices,
            boolean anyRange, TimeSeriesChart... charts) {
        ToggleGroup group = new ToggleGroup();
        HBox box = new HBox(0);
        box.setAlignment(Pos.CENTER_LEFT);
        box.getStyleClass().add(Styles.WINDOW_SELECTOR);
        List<TimeSeriesChart> linked = List.of(charts);
        for (TimeWindow w : choices) {
            ToggleButton b = new ToggleButton(w.label());
            b.setId(idPrefix + w.name().toLowerCase(Locale.ROOT));
            b.setToggleGroup(group);
            b.setUserData(w);
            b.setSelected(w == window.get());
            // A window button, even the selected one, shows the whole window again.
            b.setOnAction(e -> linked.forEach(TimeSeriesChart::resetZoom));
            box.getChildren().add(b);
        }
        group.selectedToggleProperty().addListener((obs, old, now) -> {
            if (now == null) {
                old.setSelected(true);
            } else {
                window.set((TimeWindow) now.getUserData());
            }
        });
        window.addListener((obs, old, now) -> group.getToggles().forEach(t -> t.setSelected(t.getUserData() == now)));
        if (!linked.isEmpty()) {
            new Custom(idPrefix, window, choices, linked, anyRange).addTo(box);
        }
        return box;
    }

    /** The "Custom…" toggle and its from/to fields. */
    private static final class Custom {
        private final ObjectProperty<TimeWindow> window;
        private final List<TimeWindow> choices;
        private final List<TimeSeriesChart> charts;
        private final boolean anyRange;
        private final ToggleButton toggle = new ToggleButton("Custom…");
        private final TextField from = new TextField();
        private final TextField to = new TextField();
        private final Button apply = new Button("Apply");
        private final Label error = new Label();
        private final HBox fields;
        private boolean syncing;

        Custom(String idPrefix, ObjectProperty<TimeWindow> window, List<TimeWindow> choices,
                List<TimeSeriesChart> charts, boolean anyRange) {
            this.anyRange = anyRange;
            this.window = window;
            this.choices = choices;
            this.charts = charts;
            toggle.setId(idPrefix + "custom");
            from.setId(idPrefix + "custom-from");
            to.setId(idPrefix + "custom-to");
            apply.setId(idPrefix + "custom-apply");
            error.setId(idPrefix + "custom-error");
            error.getStyleClass().add("chart-range-error");
            for (TextField f : List.of(from, to)) {
                f.setPrefColumnCount(11);
                f.setPromptText("HH:mm or yyyy-MM-dd HH:mm");
                f.setOnAction(e -> apply());
            }
            apply.setOnAction(e -> apply());
            fields = new HBox(6, new Label(" from"), from, new Label("to"), to, apply, error);
            fields.setAlignment(Pos.CENTER_LEFT);
            showFields(false);
            toggle.setOnAction(e -> {
                if (toggle.isSelected()) {
                    fill(charts.getFirst().visibleRange());
                    showFields(true);
                } else {
                    charts.forEach(TimeSeriesChart::resetZoom);
                }
            });
            for (TimeSeriesChart c : charts) {
                c.zoomProperty().addListener((obs, old, now) -> zoomed(c, now));
            }
        }

        void addTo(HBox box) {
            box.getChildren().addAll(toggle, fields);
        }

        private void showFields(boolean show) {
            fields.setVisible(show);
            fields.setManaged(show);
            if (!show) {
                error.setText("");
            }
        }

        /** One chart zoomed (a drag) or reset: the others follow, and the fields show the range. */
        private void zoomed(TimeSeriesChart source, TimeRange range) {
            if (syncing) {
                return;
            }
            syncing = true;
            try {
                for (TimeSeriesChart c : charts) {
                    if (c != source) {
                        c.zoomProperty().set(range);
                    }
                }
            } finally {
                syncing = false;
            }
            toggle.setSelected(range != null);
            showFields(range != null);
            if (range != null) {
                fill(range);
                error.setText("");
            }
        }

        private void fill(TimeRange range) {
            if (range == null) {
                return;
            }
            ZoneId zone = zone();
            from.setText(FIELD.format(Instant.ofEpochMilli(range.fromMillis()).atZone(zone)));
            to.setText(FIELD.format(Instant.ofEpochMilli(range.toMillis()).atZone(zone)));
        }

        private ZoneId zone() {
            return charts.getFirst().zone();
        }

        private void apply() {
            long now = charts.stream().map(TimeSeriesChart::dataRange)
                    .filter(java.util.Objects::nonNull).mapToLong(TimeRange::toMillis).max().orElse(Long.MIN_VALUE);
            if (now == Long.MIN_VALUE) {
                error.setText("No data yet");
                return;
            }
            Long a = parse(from.getText(), now);
            Long b = parse(to.getText(), now);
            if (a == null || b == null) {
                error.setText((a == null ? "From" : "To") + ": expected HH:mm or yyyy-MM-dd HH:mm");
                return;
            }
            b = Math.min(b, now);
            if (b <= a) {
                error.setText("\"To\" must be after \"from\"");
                return;
            }
            TimeWindow longest = choices.getLast();
            TimeWindow fit = choices.stream().filter(w -> now - w.duration().toMillis() <= a).findFirst().orElse(null);
            if (fit == null && !anyRange) {
                error.setText("Only the last " + longest.label() + " can be shown here");
                return;
            }
            error.setText("");
            if (!anyRange) {
                window.set(fit); // loads the data (the view redraws its charts on a window change)
            }
            TimeRange range = new TimeRange(a, b);
            syncing = true;
            try {
                charts.forEach(c -> c.zoomTo(range));
            } finally {
                syncing = false;
            }
            toggle.setSelected(true);
            fill(range);
        }

        /** Epoch ms of "yyyy-MM-dd HH:mm[:ss]" or of "HH:mm[:ss]" on the latest day not after {@code now}. */
        private Long parse(String text, long now) {
            String s = text.strip();
            ZoneId zone = zone();
            for (DateTimeFormatter f : DATE_TIMES) {
                try {
                    return LocalDateTime.parse(s, f).atZone(zone).toInstant().toEpochMilli();
                } catch (DateTimeParseException e) {
                    // try the next form
                }
            }
            for (DateTimeFormatter f : TIMES) {
                try {
                    LocalTime t = LocalTime.parse(s, f);
                    LocalDate day = Instant.ofEpochMilli(now).atZone(zone).toLocalDate();
                    long ms = t.atDate(day).atZone(zone).toInstant().toEpochMilli();
                    return ms > now ? t.atDate(day.minusDays(1)).atZone(zone).toInstant().toEpochMilli() : ms;
                } catch (DateTimeParseException e) {
                    // try the next form
                }
            }
            return null;
        }
    }
}
