package io.vigil.ui.gpus;

import io.vigil.gpu.ClockEventReasons;
import io.vigil.gpu.GpuReading;
import io.vigil.ui.Styles;
import io.vigil.ui.Units;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * One GPU: its identity and every reading, "n/a" where the GPU does not support one. Used by the
 * GPUs view and by the Fleet view's node detail (fleet GPUs are shown as readings).
 */
public final class GpuCard extends VBox {

    static final String NA = "n/a";

    private final int index;
    private final Label name = new Label();
    private final Label lostBadge = new Label("LOST");
    private final Label uuid = new Label();
    private final Label driver = new Label();
    private final Label utilization;
    private final Label memory;
    private final Label temperature;
    private final Label power;
    private final Label smClock;
    private final Label memClock;
    private final Label fan;
    private final Label events;
    private final Label ecc;
    private final GridPane grid = new GridPane();

    public GpuCard(int index) {
        super(6);
        this.index = index;
        utilization = value("util");
        memory = value("memory");
        temperature = value("temperature");
        power = value("power");
        smClock = value("sm-clock");
        memClock = value("mem-clock");
        fan = value("fan");
        events = value("clock-events");
        ecc = value("ecc");
        setId("gpu-card-" + index);
        getStyleClass().addAll(Styles.CARD, "gpu-card");
        setPrefWidth(370);
        setMinWidth(370);
        name.getStyleClass().add("gpu-name");
        lostBadge.getStyleClass().add("badge-lost");
        lostBadge.setId("gpu-" + index + "-lost");
        lostBadge.setVisible(false);
        lostBadge.setManaged(false);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox head = new HBox(8, name, spacer, lostBadge);
        head.setAlignment(Pos.CENTER_LEFT);
        uuid.getStyleClass().addAll(Styles.MUTED, "gpu-uuid");
        uuid.setMinWidth(Region.USE_PREF_SIZE);
        uuid.setId("gpu-" + index + "-uuid");
        driver.getStyleClass().add(Styles.MUTED);
        grid.setHgap(12);
        grid.setVgap(3);
        row(0, "Utilization", utilization);
        row(1, "Memory", memory);
        row(2, "Temperature", temperature);
        row(3, "Power", power);
        row(4, "SM clock", smClock);
        row(5, "Memory clock", memClock);
        row(6, "Fan", fan);
        row(7, "Clock events", events);
        row(8, "ECC errors", ecc);
        events.setWrapText(true);
        ecc.setWrapText(true);
        getChildren().addAll(head, uuid, driver, grid);
    }

    private Label value(String what) {
        Label l = new Label(NA);
        l.setId("gpu-" + index + "-" + what);
        l.getStyleClass().add("gpu-value");
        return l;
    }

    private void row(int r, String caption, Label value) {
        Label c = new Label(caption);
        c.getStyleClass().add(Styles.MUTED);
        c.setMinWidth(Region.USE_PREF_SIZE); // captions never shrink to "…"
        grid.add(c, 0, r);
        grid.add(value, 1, r);
    }

    public void update(GpuReading g, String driverVersion) {
        name.setText("GPU " + g.index() + " · " + g.name());
        uuid.setText(g.uuid());
        driver.setText(driverVersion.isEmpty() ? "" : "Driver " + driverVersion);
        lostBadge.setVisible(g.lost());
        lostBadge.setManaged(g.lost());
        pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("lost"), g.lost());
        if (g.lost()) {
            String gone = "— (GPU lost)";
            for (Label l : new Label[] {utilization, memory, temperature, power, smClock, memClock, fan, events, ecc}) {
                l.setText(gone);
            }
            return;
        }
        utilization.setText(pct(g.utilizationPercent()) + " GPU · " + pct(g.memoryUtilizationPercent()) + " memory");
        memory.setText(g.memoryUsedBytes().isPresent() && g.memoryTotalBytes().isPresent()
                ? Units.bytes(g.memoryUsedBytes().getAsLong()) + " of " + Units.bytes(g.memoryTotalBytes().getAsLong())
                : NA);
        temperature.setText(g.temperatureC().isPresent() ? fmt("%.0f °C", g.temperatureC().getAsDouble()) : NA);
        power.setText(watts(g.powerWatts()) + " of " + watts(g.powerLimitWatts()) + " limit");
        if (g.powerWatts().isEmpty() && g.powerLimitWatts().isEmpty()) {
            power.setText(NA);
        }
        smClock.setText(mhz(g.smClockMhz()));
        memClock.setText(mhz(g.memoryClockMhz()));
        fan.setText(g.fanPercent().isPresent() ? fmt("%.0f %%", g.fanPercent().getAsDouble()) : NA);
        events.setText(g.clockEventReasons().isPresent() ? ClockEventReasons.describe(g.clockEventReasons().getAsLong()) : NA);
        boolean throttled = g.clockEventReasons().isPresent() && (g.clockEventReasons().getAsLong()
                & ~(ClockEventReasons.GPU_IDLE | ClockEventReasons.APPLICATIONS_CLOCKS_SETTING)) != 0;
        events.getStyleClass().remove(Styles.HEALTH_DEGRADED);
        if (throttled) {
            events.getStyleClass().add(Styles.HEALTH_DEGRADED);
        }
        if (g.eccCorrectedVolatile().isEmpty() && g.eccUncorrectedVolatile().isEmpty()
                && g.eccCorrectedAggregate().isEmpty() && g.eccUncorrectedAggregate().isEmpty()) {
            ecc.setText(NA);
        } else {
            ecc.setText("corrected " + count(g.eccCorrectedVolatile()) + " / " + count(g.eccCorrectedAggregate())
                    + " · uncorrected " + count(g.eccUncorrectedVolatile()) + " / " + count(g.eccUncorrectedAggregate())
                    + "  (volatile / aggregate)");
        }
    }

    int index() {
        return index;
    }

    private static String pct(OptionalDouble v) {
        return v.isPresent() ? fmt("%.0f %%", v.getAsDouble()) : NA;
    }

    private static String watts(OptionalDouble v) {
        return v.isPresent() ? fmt("%.1f W", v.getAsDouble()) : NA;
    }

    private static String mhz(OptionalLong v) {
        return v.isPresent() ? v.getAsLong() + " MHz" : NA;
    }

    private static String count(OptionalLong v) {
        return v.isPresent() ? Long.toString(v.getAsLong()) : NA;
    }

    private static String fmt(String f, double v) {
        return String.format(Locale.ROOT, f, v);
    }
}
