package io.vigil.ui.shell;

import java.util.function.Consumer;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;

/**
 * Opens the Alerts view with its filters set, for the counts in the header, the status bar and the
 * Dashboard's alert strip. The filters are found by their stable ids ({@code alerts-filter-severity},
 * {@code alerts-filter-state}) so this does not reach into the Alerts view's code; a value a filter
 * does not offer leaves that filter as it was. FX thread only.
 */
public final class AlertsNavigation implements Consumer<AlertsFilter> {

    public static final String ALERTS = "alerts";

    private final Shell shell;

    public AlertsNavigation(Shell shell) {
        this.shell = shell;
    }

    @Override
    public void accept(AlertsFilter filter) {
        if (!shell.viewIds().contains(ALERTS)) {
            return;
        }
        shell.show(ALERTS);
        select(shell.lookup("#alerts-filter-severity"), filter.severity() == null ? "all severities" : filter.severity());
        select(shell.lookup("#alerts-filter-state"), filter.state());
    }

    @SuppressWarnings("unchecked")
    private static void select(Node node, String value) {
        if (value != null && node instanceof ComboBox<?> box && box.getItems().contains(value)) {
            ((ComboBox<Object>) box).setValue(value);
        }
    }
}
