package io.vigil.ui.gpus;

import io.vigil.gpu.GpuMetrics;
import io.vigil.gpu.GpuProcessRow;
import io.vigil.gpu.GpuReading;
import io.vigil.gpu.GpuSnapshot;
import io.vigil.telemetry.MetricId;
import io.vigil.text.SafeText;
import io.vigil.ui.Styles;
import io.vigil.ui.Units;
import io.vigil.ui.View;
import io.vigil.ui.chart.ChartSeries;
import io.vigil.ui.chart.TimeSeriesChart;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The GPUs view: a card per GPU, charts of utilization, memory, temperature and power per GPU over
 * the selected window, and the processes on the GPUs joined with the host process list. A row's
 * context menu hands {@code suspend}, {@code kill} or {@code triage} with the row's context
 * ({@code pid}, {@code gpu}, {@code name}) to the injected action callback. Without a driver the
 * view shows the GPU source's DOWN reason instead.
 */
public final class GpusView implements View {

    private static final long CHART_REDRAW_MS = 1000;

    private final GpusViewModel model;
    private final BiConsumer<String, Map<String, String>> processAction;
    private final VBox root = new VBox(14);
    private final Label unavailable = new Label();
    private final VBox content = new VBox(14);
    private final FlowPane cards = new FlowPane(12, 12);
    private final List<GpuCard> cardList = new ArrayList<>();
    private final TimeSeriesChart utilizationChart = new TimeSeriesChart("Utilization %");
    private final TimeSeriesChart memoryChart = new TimeSeriesChart("Memory used");
    private final TimeSeriesChart temperatureChart = new TimeSeriesChart("Temperature °C");
    private final TimeSeriesChart powerChart = new TimeSeriesChart("Power W");
    private final TableView<GpuProcessRow> table = new TableView<>();
    private String cardKey = "";
    private long lastChartDraw;

    public GpusView(GpusViewModel model, BiConsumer<String, Map<String, String>> processAction) {
        this.model = model;
        this.processAction = processAction;
        root.getStyleClass().add(Styles.VIEW);
        root.setId("gpus-view");
        root.setPadding(new Insets(18));

        Label title = new Label("GPUs");
        title.getStyleClass().add(Styles.VIEW_TITLE);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox head = new HBox(12, title, spacer, io.vigil.ui.chart.WindowSelector.of("gpus-window-", model.windowProperty(),
                utilizationChart, memoryChart, temperatureChart, powerChart));
        head.setAlignment(Pos.CENTER_LEFT);

        unavailable.setId("gpus-unavailable");
        unavailable.setWrapText(true);
        unavailable.getStyleClass().add("gpus-unavailable");
        unavailable.setMaxWidth(Double.MAX_VALUE);
        show(unavailable, false);

        cards.setId("gpu-cards");
        content.setId("gpus-content");
        utilizationChart.setId("chart-gpu-utilization");
        utilizationChart.setFixedMax(100);
        utilizationChart.setUnit(io.vigil.text.Unit.PERCENT);
        memoryChart.setId("chart-gpu-memory");
        memoryChart.setUnit(io.vigil.text.Unit.BYTES);
        temperatureChart.setId("chart-gpu-temperature");
        temperatureChart.setUnit(io.vigil.text.Unit.CELSIUS);
        powerChart.setId("chart-gpu-power");
        powerChart.setUnit(io.vigil.text.Unit.WATTS);
        GridPane charts = new GridPane();
        charts.setHgap(12);
        charts.setVgap(12);
        ColumnConstraints half = new ColumnConstraints();
        half.setPercentWidth(50);
        charts.getColumnConstraints().addAll(half, half);
        charts.add(io.vigil.ui.Layouts.card(utilizationChart), 0, 0);
        charts.add(io.vigil.ui.Layouts.card(memoryChart), 1, 0);
        charts.add(io.vigil.ui.Layouts.card(temperatureChart), 0, 1);
        charts.add(io.vigil.ui.Layouts.card(powerChart), 1, 1);

        Label procTitle = new Label("Processes on the GPUs");
        procTitle.getStyleClass().add("section-title");
        buildTable();
        content.getChildren().addAll(cards, charts, procTitle, table);
        root.getChildren().addAll(head, unavailable, content);
        model.windowProperty().addListener((obs, o, n) -> drawCharts());
    }

