package io.vigil.ui.dashboard;

import io.vigil.alerts.AlertMarks;
import io.vigil.host.HostMetrics;
import io.vigil.rules.Severity;
import io.vigil.text.Unit;
import io.vigil.ui.SeverityStyles;
import io.vigil.ui.Styles;
import io.vigil.ui.Units;
import io.vigil.ui.View;
import io.vigil.ui.chart.ChartSeries;
import io.vigil.ui.chart.TimeSeriesChart;
import io.vigil.ui.shell.AlertsFilter;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The Dashboard: an alert strip (open alerts by severity, acknowledged and silenced ones apart, each
 * count opening the Alerts view filtered), headline tiles coloured by the rules that watch their
 * values, then time-series charts over a selectable window. Tiles update at every UI frame (only
 * what changed is touched); charts are redrawn at most once a second, or at once when the window
 * changes. A value with no data reads "—".
 */
public final class DashboardView implements View {

    private static final long CHART_REDRAW_MS = 1000;

    private final DashboardViewModel model;
    private final Consumer<AlertsFilter> openAlerts;
    private final VBox root = new VBox(14);
    private final Map<DashboardTile, ValueTile> tileOf = new EnumMap<>(DashboardTile.class);
    private final HBox alertStrip = new HBox(8);
    private final TimeSeriesChart cpuChart = new TimeSeriesChart("CPU %");
    private final TimeSeriesChart memoryChart = new TimeSeriesChart("Memory %");
    private final TimeSeriesChart networkChart = new TimeSeriesChart("Network (all interfaces but loopback)");
    private final FlowPane tiles = new FlowPane(10, 10);
    private AlertMarks.Counts stripShows;
    private long lastChartDraw;

    /** Without an Alerts view to open (tests of the tiles alone). */
    public DashboardView(DashboardViewModel model) {
        this(model, f -> { });
    }

    /** @param openAlerts opens the Alerts view with a filter (a click on the alert strip) */
    public DashboardView(DashboardViewModel model, Consumer<AlertsFilter> openAlerts) {
        this.model = model;
        this.openAlerts = openAlerts;
        root.getStyleClass().add(Styles.VIEW);
        root.setId("dashboard-view");
        root.setPadding(new Insets(18));

        Label title = new Label("Dashboard");
        title.getStyleClass().add(Styles.VIEW_TITLE);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox head = new HBox(12, title, spacer, io.vigil.ui.chart.WindowSelector.of("window-", model.windowProperty(), cpuChart, memoryChart, networkChart));
        head.setAlignment(Pos.CENTER_LEFT);

        alertStrip.setId("alert-strip");
        alertStrip.getStyleClass().add("alert-strip");
        alertStrip.setAlignment(Pos.CENTER_LEFT);

        for (DashboardTile t : DashboardTile.values()) {
            boolean bar = t == DashboardTile.CPU || t == DashboardTile.MEMORY || t == DashboardTile.GPU_POWER;
            ValueTile tile = new ValueTile(t.id, t.title, bar);
            tileOf.put(t, tile);
            // The colour is the view model's read-only mark of the rules on this tile's metric.
            model.markProperty(t).addListener((obs, old, mark) -> tile.setMark(mark));
            tile.setMark(model.markProperty(t).get());
        }
        tiles.setId("dashboard-tiles");
        tiles.getChildren().addAll(tileOf.values());

        cpuChart.setFixedMax(100);
        cpuChart.setUnit(io.vigil.text.Unit.PERCENT);
        cpuChart.setId("chart-cpu");
        memoryChart.setFixedMax(100);
        memoryChart.setUnit(io.vigil.text.Unit.PERCENT);
        memoryChart.setId("chart-memory");
        networkChart.setUnit(io.vigil.text.Unit.BYTES_PER_SECOND);
        networkChart.setId("chart-network");
        GridPane charts = new GridPane();
        charts.setHgap(12);
        charts.setVgap(12);
        ColumnConstraints half = new ColumnConstraints();
        half.setPercentWidth(50);
        charts.getColumnConstraints().addAll(half, half);
        charts.add(io.vigil.ui.Layouts.card(cpuChart), 0, 0);
        charts.add(io.vigil.ui.Layouts.card(memoryChart), 1, 0);
        charts.add(io.vigil.ui.Layouts.card(networkChart), 0, 1, 2, 1);

        root.getChildren().addAll(head, alertStrip, tiles, charts);
        model.windowProperty().addListener((obs, o, n) -> drawCharts());
        model.alertCountsProperty().addListener((obs, o, n) -> showAlertStrip(n));
        showAlertStrip(model.alertCountsProperty().get());
    }

