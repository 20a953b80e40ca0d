package io.vigil.ui.gpus;

import io.vigil.alerts.AlertMark;
import io.vigil.alerts.AlertTone;
import io.vigil.gpu.ClockEventReasons;
import io.vigil.gpu.GpuMetrics;
import io.vigil.gpu.GpuProcessRow;
import io.vigil.gpu.GpuReading;
import io.vigil.gpu.MigInstance;
import io.vigil.gpu.XidEvent;
import io.vigil.gpu.XidTable;
import io.vigil.telemetry.SeriesPoints;
import io.vigil.text.Durations;
import io.vigil.text.SafeText;
import io.vigil.text.Unit;
import io.vigil.ui.SeverityStyles;
import io.vigil.ui.Styles;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

/**
 * One GPU: its identity, bars with a sparkline each for utilization, memory, power against its limit
 * and temperature (amber or red from the alerts of the rules on that metric, {@link #showMarks}),
 * the other readings ("n/a" where the GPU does not support one), its latest XID event with what it
 * means, its MIG instances, and a flag for a process an alert singled out on it (a click selects that
 * process in the table). Used by the GPUs view and by the Fleet view's node detail (fleet GPUs show
 * readings only). FX thread only.
 */
public final class GpuCard extends VBox {

    static final String NA = "n/a";

    /** The metrics with a bar, in card order; the label ids are {@code gpu-N-<key>}. */
    static final Map<String, String> BARS = barMetrics();

