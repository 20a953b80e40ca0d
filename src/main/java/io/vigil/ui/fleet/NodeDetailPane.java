package io.vigil.ui.fleet;

import io.vigil.fleet.FleetGpu;
import io.vigil.fleet.FleetMetric;
import io.vigil.fleet.FleetNode;
import io.vigil.fleet.NodeHealth;
import io.vigil.gpu.GpuProcess;
import io.vigil.gpu.GpuReading;
import io.vigil.telemetry.TimeWindow;
import io.vigil.ui.Layouts;
import io.vigil.text.SafeText;
import io.vigil.ui.Styles;
import io.vigil.ui.Units;
import io.vigil.ui.chart.ChartSeries;
import io.vigil.ui.chart.TimeSeriesChart;
import io.vigil.ui.chart.WindowSelector;
import io.vigil.ui.gpus.GpuCard;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * One fleet node: the same GPU cards and charts as the local GPUs view, for that node's GPUs,
 * with history from the fleet reader (Prometheus's query_range) at the charts' pixel width, and
 * the processes the exporter reports on its GPUs. Every string from the node is shown escaped.
 */
final class NodeDetailPane extends VBox {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final FleetViewModel model;
    private final ZoneId zone;
    private final Label title = new Label();
    private final Label badge = new Label();
    private final Label labels = new Label();
    private final Label down = new Label();
    private final Label host = new Label();
    private final Label historyStatus = new Label();
    private final FlowPane cards = new FlowPane(12, 12);
    private final List<GpuCard> cardList = new ArrayList<>();
    private final TimeSeriesChart utilization = new TimeSeriesChart("Utilization % by GPU");
    private final TimeSeriesChart memory = new TimeSeriesChart("Memory used by GPU");
    private final TimeSeriesChart temperature = new TimeSeriesChart("Temperature °C by GPU");
    private final TimeSeriesChart power = new TimeSeriesChart("Power W by GPU");
    private final TableView<FleetViewModel.ProcessRow> table = new TableView<>();
    private String cardKey = "";
    private String shownNode = "";

    NodeDetailPane(FleetViewModel model, ZoneId zone, Runnable back) {
        super(14);
        this.model = model;
        this.zone = zone;
        setId("fleet-node-detail");
        getStyleClass().add(Styles.VIEW);
        setPadding(new Insets(18));

        Button backButton = new Button("← Fleet");
        backButton.setId("fleet-back");
        backButton.setOnAction(e -> back.run());
        title.setId("fleet-node-title");
        title.getStyleClass().add(Styles.VIEW_TITLE);
        badge.setId("fleet-node-health");
        badge.getStyleClass().add("fleet-health-badge");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox head = new HBox(12, backButton, title, badge, spacer,
                // Prometheus keeps history beyond the longest button: a custom range of any age is fetched.
                WindowSelector.fetchingAnyRange("fleet-window-", model.windowProperty(),
                        List.of(TimeWindow.FIVE_MINUTES, TimeWindow.ONE_HOUR, TimeWindow.ONE_DAY, TimeWindow.SEVEN_DAYS),
                        utilization, memory, temperature, power));
        head.setAlignment(Pos.CENTER_LEFT);
        labels.setId("fleet-node-labels");
        labels.getStyleClass().add(Styles.MUTED);
        labels.setWrapText(true);
        down.setId("fleet-node-down");
        down.getStyleClass().add("gpus-unavailable");
        down.setWrapText(true);
        down.setMaxWidth(Double.MAX_VALUE);
        host.setId("fleet-node-host");
        host.getStyleClass().add(Styles.MUTED);
        historyStatus.setId("fleet-history-status");
        historyStatus.getStyleClass().add(Styles.MUTED);
        historyStatus.setWrapText(true);
        cards.setId("fleet-gpu-cards");

        utilization.setId("fleet-chart-utilization");
        utilization.setFixedMax(100);
        utilization.setUnit(io.vigil.text.Unit.PERCENT);
        memory.setId("fleet-chart-memory");
        memory.setUnit(io.vigil.text.Unit.BYTES);
        temperature.setId("fleet-chart-temperature");
        temperature.setUnit(io.vigil.text.Unit.CELSIUS);
        power.setId("fleet-chart-power");
        power.setUnit(io.vigil.text.Unit.WATTS);
        for (TimeSeriesChart c : List.of(utilization, memory, temperature, power)) {
            c.setZone(zone);
        }
        GridPane charts = new GridPane();
        charts.setHgap(12);
        charts.setVgap(12);
        ColumnConstraints half = new ColumnConstraints();
        half.setPercentWidth(50);
        charts.getColumnConstraints().addAll(half, half);
        charts.add(Layouts.card(utilization), 0, 0);
        charts.add(Layouts.card(memory), 1, 0);
        charts.add(Layouts.card(temperature), 0, 1);
        charts.add(Layouts.card(power), 1, 1);

        Label procTitle = new Label("Processes on this node's GPUs");
        procTitle.getStyleClass().add("section-title");
        buildTable();
        // History first: it is what the drill-down adds to the grid; the cards repeat the live values.
        getChildren().addAll(head, labels, down, host, historyStatus, charts, cards, procTitle, table);

        model.selectedNodeProperty().addListener((o, a, n) -> showNode(n));
        model.selectedGpusProperty().addListener((o, a, g) -> showCards());
        model.historyProperty().addListener((o, a, h) -> drawCharts(h));
        model.loadingProperty().addListener((o, a, r) -> showStatus());
        // The four charts zoom together (WindowSelector): one of them tells the model, which fetches
        // a range outside what is loaded, or inside it at a finer step, off the FX thread.
        utilization.zoomProperty().addListener((o, a, r) -> model.zoomTo(r));
        utilization.widthProperty().addListener((o, a, w) -> model.setHistoryWidthPixels(utilization.plotWidthPixels()));
    }

    private void buildTable() {
        table.setId("fleet-processes");
        table.setPlaceholder(new Label("The exporter reports no process on this node's GPUs."));
        table.setPrefHeight(200);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(column("GPU", 50, r -> Integer.toString(r.gpuIndex())));
        table.getColumns().add(column("PID", 70, r -> r.process().pid() > 0 ? Integer.toString(r.process().pid()) : "–"));
        table.getColumns().add(column("Process", 140, r -> r.process().name().isEmpty() ? "?" : SafeText.of(r.process().name())));
        table.getColumns().add(column("Pod", 200, r -> SafeText.of(r.process().pod())));
        table.getColumns().add(column("Namespace", 110, r -> SafeText.of(r.process().namespace())));
        table.getColumns().add(column("Container", 110, r -> SafeText.of(r.process().container())));
        table.getColumns().add(column("GPU memory", 100, r -> r.process().usedMemoryBytes().isPresent()
                ? Units.bytes(r.process().usedMemoryBytes().getAsLong()) : "n/a"));
    }

    private static TableColumn<FleetViewModel.ProcessRow, String> column(String title, double width,
            Function<FleetViewModel.ProcessRow, String> value) {
        TableColumn<FleetViewModel.ProcessRow, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(value.apply(cd.getValue())));
        return c;
    }

    private void showNode(FleetNode n) {
        if (n == null) {
            return;
        }
        if (!n.name().equals(shownNode)) {
            shownNode = n.name();
            // Another node: its charts start on the window, not on the last node's zoom.
            List.of(utilization, memory, temperature, power).forEach(TimeSeriesChart::resetZoom);
        }
        title.setText(SafeText.of(n.name()));
        badge.setText(n.health().name());
        badge.getStyleClass().removeAll(Styles.HEALTH_OK, Styles.HEALTH_DOWN, Styles.HEALTH_UNKNOWN);
        badge.getStyleClass().add(switch (n.health()) {
            case UP -> Styles.HEALTH_OK;
            case DOWN -> Styles.HEALTH_DOWN;
            case UNKNOWN -> Styles.HEALTH_UNKNOWN;
        });
        List<String> parts = new ArrayList<>();
        n.labels().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> parts.add(SafeText.of(e.getKey()) + "=" + SafeText.of(e.getValue())));
        labels.setText(String.join("  ·  ", parts));
        boolean isDown = n.health() != NodeHealth.UP;
        down.setVisible(isDown);
        down.setManaged(isDown);
        if (isDown) {
            String when = n.lastScrapeMillis() <= 0 ? "never"
                    : TIME.withZone(zone).format(Instant.ofEpochMilli(n.lastScrapeMillis()));
            down.setText(n.health() == NodeHealth.DOWN
                    ? "DOWN — " + (n.lastError().isEmpty() ? "not answering" : SafeText.of(n.lastError()))
                            + ", last scrape " + when + ". Its last numbers are not shown; the charts show its history."
                    : "Waiting for the first scrape of this node.");
        }
        host.setText(isDown ? "" : hostLine(n));
        host.setVisible(!isDown);
        host.setManaged(!isDown);
        showCards();
        table.getItems().setAll(model.processes());
    }

    private static String hostLine(FleetNode n) {
        List<String> parts = new ArrayList<>();
        n.cpuPercent().ifPresent(v -> parts.add(String.format(Locale.ROOT, "CPU %.0f %%", v)));
        if (n.memoryUsedBytes().isPresent() && n.memoryTotalBytes().isPresent()) {
            parts.add("memory " + Units.bytes(n.memoryUsedBytes().getAsDouble()) + " of "
                    + Units.bytes(n.memoryTotalBytes().getAsDouble()));
        }
        n.networkRxBytesPerS().ifPresent(v -> parts.add("network in " + Units.rate(v)));
        n.networkTxBytesPerS().ifPresent(v -> parts.add("out " + Units.rate(v)));
        return parts.isEmpty() ? "No node_exporter readings for this node." : "Host: " + String.join(" · ", parts);
    }

    private void showCards() {
        FleetNode n = model.selectedNodeProperty().get();
        if (n == null) {
            return;
        }
        // A DOWN node shows no cards: its numbers would be stale.
        List<FleetGpu> gpus = n.health() == NodeHealth.UP ? n.gpus() : List.of();
        String key = n.name() + gpus.stream().map(g -> g.index() + g.uuid()).reduce("", String::concat);
        if (!key.equals(cardKey)) {
            cardKey = key;
            cardList.clear();
            for (FleetGpu g : gpus) {
                cardList.add(new GpuCard(g.index()));
            }
            cards.getChildren().setAll(cardList);
        }
        for (int i = 0; i < cardList.size(); i++) {
            cardList.get(i).update(reading(gpus.get(i)), "");
        }
    }

    /** A fleet GPU as the GPU card reads it; what exporters do not give stays "n/a". */
    static GpuReading reading(FleetGpu g) {
        OptionalDouble none = OptionalDouble.empty();
        OptionalLong noneL = OptionalLong.empty();
        List<GpuProcess> processes = g.processes().stream()
                .map(p -> new GpuProcess(p.pid(), GpuProcess.Kind.COMPUTE, p.usedMemoryBytes())).toList();
        return new GpuReading(g.index(), SafeText.of(g.model()), SafeText.of(g.uuid()), false,
                g.utilizationPercent(), none, toLong(g.memoryUsedBytes()), toLong(g.memoryTotalBytes()),
                g.temperatureC(), g.powerWatts(), g.powerLimitWatts(), noneL, noneL, none, noneL, noneL, noneL,
                toLong(g.eccErrors()), noneL, processes);
    }

    private static OptionalLong toLong(OptionalDouble v) {
        return v.isPresent() ? OptionalLong.of(Math.round(v.getAsDouble())) : OptionalLong.empty();
    }

    void drawCharts(NodeHistory h) {
        FleetNode n = model.selectedNodeProperty().get();
        if (n == null || h == null) {
            return;
        }
        boolean mine = h.node().equals(n.name());
        showStatus();
        long from = mine ? h.fromMillis() : model.now() - model.windowProperty().get().duration().toMillis();
        long to = mine ? h.toMillis() : model.now();
        utilization.setData(from, to, series(h, FleetMetric.UTILIZATION, mine));
        memory.setData(from, to, series(h, FleetMetric.MEMORY_USED, mine));
        temperature.setData(from, to, series(h, FleetMetric.TEMPERATURE, mine));
        power.setData(from, to, series(h, FleetMetric.POWER, mine));
    }

    /** What the charts show, what is being fetched, or why history is missing; never blocks. */
    private void showStatus() {
        FleetNode n = model.selectedNodeProperty().get();
        NodeHistory h = model.historyProperty().get();
        if (n == null || h == null) {
            return;
        }
        boolean mine = h.node().equals(n.name());
        io.vigil.ui.chart.TimeRange loading = model.loadingProperty().get();
        String text;
        if (loading != null) {
            text = "Loading history " + time(loading.fromMillis()) + " to " + time(loading.toMillis()) + "…";
        } else if (!mine) {
            text = "Loading history…";
        } else if (!h.problem().isEmpty()) {
            text = h.problem();
        } else {
            text = "History: " + time(h.fromMillis()) + " to " + time(h.toMillis()) + ", "
                    + h.maxPoints() + " points per GPU at most (one per pixel), step "
                    + io.vigil.text.Durations.compact(h.stepMillis() / 1000.0);
        }
        historyStatus.setText(text);
        historyStatus.getStyleClass().remove("fleet-history-problem");
        if (loading == null && mine && !h.problem().isEmpty()) {
            historyStatus.getStyleClass().add("fleet-history-problem");
        }
    }

    private String time(long millis) {
        return TIME.withZone(zone).format(Instant.ofEpochMilli(millis));
    }

    private static List<ChartSeries> series(NodeHistory h, FleetMetric m, boolean mine) {
        if (!mine) {
            return List.of();
        }
        List<ChartSeries> out = new ArrayList<>();
        for (NodeHistory.GpuSeries s : h.of(m)) {
            // The legend names GPUs by index only: eight "GPU n" labels would run into the title.
            out.add(new ChartSeries(Integer.toString(s.gpuIndex()), s.gpuIndex() % 8 + 1, s.points()));
        }
        return out;
    }

    TimeSeriesChart utilizationChart() {
        return utilization;
    }

    TableView<FleetViewModel.ProcessRow> processTable() {
        return table;
    }

    /** Refreshes the parts that follow the live snapshot (cards, processes). */
    void refreshLive() {
        showNode(model.selectedNodeProperty().get());
    }
}