    /** "Open alerts: [2 critical] [1 warning] [1 pending] · shown apart: [1 acknowledged]". */
    private void showAlertStrip(AlertMarks.Counts c) {
        if (c.equals(stripShows)) {
            return;
        }
        stripShows = c;
        alertStrip.getChildren().clear();
        Label caption = new Label(c.open() == 0 ? "No open alerts" : "Open alerts");
        caption.setId("alert-strip-caption");
        caption.getStyleClass().add(Styles.MUTED);
        alertStrip.getChildren().add(caption);
        chip("critical", c.firing(Severity.CRITICAL) + " critical", c.firing(Severity.CRITICAL),
                SeverityStyles.CRITICAL, AlertsFilter.open("critical"));
        chip("warning", c.firing(Severity.WARNING) + " warning", c.firing(Severity.WARNING),
                SeverityStyles.WARNING, AlertsFilter.open("warning"));
        chip("info", c.firing(Severity.INFO) + " info", c.firing(Severity.INFO), null, AlertsFilter.open("info"));
        chip("pending", c.pending() + " pending", c.pending(), SeverityStyles.WARNING, AlertsFilter.OPEN);
        if (c.acknowledged() + c.silenced() > 0) {
            Label apart = new Label("shown apart:");
            apart.getStyleClass().add(Styles.MUTED);
            alertStrip.getChildren().add(apart);
        }
        chip("acknowledged", c.acknowledged() + " acknowledged", c.acknowledged(), SeverityStyles.MUTED,
                new AlertsFilter(null, "acknowledged"));
        chip("silenced", c.silenced() + " silenced", c.silenced(), SeverityStyles.MUTED,
                new AlertsFilter(null, "silenced"));
    }

    private void chip(String id, String text, int count, String style, AlertsFilter filter) {
        if (count == 0) {
            return;
        }
        Button b = new Button(text);
        b.setId("alert-strip-" + id);
        b.getStyleClass().add("alert-chip");
        if (style != null) {
            b.getStyleClass().add(style);
        }
        b.setOnAction(e -> openAlerts.accept(filter));
        alertStrip.getChildren().add(b);
    }

    @Override
    public Node node() {
        return io.vigil.ui.Layouts.scrolling(root);
    }

    @Override
    public void refresh() {
        model.refresh();
        double cpu = model.cpuPercentProperty().get();
        tile(DashboardTile.CPU).setValue(Unit.PERCENT.format(cpu));
        tile(DashboardTile.CPU).setFraction(cpu / 100);
        double mem = model.memoryPercentProperty().get();
        tile(DashboardTile.MEMORY).setValue(Unit.PERCENT.format(mem));
        tile(DashboardTile.MEMORY).setFraction(mem / 100);
        double used = model.memoryUsedBytesProperty().get();
        tile(DashboardTile.MEMORY).setText(Double.isNaN(used) ? "" : Unit.bytes(used) + " of "
                + Unit.bytes(model.memoryTotalBytesProperty().get()));
        tile(DashboardTile.NETWORK_IN).setValue(Unit.BYTES_PER_SECOND.format(model.rxBytesPerSecondProperty().get()));
        tile(DashboardTile.NETWORK_OUT).setValue(Unit.BYTES_PER_SECOND.format(model.txBytesPerSecondProperty().get()));
        tile(DashboardTile.PROCESSES).setValue(Unit.NONE.format(model.processCountProperty().get()));
        refreshGpuTiles();
        tile(DashboardTile.SPEND_TODAY).setValue(Unit.money(model.spendTodayUsdProperty().get()));
        double mtd = model.mtdUsdProperty().get();
        double eom = model.forecastEomUsdProperty().get();
        tile(DashboardTile.MTD).setValue(Unit.money(mtd));
        tile(DashboardTile.MTD).setText(!Double.isNaN(eom) ? "forecast " + Unit.money(eom)
                : Double.isNaN(mtd) ? "no AWS data yet" : "");
        if (Double.isNaN(model.spendTodayUsdProperty().get())) {
            tile(DashboardTile.SPEND_TODAY).setText("no AWS data yet");
        } else {
            tile(DashboardTile.SPEND_TODAY).setText("AWS, all services");
        }
        refreshSpendNowTile();
        if (model.now() - lastChartDraw >= CHART_REDRAW_MS) {
            drawCharts();
        }
    }

