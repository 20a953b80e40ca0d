package io.vigil.ui.dashboard;

import eu.hansolo.tilesfx.Tile;
import eu.hansolo.tilesfx.TileBuilder;
import io.vigil.host.HostMetrics;
import io.vigil.ui.Styles;
import io.vigil.ui.Units;
import io.vigil.ui.View;
import io.vigil.ui.chart.ChartSeries;
import io.vigil.ui.chart.TimeSeriesChart;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

/**
 * The Dashboard: headline tiles for the host, then time-series charts over a selectable window.
 * Tiles update at every UI frame; charts are redrawn at most once a second, or at once when the
 * window changes.
 */
public final class DashboardView implements View {

    private static final long CHART_REDRAW_MS = 1000;
    private static final Color TILE_BG = Color.web("#1b212c");

    private final DashboardViewModel model;
    private final VBox root = new VBox(16);
    private final Tile cpuTile;
    private final Tile memoryTile;
    private final Tile rxTile;
    private final Tile txTile;
    private final Tile processTile;
    private final Tile gpusBusyTile;
    private final Tile hottestGpuTile;
    private final Tile gpuPowerTile;
    private final Tile spendTile;
    private final Tile mtdTile;
    private final Tile spendNowTile;
    private final TimeSeriesChart cpuChart = new TimeSeriesChart("CPU %");
    private final TimeSeriesChart memoryChart = new TimeSeriesChart("Memory %");
    private final TimeSeriesChart networkChart = new TimeSeriesChart("Network (all interfaces but loopback)");
    private final javafx.scene.layout.FlowPane tiles;
    private long lastChartDraw;

    public DashboardView(DashboardViewModel model) {
        this.model = model;
        root.getStyleClass().add(Styles.VIEW);
        root.setId("dashboard-view");
        root.setPadding(new Insets(18));

        Label title = new Label("Dashboard");
        title.getStyleClass().add(Styles.VIEW_TITLE);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox head = new HBox(12, title, spacer, io.vigil.ui.chart.WindowSelector.of("window-", model.windowProperty(), cpuChart, memoryChart, networkChart));
        head.setAlignment(Pos.CENTER_LEFT);

        cpuTile = tile(TileBuilder.create().skinType(Tile.SkinType.GAUGE).title("CPU").unit("%").maxValue(100)
                .threshold(90).thresholdVisible(false).decimals(0), "tile-cpu");
        memoryTile = tile(TileBuilder.create().skinType(Tile.SkinType.GAUGE).title("Memory").unit("%").maxValue(100)
                .thresholdVisible(false).decimals(0), "tile-memory");
        rxTile = tile(TileBuilder.create().skinType(Tile.SkinType.NUMBER).title("Network in").unit("KiB/s")
                .decimals(1), "tile-rx");
        txTile = tile(TileBuilder.create().skinType(Tile.SkinType.NUMBER).title("Network out").unit("KiB/s")
                .decimals(1), "tile-tx");
        processTile = tile(TileBuilder.create().skinType(Tile.SkinType.NUMBER).title("Processes").decimals(0),
                "tile-processes");
        gpusBusyTile = tile(TileBuilder.create().skinType(Tile.SkinType.NUMBER).title("GPUs busy").decimals(0)
                .text("no GPU readings"), "tile-gpus-busy");
        hottestGpuTile = tile(TileBuilder.create().skinType(Tile.SkinType.NUMBER).title("Hottest GPU").unit("°C")
                .decimals(0).text("no GPU readings"), "tile-hottest-gpu");
        gpuPowerTile = tile(TileBuilder.create().skinType(Tile.SkinType.NUMBER).title("GPU power").unit("W")
                .decimals(0).text("no GPU readings"), "tile-gpu-power");
        spendTile = tile(TileBuilder.create().skinType(Tile.SkinType.NUMBER).title("Spend today").unit("USD")
                .decimals(2), "tile-spend-today");
        mtdTile = tile(TileBuilder.create().skinType(Tile.SkinType.NUMBER).title("MTD vs forecast").unit("USD")
                .decimals(0), "tile-mtd-forecast");
        tiles = new javafx.scene.layout.FlowPane(12, 12, cpuTile, memoryTile, rxTile, txTile, processTile, gpusBusyTile,
                hottestGpuTile, gpuPowerTile, spendTile, mtdTile);
        // --- live cost: spend now ($/h), the GPUs' price and power as they are now (docs/live-cost.md) ---
        spendNowTile = tile(TileBuilder.create().skinType(Tile.SkinType.NUMBER).title("Spend now ($/h)").unit("USD/h")
                .decimals(2).text("no GPU readings"), "tile-spend-now");
        tiles.getChildren().add(spendNowTile);

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

        root.getChildren().addAll(head, tiles, charts);
        model.windowProperty().addListener((obs, o, n) -> drawCharts());
    }