    private void buildTable() {
        table.setId("gpu-processes");
        table.setPlaceholder(new Label("No process is using a GPU."));
        table.setPrefHeight(220);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(column("GPU", 50, r -> Integer.toString(r.gpuIndex())));
        table.getColumns().add(column("PID", 70, r -> Integer.toString(r.pid())));
        // Names, users and command lines are what the process chose: shown redacted and escaped.
        table.getColumns().add(column("Process", 130, r -> r.name().isEmpty() ? "?" : SafeText.of(r.name())));
        table.getColumns().add(column("User", 90, r -> SafeText.of(r.user())));
        table.getColumns().add(column("GPU memory", 100,
                r -> r.gpuMemoryBytes().isPresent() ? Units.bytes(r.gpuMemoryBytes().getAsLong()) : GpuCard.NA));
        table.getColumns().add(column("SM %", 60, r -> r.smUtilPercent().isPresent()
                ? String.format(Locale.ROOT, "%.0f", r.smUtilPercent().getAsDouble()) : GpuCard.NA));
        table.getColumns().add(column("Mem %", 60, r -> r.memUtilPercent().isPresent()
                ? String.format(Locale.ROOT, "%.0f", r.memUtilPercent().getAsDouble()) : GpuCard.NA));
        table.getColumns().add(column("CPU %", 70, r -> r.cpuPercent().isPresent()
                ? String.format(Locale.ROOT, "%.1f", r.cpuPercent().getAsDouble()) : GpuCard.NA));
        table.getColumns().add(column("RSS", 90,
                r -> r.rssBytes().isPresent() ? Units.bytes(r.rssBytes().getAsLong()) : GpuCard.NA));
        table.getColumns().add(column("Command line", 300, r -> SafeText.of(r.commandLine())));
        table.setRowFactory(tv -> {
            TableRow<GpuProcessRow> row = new TableRow<>();
            ContextMenu menu = new ContextMenu(
                    action(row, "Suspend", "suspend"),
                    action(row, "Kill", "kill"),
                    new SeparatorMenuItem(),
                    action(row, "Triage…", "triage"));
            row.contextMenuProperty().bind(javafx.beans.binding.Bindings.when(row.emptyProperty())
                    .then((ContextMenu) null).otherwise(menu));
            return row;
        });
    }

    private MenuItem action(TableRow<GpuProcessRow> row, String text, String action) {
        MenuItem item = new MenuItem(text);
        item.setId("gpu-process-" + action);
        item.setOnAction(e -> {
            GpuProcessRow r = row.getItem();
            if (r != null) {
                processAction.accept(action, r.playbookContext());
            }
        });
        return item;
    }

    private static TableColumn<GpuProcessRow, String> column(String title, double width,
                                                            Function<GpuProcessRow, String> value) {
        TableColumn<GpuProcessRow, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(value.apply(cd.getValue())));
        return c;
    }

    @Override
    public Node node() {
        return io.vigil.ui.Layouts.scrolling(root);
    }

    @Override
    public void refresh() {
        model.refresh();
        String reason = model.unavailableReason();
        boolean down = !reason.isEmpty();
        unavailable.setText(down ? reason : "");
        show(unavailable, down);
        show(content, !down);
        if (down) {
            return;
        }
        GpuSnapshot s = model.snapshot();
        String key = s.gpus().stream().map(g -> g.index() + g.uuid()).reduce("", String::concat);
        if (!key.equals(cardKey)) {
            cardKey = key;
            cardList.clear();
            for (GpuReading g : s.gpus()) {
                cardList.add(new GpuCard(g.index()));
            }
            cards.getChildren().setAll(cardList);
        }
        for (int i = 0; i < cardList.size(); i++) {
            cardList.get(i).update(s.gpus().get(i), s.driverVersion());
        }
        List<GpuProcessRow> rows = model.processes();
        if (!rows.equals(table.getItems())) {
            GpuProcessRow selected = table.getSelectionModel().getSelectedItem();
            table.getItems().setAll(rows);
            if (selected != null) {
                // Keep the analyst's selection on the same process across refreshes.
                rows.stream().filter(r -> r.pid() == selected.pid() && r.gpuIndex() == selected.gpuIndex())
                        .findFirst().ifPresent(r -> table.getSelectionModel().select(r));
            }
        }
        if (model.now() - lastChartDraw >= CHART_REDRAW_MS) {
            drawCharts();
        }
    }

    private static void show(Node n, boolean visible) {
        n.setVisible(visible);
        n.setManaged(visible);
    }

    private void drawCharts() {
        lastChartDraw = model.now();
        long to = model.now();
        long from = to - model.windowProperty().get().duration().toMillis();
        List<GpuReading> gpus = model.snapshot().gpus();
        utilizationChart.setData(from, to, perGpu(GpuMetrics.UTILIZATION, gpus, utilizationChart.pointBudget()));
        memoryChart.setData(from, to, perGpu(GpuMetrics.MEMORY_USED_BYTES, gpus, memoryChart.pointBudget()));
        temperatureChart.setData(from, to, perGpu(GpuMetrics.TEMPERATURE_C, gpus, temperatureChart.pointBudget()));
        powerChart.setData(from, to, perGpu(GpuMetrics.POWER_WATTS, gpus, powerChart.pointBudget()));
    }

    private List<ChartSeries> perGpu(String metric, List<GpuReading> gpus, int budget) {
        List<ChartSeries> out = new ArrayList<>();
        for (GpuReading g : gpus) {
            MetricId id = GpuMetrics.of(metric, g.index());
            out.add(new ChartSeries("GPU " + g.index(), g.index() % 8 + 1, model.chart(id, budget)));
        }
        return out;
    }

    /** For tests: the utilization chart. */
    TimeSeriesChart utilizationChart() {
        return utilizationChart;
    }
}