    // --- live cost: spend now ---
    private void refreshSpendNowTile() {
        double usdPerHour = model.spendNowUsdPerHourProperty().get();
        ValueTile tile = tile(DashboardTile.SPEND_NOW);
        tile.setValue(Unit.USD_PER_HOUR.format(usdPerHour));
        tile.setText(Double.isNaN(usdPerHour) ? "no GPU readings" : "GPUs live: price + power");
    }

    private ValueTile tile(DashboardTile t) {
        return tileOf.get(t);
    }

    private void refreshGpuTiles() {
        double count = model.gpuCountProperty().get();
        ValueTile busy = tile(DashboardTile.GPUS_BUSY);
        ValueTile hottest = tile(DashboardTile.HOTTEST_GPU);
        ValueTile power = tile(DashboardTile.GPU_POWER);
        if (Double.isNaN(count)) {
            for (ValueTile t : List.of(busy, hottest, power)) {
                t.setValue(Unit.NO_DATA);
                t.setText("no GPU readings");
            }
            power.setFraction(Double.NaN);
            return;
        }
        busy.setValue(Unit.NONE.format(model.gpusBusyProperty().get()));
        busy.setText(String.format(Locale.ROOT, "of %.0f, at ≥ %.0f %%", count,
                DashboardViewModel.GPU_BUSY_PERCENT));
        hottest.setValue(Unit.CELSIUS.format(model.hottestGpuCProperty().get()));
        hottest.setText(model.hottestGpuProperty().get());
        double watts = model.gpuPowerWattsProperty().get();
        double limit = model.gpuPowerLimitWattsProperty().get();
        power.setValue(Unit.WATTS.format(watts));
        power.setText(Double.isNaN(limit) ? "all GPUs" : "of " + Unit.WATTS.format(limit) + " limit");
        power.setFraction(watts / limit);
    }

    private void drawCharts() {
        lastChartDraw = model.now();
        long to = model.now();
        long from = to - model.windowProperty().get().duration().toMillis();
        int budget = cpuChart.pointBudget();
        cpuChart.setData(from, to, List.of(new ChartSeries("cpu", 1, model.chart(HostMetrics.CPU_PERCENT, budget))));
        memoryChart.setData(from, to, List.of(new ChartSeries("used", 2, model.chart(HostMetrics.MEMORY_PERCENT, budget))));
        int netBudget = networkChart.pointBudget();
        networkChart.setData(from, to, List.of(
                new ChartSeries("rx", 3, model.chart(HostMetrics.NET_RX_BYTES_PER_S, netBudget)),
                new ChartSeries("tx", 4, model.chart(HostMetrics.NET_TX_BYTES_PER_S, netBudget))));
    }

    /** For tests: the tile showing {@code t}. */
    ValueTile tileFor(DashboardTile t) {
        return tileOf.get(t);
    }

    /** For tests: the chart of CPU %. */
    TimeSeriesChart cpuChart() {
        return cpuChart;
    }
}