    private Tile tile(TileBuilder<?> builder, String id) {
        Tile t = builder.prefSize(190, 170).animated(false).backgroundColor(TILE_BG)
                .textVisible(true).build();
        t.setId(id);
        t.setValue(0);
        return t;
    }

    @Override
    public Node node() {
        return io.vigil.ui.Layouts.scrolling(root);
    }

    @Override
    public void refresh() {
        model.refresh();
        setIfNumber(cpuTile, model.cpuPercentProperty().get());
        setIfNumber(memoryTile, model.memoryPercentProperty().get());
        memoryTile.setText(Units.bytes(model.memoryUsedBytesProperty().get()) + " of "
                + Units.bytes(model.memoryTotalBytesProperty().get()));
        setRate(rxTile, model.rxBytesPerSecondProperty().get());
        setRate(txTile, model.txBytesPerSecondProperty().get());
        setIfNumber(processTile, model.processCountProperty().get());
        refreshGpuTiles();
        setIfNumber(spendTile, model.spendTodayUsdProperty().get());
        setIfNumber(mtdTile, model.mtdUsdProperty().get());
        double eom = model.forecastEomUsdProperty().get();
        String mtdText = Double.isNaN(eom) ? "no AWS data yet" : String.format(Locale.ROOT, "forecast $%,.0f", eom);
        if (!mtdText.equals(mtdTile.getText())) {
            mtdTile.setText(mtdText);
        }
        refreshSpendNowTile();
        if (model.now() - lastChartDraw >= CHART_REDRAW_MS) {
            drawCharts();
        }
    }

    // --- live cost: spend now ---
    private void refreshSpendNowTile() {
        double usdPerHour = model.spendNowUsdPerHourProperty().get();
        setIfNumber(spendNowTile, usdPerHour);
        setText(spendNowTile, Double.isNaN(usdPerHour) ? "no GPU readings" : "GPUs live: price + power");
    }

    private void refreshGpuTiles() {
        double count = model.gpuCountProperty().get();
        if (Double.isNaN(count)) {
            setText(gpusBusyTile, "no GPU readings");
            setText(hottestGpuTile, "no GPU readings");
            setText(gpuPowerTile, "no GPU readings");
            return;
        }
        setIfNumber(gpusBusyTile, model.gpusBusyProperty().get());
        setText(gpusBusyTile, String.format(Locale.ROOT, "of %.0f at ≥ %.0f %% utilization", count,
                DashboardViewModel.GPU_BUSY_PERCENT));
        setIfNumber(hottestGpuTile, model.hottestGpuCProperty().get());
        setText(hottestGpuTile, model.hottestGpuProperty().get());
        setIfNumber(gpuPowerTile, model.gpuPowerWattsProperty().get());
        double limit = model.gpuPowerLimitWattsProperty().get();
        setText(gpuPowerTile, Double.isNaN(limit) ? "all GPUs" : String.format(Locale.ROOT, "of %.0f W limit", limit));
    }

    private static void setText(Tile tile, String text) {
        if (!text.equals(tile.getText())) {
            tile.setText(text);
        }
    }

    private static void setIfNumber(Tile tile, double v) {
        if (!Double.isNaN(v) && tile.getValue() != v) {
            tile.setValue(v);
        }
    }

    private static void setRate(Tile tile, double bytesPerSecond) {
        if (Double.isNaN(bytesPerSecond)) {
            return;
        }
        double[] scaled = Units.scaleBytes(bytesPerSecond);
        String unit = Units.byteUnit((int) scaled[1]) + "/s";
        if (!unit.equals(tile.getUnit())) {
            tile.setUnit(unit);
        }
        tile.setValue(scaled[0]);
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

    /** For tests: the chart of CPU %. */
    TimeSeriesChart cpuChart() {
        return cpuChart;
    }
}
