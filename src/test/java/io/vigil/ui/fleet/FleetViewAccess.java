package io.vigil.ui.fleet;

import java.util.List;

/** Test access to the Fleet view's grid from other packages' tests (the demo and console tests). */
public final class FleetViewAccess {

    private FleetViewAccess() {
    }

    public static List<String> rowNames(FleetView view) {
        return view.grid().rows().stream().map(io.vigil.fleet.FleetNode::name).toList();
    }

    public static int cellsPainted(FleetView view) {
        return view.grid().cellsPainted();
    }

    public static int rowsPainted(FleetView view) {
        return view.grid().rowsPainted();
    }

    public static int cellsColoured(FleetView view) {
        return view.grid().cellsColoured();
    }

    /** Colour by temperature, sort hottest first: the most work a redraw does. */
    public static void hottestByTemperature(FleetView view) {
        view.model().metricProperty().set(HeatMetric.TEMPERATURE);
        view.model().sortProperty().set(FleetSort.HOTTEST);
    }

    public static String paintedStatus(FleetView view, String node) {
        return view.grid().paintedStatus(node);
    }
}
