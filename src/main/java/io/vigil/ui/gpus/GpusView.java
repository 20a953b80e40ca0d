package io.vigil.ui.gpus;

import io.vigil.alerts.AlertMark;
import io.vigil.alerts.AlertTone;
import io.vigil.gpu.GpuMetrics;
import io.vigil.gpu.GpuProcessRow;
import io.vigil.gpu.GpuReading;
import io.vigil.gpu.GpuSnapshot;
import io.vigil.telemetry.MetricId;
import io.vigil.text.SafeText;
import io.vigil.text.Unit;
import io.vigil.ui.SeverityStyles;
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
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
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
 * ({@code pid}, {@code gpu}, {@code name}) to the injected action callback. Cards, their bars and the
 * table's rows take amber or red from the open alerts of the rules on them; a process an alert names
 * (a miner, unexplained load) is flagged on its GPU's card and marked in the table, and the card's
 * flag selects it there. The selected process's detail (full command line, user, parents,
 * connections, open files) shows under the table until the selection is cleared (Esc). Without a
 * driver the view says "No NVIDIA GPU found" with the GPU source's reason instead.
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
    private final VBox detailPane = new VBox(6);
    private final Label detailTitle = new Label();
    private final TextArea detailCommand = new TextArea();
    private final Label detailParents = new Label();
    private final Label detailConnections = new Label();
    private final Label detailFiles = new Label();
    private ScrollPane scroll;
    private GpusViewModel.ProcessDetail detailShown;
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
        buildDetailPane();
        content.getChildren().addAll(cards, charts, procTitle, table, detailPane);
        root.getChildren().addAll(head, unavailable, content);
        model.windowProperty().addListener((obs, o, n) -> drawCharts());
        // Row colours come from the alerts: restyle the rows when the alerts change.
        model.marksProperty().addListener((obs, o, n) -> table.refresh());
        table.getSelectionModel().selectedItemProperty().addListener((obs, o, n) -> showDetail());
    }

    private void buildDetailPane() {
        detailPane.setId("gpu-process-detail");
        detailPane.getStyleClass().addAll(Styles.CARD, "process-detail");
        detailTitle.setId("gpu-process-detail-title");
        detailTitle.getStyleClass().add("section-title");
        detailCommand.setId("gpu-process-detail-command");
        detailCommand.setEditable(false);
        detailCommand.setWrapText(true);
        detailCommand.setPrefRowCount(3);
        detailCommand.getStyleClass().add("code");
        detailParents.setId("gpu-process-detail-parents");
        detailConnections.setId("gpu-process-detail-connections");
        detailFiles.setId("gpu-process-detail-files");
        for (Label l : List.of(detailParents, detailConnections, detailFiles)) {
            l.setWrapText(true);
        }
        detailPane.getChildren().addAll(detailTitle, caption("Command line"), detailCommand,
                caption("Parent processes"), detailParents, caption("Connections"), detailConnections,
                caption("Open files"), detailFiles);
        show(detailPane, false);
    }

    private static Label caption(String text) {
        Label l = new Label(text);
        l.getStyleClass().add(Styles.MUTED);
        return l;
    }

    /** The selected process's detail; refreshed each frame, touched only when it changed. */
    private void showDetail() {
        GpuProcessRow r = table.getSelectionModel().getSelectedItem();
        show(detailPane, r != null);
        if (r == null) {
            detailShown = null;
            return;
        }
        GpusViewModel.ProcessDetail d = model.detail(r);
        if (d.equals(detailShown)) {
            return;
        }
        detailShown = d;
        detailTitle.setText("pid " + d.pid() + " · " + (d.name().isEmpty() ? "?" : d.name())
                + (d.user().isEmpty() ? "" : " · user " + d.user()));
        detailCommand.setText(d.commandLine().isEmpty() ? "(not in the host process list)" : d.commandLine());
        detailParents.setText(d.parents().isEmpty() ? "none known" : String.join("  ←  ", d.parents()));
        detailConnections.setText(d.connections().isEmpty() ? "none" : String.join("\n", d.connections()));
        detailFiles.setText(d.openFiles().isEmpty() ? "none" : String.join("\n", d.openFiles()));
    }

    /** Selects {@code row}'s process in the table and scrolls the table into view (a card's flag). */
    void selectProcess(GpuProcessRow row) {
        GpuProcessRow match = table.getItems().stream()
                .filter(r -> r.pid() == row.pid() && r.gpuIndex() == row.gpuIndex()).findFirst().orElse(null);
        if (match == null) {
            return;
        }
        table.getSelectionModel().select(match);
        table.scrollTo(match);
        table.requestFocus();
        revealTable();
        // The detail pane that the selection opened changes the content's height: again after layout.
        javafx.application.Platform.runLater(this::revealTable);
    }

    /** Scrolls the view so the process table's title is at the top (the detail pane below it). */
    private void revealTable() {
        if (scroll == null) {
            return;
        }
        scroll.applyCss();
        scroll.layout();
        double y = root.sceneToLocal(table.localToScene(0, 0)).getY();
        double room = root.getHeight() - scroll.getViewportBounds().getHeight();
        if (room > 0) {
            scroll.setVvalue(Math.max(0, Math.min(1, (y - 40) / room)));
        }
    }

    private void buildTable() {
        table.setId("gpu-processes");
        table.setPlaceholder(new Label("No process is using a GPU."));
        table.setPrefHeight(220);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TableColumn<GpuProcessRow, String> flagColumn = column("", 30, r -> model.processMark(r).tone().open() ? "⚑" : "");
        flagColumn.setId("gpu-process-flag");
        flagColumn.setSortable(false);
        table.getColumns().add(flagColumn);
        table.getColumns().add(column("GPU", 50, r -> Integer.toString(r.gpuIndex())));
        table.getColumns().add(column("PID", 70, r -> Integer.toString(r.pid())));
        // Names, users and command lines are what the process chose: shown redacted and escaped.
        table.getColumns().add(column("Process", 130, r -> r.name().isEmpty() ? "?" : SafeText.of(r.name())));
        table.getColumns().add(column("User", 90, r -> SafeText.of(r.user())));
        table.getColumns().add(column("GPU memory", 100,
                r -> r.gpuMemoryBytes().isPresent() ? Unit.bytes(r.gpuMemoryBytes().getAsLong()) : GpuCard.NA));
        table.getColumns().add(column("SM %", 60, r -> r.smUtilPercent().isPresent()
                ? String.format(Locale.ROOT, "%.0f", r.smUtilPercent().getAsDouble()) : GpuCard.NA));
        table.getColumns().add(column("Mem %", 60, r -> r.memUtilPercent().isPresent()
                ? String.format(Locale.ROOT, "%.0f", r.memUtilPercent().getAsDouble()) : GpuCard.NA));
        table.getColumns().add(column("CPU %", 70, r -> r.cpuPercent().isPresent()
                ? String.format(Locale.ROOT, "%.1f", r.cpuPercent().getAsDouble()) : GpuCard.NA));
        table.getColumns().add(column("RSS", 90,
                r -> r.rssBytes().isPresent() ? Unit.bytes(r.rssBytes().getAsLong()) : GpuCard.NA));
        TableColumn<GpuProcessRow, String> command = column("Command line", 300, r -> SafeText.of(r.commandLine()));
        command.setId("gpu-process-command");
        // The command line is often longer than its column: the full (escaped, redacted) text in a tooltip.
        command.setCellFactory(c -> new TableCell<>() {
            private final Tooltip tip = new Tooltip();

            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item);
                if (empty || item == null || item.isEmpty()) {
                    setTooltip(null);
                } else {
                    tip.setText(item);
                    tip.setWrapText(true);
                    tip.setMaxWidth(720);
                    setTooltip(tip);
                }
            }
        });
        table.getColumns().add(command);
        table.setRowFactory(tv -> {
            TableRow<GpuProcessRow> row = new TableRow<>() {
                @Override
                protected void updateItem(GpuProcessRow item, boolean empty) {
                    super.updateItem(item, empty);
                    AlertMark mark = empty || item == null ? AlertMark.NONE : model.processMark(item);
                    boolean flagged = mark.tone() == AlertTone.CRITICAL;
                    if (flagged != getStyleClass().contains("flagged-process")) {
                        if (flagged) {
                            getStyleClass().add("flagged-process");
                        } else {
                            getStyleClass().remove("flagged-process");
                        }
                    }
                    SeverityStyles.apply(this, flagged ? AlertTone.NONE : mark.tone());
                    String tip = mark.describe();
                    setTooltip(tip.isEmpty() ? null : new Tooltip(tip));
                }
            };
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

    /**
     * Esc (the shell's shortcut): closes the process detail by clearing the table's selection; false
     * when no process is selected, so Esc reaches the focused control.
     */
    @Override
    public boolean closePane() {
        if (table.getSelectionModel().isEmpty()) {
            return false;
        }
        table.getSelectionModel().clearSelection(); // the selection listener hides the detail
        return true;
    }

    @Override
    public Node node() {
        if (scroll == null) {
            scroll = io.vigil.ui.Layouts.scrolling(root);
        }
        return scroll;
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
            GpuCard card = cardList.get(i);
            GpuReading g = s.gpus().get(i);
            card.update(g, s.driverVersion());
            String gpuKey = GpuMetrics.key(g.index(), g.uuid());
            card.showMarks(model.gpuMark(gpuKey), metric -> model.metricMark(metric, gpuKey));
            card.showEvents(s.events(), java.time.ZoneId.systemDefault());
            card.showFlags(model.flagged(g.index()), this::selectProcess);
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
        showDetail();
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
        for (GpuCard card : cardList) {
            card.showSparks(metric -> model.sparkline(GpuMetrics.of(metric, card.seriesKey())));
        }
    }

    private List<ChartSeries> perGpu(String metric, List<GpuReading> gpus, int budget) {
        List<ChartSeries> out = new ArrayList<>();
        for (GpuReading g : gpus) {
            MetricId id = GpuMetrics.of(metric, g);
            out.add(new ChartSeries("GPU " + g.index(), g.index() % 8 + 1, model.chart(id, budget)));
        }
        return out;
    }

    /** For tests: the card of GPU {@code index}. */
    GpuCard card(int index) {
        return cardList.stream().filter(c -> c.index() == index).findFirst().orElseThrow();
    }

    /** For tests: the utilization chart. */
    TimeSeriesChart utilizationChart() {
        return utilizationChart;
    }
}