    private static Map<String, String> barMetrics() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("util", GpuMetrics.UTILIZATION);
        m.put("memory", GpuMetrics.MEMORY_USED_BYTES);
        m.put("power", GpuMetrics.POWER_WATTS);
        m.put("temperature", GpuMetrics.TEMPERATURE_C);
        return m;
    }

    private static final Color SPARK = Color.web("#4fc3f7");

    private final int index;
    /** The {@code gpu} label of this card's series: its UUID (ADR 0131), the index without one. */
    private String seriesKey;
    private final Label name = new Label();
    private final Button flag = new Button();
    private final Label lostBadge = new Label("LOST");
    private final Label uuid = new Label();
    private final Label driver = new Label();
    private final Map<String, Label> values = new LinkedHashMap<>();
    private final Map<String, ProgressBar> bars = new LinkedHashMap<>();
    private final Map<String, Sparkline> sparks = new LinkedHashMap<>();
    private final Map<String, AlertTone> tones = new LinkedHashMap<>();
    private final Label smClock;
    private final Label memClock;
    private final Label fan;
    private final Label events;
    private final Label ecc;
    private final Label xid = new Label();
    private final Label mig = new Label();
    private final GridPane grid = new GridPane();
    private List<GpuProcessRow> flagged = List.of();
    private Consumer<GpuProcessRow> onFlag = r -> { };

    public GpuCard(int index) {
        super(6);
        this.index = index;
        setId("gpu-card-" + index);
        getStyleClass().addAll(Styles.CARD, "gpu-card");
        setPrefWidth(340);
        setMinWidth(340);
        setMaxWidth(340);
        name.getStyleClass().add("gpu-name");
        name.setMinWidth(0);
        flag.setId("gpu-" + index + "-flag");
        flag.getStyleClass().add("gpu-flag");
        flag.setFocusTraversable(false);
        flag.setOnAction(e -> {
            if (!flagged.isEmpty()) {
                onFlag.accept(flagged.getFirst());
            }
        });
        show(flag, false);
        lostBadge.getStyleClass().add("badge-lost");
        lostBadge.setId("gpu-" + index + "-lost");
        lostBadge.setMinWidth(Region.USE_PREF_SIZE);
        show(lostBadge, false);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox head = new HBox(8, name, spacer, lostBadge);
        head.setAlignment(Pos.CENTER_LEFT);
        flag.setMinWidth(Region.USE_PREF_SIZE);
        uuid.getStyleClass().addAll(Styles.MUTED, "gpu-uuid");
        uuid.setMinWidth(Region.USE_PREF_SIZE);
        uuid.setId("gpu-" + index + "-uuid");
        driver.getStyleClass().add(Styles.MUTED);

        VBox meters = new VBox(5);
        meters.getChildren().add(meter("util", "Utilization"));
        meters.getChildren().add(meter("memory", "Memory"));
        meters.getChildren().add(meter("power", "Power"));
        meters.getChildren().add(meter("temperature", "Temperature"));

        smClock = value("sm-clock");
        memClock = value("mem-clock");
        fan = value("fan");
        events = value("clock-events");
        ecc = value("ecc");
        grid.setHgap(12);
        grid.setVgap(3);
        row(0, "SM clock", smClock);
        row(1, "Memory clock", memClock);
        row(2, "Fan", fan);
        row(3, "Clock events", events);
        row(4, "ECC errors", ecc);
        events.setWrapText(true);
        ecc.setWrapText(true);
        xid.setId("gpu-" + index + "-xid");
        xid.getStyleClass().add("gpu-xid");
        xid.setWrapText(true);
        show(xid, false);
        mig.setId("gpu-" + index + "-mig");
        mig.getStyleClass().add("gpu-mig");
        show(mig, false);
        getChildren().addAll(head, flag, uuid, driver, meters, grid, xid, mig);
    }

    /** Caption and value over a bar and a sparkline. */
    private VBox meter(String key, String caption) {
        Label c = new Label(caption);
        c.getStyleClass().add(Styles.MUTED);
        c.setMinWidth(Region.USE_PREF_SIZE);
        Label v = value(key);
        v.getStyleClass().add("gpu-bar-value");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox top = new HBox(8, c, spacer, v);
        ProgressBar bar = new ProgressBar(0);
        bar.setId("gpu-" + index + "-" + key + "-bar");
        bar.getStyleClass().add("gpu-bar");
        bar.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(bar, Priority.ALWAYS);
        Sparkline spark = new Sparkline(84, 16);
        spark.setId("gpu-" + index + "-" + key + "-spark");
        show(spark, false); // until a view gives it points (the Fleet view's cards have no history here)
        HBox bottom = new HBox(8, bar, spark);
        bottom.setAlignment(Pos.CENTER_LEFT);
        values.put(key, v);
        bars.put(key, bar);
        sparks.put(key, spark);
        tones.put(key, AlertTone.NONE);
        return new VBox(2, top, bottom);
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

    private static void show(javafx.scene.Node n, boolean visible) {
        n.setVisible(visible);
        n.setManaged(visible);
    }

    private static void set(Label l, String text) {
        if (!text.equals(l.getText())) {
            l.setText(text);
        }
    }

    private static void fill(ProgressBar bar, double fraction) {
        double v = Double.isNaN(fraction) || Double.isInfinite(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
        if (bar.getProgress() != v) {
            bar.setProgress(v);
        }
    }

    public void update(GpuReading g, String driverVersion) {
        seriesKey = GpuMetrics.key(g.index(), g.uuid());
        set(name, "GPU " + g.index() + " · " + g.name());
        set(uuid, g.uuid());
        set(driver, driverVersion.isEmpty() ? "" : "Driver " + driverVersion);
        show(lostBadge, g.lost());
        pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("lost"), g.lost());
        if (g.lost()) {
            String gone = "— (GPU lost)";
            for (Label l : values.values()) {
                set(l, gone);
            }
            for (Label l : new Label[] {smClock, memClock, fan, events, ecc}) {
                set(l, gone);
            }
            bars.values().forEach(b -> fill(b, Double.NaN));
            show(mig, false);
            return;
        }
        set(values.get("util"), pct(g.utilizationPercent()) + " GPU · " + pct(g.memoryUtilizationPercent()) + " memory");
        fill(bars.get("util"), g.utilizationPercent().orElse(Double.NaN) / 100);
        set(values.get("memory"), g.memoryUsedBytes().isPresent() && g.memoryTotalBytes().isPresent()
                ? Unit.bytes(g.memoryUsedBytes().getAsLong()) + " of " + Unit.bytes(g.memoryTotalBytes().getAsLong())
                : NA);
        fill(bars.get("memory"), g.memoryUsedBytes().isPresent() && g.memoryTotalBytes().isPresent()
                ? (double) g.memoryUsedBytes().getAsLong() / g.memoryTotalBytes().getAsLong() : Double.NaN);
        set(values.get("temperature"), g.temperatureC().isPresent() ? Unit.CELSIUS.format(g.temperatureC().getAsDouble()) : NA);
        // 100 °C is past every data-centre GPU's slowdown point: a full bar means "hot" on any card.
        fill(bars.get("temperature"), g.temperatureC().orElse(Double.NaN) / 100);
        set(values.get("power"), g.powerWatts().isEmpty() && g.powerLimitWatts().isEmpty() ? NA
                : watts(g.powerWatts()) + " of " + watts(g.powerLimitWatts()) + " limit");
        fill(bars.get("power"), g.powerWatts().orElse(Double.NaN) / g.powerLimitWatts().orElse(Double.NaN));
        set(smClock, mhz(g.smClockMhz()));
        set(memClock, mhz(g.memoryClockMhz()));
        set(fan, g.fanPercent().isPresent() ? Unit.PERCENT.format(g.fanPercent().getAsDouble()) : NA);
        set(events, g.clockEventReasons().isPresent() ? ClockEventReasons.describe(g.clockEventReasons().getAsLong()) : NA);
        boolean throttled = g.clockEventReasons().isPresent() && (g.clockEventReasons().getAsLong()
                & ~(ClockEventReasons.GPU_IDLE | ClockEventReasons.APPLICATIONS_CLOCKS_SETTING)) != 0;
        if (throttled != events.getStyleClass().contains(Styles.HEALTH_DEGRADED)) {
            if (throttled) {
                events.getStyleClass().add(Styles.HEALTH_DEGRADED);
            } else {
                events.getStyleClass().remove(Styles.HEALTH_DEGRADED);
            }
        }
        if (g.eccCorrectedVolatile().isEmpty() && g.eccUncorrectedVolatile().isEmpty()
                && g.eccCorrectedAggregate().isEmpty() && g.eccUncorrectedAggregate().isEmpty()) {
            set(ecc, NA);
        } else {
            set(ecc, "corrected " + count(g.eccCorrectedVolatile()) + " / " + count(g.eccCorrectedAggregate())
                    + " · uncorrected " + count(g.eccUncorrectedVolatile()) + " / " + count(g.eccUncorrectedAggregate())
                    + "  (volatile / aggregate)");
        }
        showMig(g.mig());
    }

    private void showMig(GpuReading.Mig m) {
        boolean on = m.enabled().orElse(false);
        show(mig, on);
        if (!on) {
            return;
        }
        StringBuilder sb = new StringBuilder("MIG on · " + m.instances().size() + " of " + m.maxInstances() + " instances");
        for (MigInstance i : m.instances()) {
            sb.append("\n  ").append(i.slot()).append("  ").append(SafeText.of(i.uuid()));
            if (i.memoryUsedBytes().isPresent() && i.memoryTotalBytes().isPresent()) {
                sb.append("  ").append(Unit.bytes(i.memoryUsedBytes().getAsLong())).append(" of ")
                        .append(Unit.bytes(i.memoryTotalBytes().getAsLong()));
            }
        }
        set(mig, sb.toString());
    }

    /**
     * Colours the card by the worst alert about this GPU and each bar by the alerts of the rules on
     * its metric ({@code byMetric} maps a metric name to its mark for this GPU).
     */
    public void showMarks(AlertMark card, Function<String, AlertMark> byMetric) {
        SeverityStyles.apply(this, card.tone());
        for (Map.Entry<String, String> e : BARS.entrySet()) {
            AlertMark m = byMetric.apply(e.getValue());
            tones.put(e.getKey(), m.tone());
            SeverityStyles.apply(bars.get(e.getKey()), m.tone());
            SeverityStyles.apply(values.get(e.getKey()), m.tone());
            String tip = m.describe();
            Label v = values.get(e.getKey());
            if (tip.isEmpty() ? v.getTooltip() != null : v.getTooltip() == null || !tip.equals(v.getTooltip().getText())) {
                v.setTooltip(tip.isEmpty() ? null : new Tooltip(tip));
            }
        }
    }

    /** Each bar's sparkline from {@code points} (metric name → recent points of this GPU). */
    /** The {@code gpu} label of the series shown on this card. */
    public String seriesKey() {
        return seriesKey == null ? Integer.toString(index) : seriesKey;
    }

    public void showSparks(Function<String, SeriesPoints> points) {
        for (Map.Entry<String, String> e : BARS.entrySet()) {
            double max = switch (e.getKey()) {
                case "util" -> 100;
                case "temperature" -> 100;
                default -> Double.NaN;
            };
            Sparkline spark = sparks.get(e.getKey());
            if (!spark.isVisible()) {
                show(spark, true);
            }
            spark.show(points.apply(e.getValue()), max,
                    SeverityStyles.color(tones.get(e.getKey()), SPARK));
        }
    }

    /** The newest XID of this GPU among {@code recent} (all GPUs' events, oldest first), with its meaning. */
    public void showEvents(List<XidEvent> recent, ZoneId zone) {
        XidEvent last = null;
        int n = 0;
        for (XidEvent e : recent) {
            if (e.kind() == XidEvent.Kind.XID && e.gpu() == index) {
                last = e;
                n++;
            }
        }
        show(xid, last != null);
        if (last == null) {
            return;
        }
        XidTable.Entry row = XidTable.standard().lookup(last.xid());
        set(xid, "XID " + last.xid() + " · " + row.meaning() + " · "
                + Durations.timeOfDay(Instant.ofEpochMilli(last.epochMillis()), zone)
                + (n > 1 ? " (" + n + " recent)" : ""));
        SeverityStyles.apply(xid, row.critical() ? AlertTone.CRITICAL : AlertTone.WARNING);
        if (xid.getTooltip() == null || !row.advice().equals(xid.getTooltip().getText())) {
            xid.setTooltip(row.advice().isEmpty() ? null : new Tooltip(row.advice()));
        }
    }

    /**
     * Shows a flag for the processes on this GPU that an open alert singled out (a miner, unexplained
     * load); a click hands the first to {@code open} (the GPUs view selects it in its table).
     */
    public void showFlags(List<GpuProcessRow> rows, Consumer<GpuProcessRow> open) {
        onFlag = open;
        if (rows.equals(flagged)) {
            return;
        }
        flagged = List.copyOf(rows);
        show(flag, !rows.isEmpty());
        if (rows.isEmpty()) {
            return;
        }
        GpuProcessRow first = rows.getFirst();
        flag.setText("⚑ pid " + first.pid() + (first.name().isEmpty() ? "" : " " + SafeText.of(first.name()))
                + (rows.size() > 1 ? " +" + (rows.size() - 1) : ""));
        List<String> lines = new ArrayList<>();
        for (GpuProcessRow r : rows) {
            lines.add("pid " + r.pid() + " " + SafeText.of(r.name()));
        }
        flag.setTooltip(new Tooltip("Flagged by an open alert — click to select it in the process table\n"
                + String.join("\n", lines)));
    }

    int index() {
        return index;
    }

    /** For tests: the tone a bar shows. */
    AlertTone barTone(String key) {
        return tones.get(key);
    }

    /** For tests: how often a bar's sparkline has drawn. */
    int sparkRedraws(String key) {
        return sparks.get(key).redraws();
    }

    private static String pct(OptionalDouble v) {
        return v.isPresent() ? Unit.PERCENT.format(v.getAsDouble()) : NA;
    }

    private static String watts(OptionalDouble v) {
        return v.isPresent() ? Unit.WATTS.format(v.getAsDouble()) : NA;
    }

    private static String mhz(OptionalLong v) {
        return v.isPresent() ? Unit.MEGAHERTZ.format(v.getAsLong()) : NA;
    }

    private static String count(OptionalLong v) {
        return v.isPresent() ? Long.toString(v.getAsLong()) : NA;
    }
}
