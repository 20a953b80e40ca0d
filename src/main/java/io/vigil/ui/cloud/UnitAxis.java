package io.vigil.ui.cloud;

import io.vigil.text.Ticks;
import io.vigil.text.Unit;
import javafx.scene.chart.NumberAxis;
import javafx.util.StringConverter;

/**
 * Makes a JavaFX {@link NumberAxis} read in a {@link Unit}: bounds, step and tick labels from
 * {@link Unit#ticks} (so a money axis reads "$0, $250, $500" or "$5k, $10k"), not JavaFX's own
 * auto-ranging ("0, 200, 400" with a "USD" caption). Values that are not ticks are written with
 * {@link Unit#format}. FX thread only.
 */
final class UnitAxis {

    private UnitAxis() {
    }

    /** Fits {@code axis} to {@code [min, max]} with at most about {@code maxTicks} round ticks. */
    static Ticks fit(NumberAxis axis, Unit unit, double min, double max, int maxTicks) {
        Ticks ticks = unit.ticks(min, max, maxTicks);
        axis.setAutoRanging(false);
        axis.setMinorTickVisible(false);
        axis.setLabel(null); // the ticks carry the unit: no "USD" caption beside them
        axis.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number value) {
                String label = ticks.labelAt(value.doubleValue());
                return label != null ? label : unit.format(value.doubleValue());
            }

            @Override
            public Number fromString(String text) {
                throw new UnsupportedOperationException("axis labels are not parsed");
            }
        });
        axis.setLowerBound(ticks.first());
        axis.setUpperBound(ticks.last());
        axis.setTickUnit(ticks.step());
        return ticks;
    }
}
