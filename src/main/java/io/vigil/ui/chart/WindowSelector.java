package io.vigil.ui.chart;

import io.vigil.telemetry.TimeWindow;
import io.vigil.ui.Styles;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ObjectProperty;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.HBox;

/**
 * The 5 min / 1 h / 24 h buttons above a view's charts, bound to the view model's window. One
 * button is always selected; the buttons' ids are {@code <idPrefix><window>} (e.g.
 * {@code window-one_day}) for tests.
 */
public final class WindowSelector {

    private WindowSelector() {
    }

    public static HBox of(String idPrefix, ObjectProperty<TimeWindow> window) {
        return of(idPrefix, window, List.of(TimeWindow.FIVE_MINUTES, TimeWindow.ONE_HOUR, TimeWindow.ONE_DAY));
    }

    /** The buttons for {@code choices} (the Fleet view adds 7 d: Prometheus holds the history). */
    public static HBox of(String idPrefix, ObjectProperty<TimeWindow> window, List<TimeWindow> choices) {
        ToggleGroup group = new ToggleGroup();
        HBox box = new HBox(0);
        box.getStyleClass().add(Styles.WINDOW_SELECTOR);
        for (TimeWindow w : choices) {
            ToggleButton b = new ToggleButton(w.label());
            b.setId(idPrefix + w.name().toLowerCase(Locale.ROOT));
            b.setToggleGroup(group);
            b.setUserData(w);
            b.setSelected(w == window.get());
            box.getChildren().add(b);
        }
        group.selectedToggleProperty().addListener((obs, old, now) -> {
            if (now == null) {
                old.setSelected(true);
            } else {
                window.set((TimeWindow) now.getUserData());
            }
        });
        return box;
    }
}
