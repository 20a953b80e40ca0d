package io.vigil.ui.alerts;

import io.vigil.alerts.Alert;
import io.vigil.alerts.AlertEvent;
import io.vigil.alerts.AlertExport;
import io.vigil.rules.RuleFile;
import io.vigil.ui.Styles;
import io.vigil.ui.View;
import io.vigil.ui.chart.ChartSeries;
import io.vigil.ui.chart.TimeSeriesChart;
import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import javafx.beans.property.SimpleStringProperty;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/**
 * The Alerts view: the alert list with filters; a detail pane with the metric around the alert,
 * its labels, its history and suggested playbook; acknowledge, silence, annotate, resolve; export.
 */
public final class AlertsView implements View {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());
    static final List<String> SILENCE_CHOICES = List.of("15m", "1h", "4h", "1d", "until…");

    private final AlertsViewModel model;
    private final VBox root = new VBox(12);
    private final TableView<AlertRow> table = new TableView<>();
    /** One row per alert id, kept across refreshes so value updates do not disturb the selection. */
    private final Map<Long, AlertRow> rows = new java.util.HashMap<>();
    private boolean updatingRows;
    private final ComboBox<String> severityFilter = new ComboBox<>();
    private final ComboBox<String> stateFilter = new ComboBox<>();
    private final ComboBox<String> sourceFilter = new ComboBox<>();
    private final Label message = new Label();
    private final Label detailTitle = new Label("Select an alert");
    private final Label detailLabels = new Label();
    private final Label detailRunbook = new Label();
    private final ListView<String> events = new ListView<>();
    private final TimeSeriesChart chart = new TimeSeriesChart("Metric around the alert");
    private final TextField note = new TextField();
    private final ComboBox<String> silenceFor = new ComboBox<>(FXCollections.observableArrayList(SILENCE_CHOICES));
    private final TextField silenceUntil = new TextField();
    private final Button runPlaybook = new Button("Run playbook…");
    private final VBox detailBox;
    private List<Alert> all = List.of();
    private long shownMessage;
    private AlertsViewModel.Detail shownDetail;
    private long shownVersion = -1;
    private int shownCount = -1;

    public AlertsView(AlertsViewModel model) {
        this.model = model;
        root.setId("alerts-view");
        root.getStyleClass().add(Styles.VIEW);
        root.setPadding(new Insets(18));

        Label title = new Label("Alerts");
        title.getStyleClass().add(Styles.VIEW_TITLE);
        severityFilter.setId("alerts-filter-severity");
        severityFilter.getItems().setAll("all severities", "critical", "warning", "info");
        severityFilter.setValue("all severities");
        stateFilter.setId("alerts-filter-state");
        stateFilter.getItems().setAll("open", "all states", "pending", "firing", "acknowledged", "resolved");
        stateFilter.setValue("open");
        sourceFilter.setId("alerts-filter-source");
        sourceFilter.getItems().setAll("all sources");
        sourceFilter.setValue("all sources");
        for (ComboBox<String> c : List.of(severityFilter, stateFilter, sourceFilter)) {
            c.valueProperty().addListener((o, a, b) -> applyFilter());
        }
        Button csv = new Button("Export CSV…");
        csv.setId("alerts-export-csv");
        csv.setOnAction(e -> export(false));
        Button json = new Button("Export JSON…");
        json.setId("alerts-export-json");
        json.setOnAction(e -> export(true));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox head = new HBox(10, title, spacer, severityFilter, stateFilter, sourceFilter, csv, json);
        head.setAlignment(Pos.CENTER_LEFT);

        buildTable();
        detailBox = detailPane();
        ScrollPane detailScroll = new ScrollPane(detailBox);
        detailScroll.setFitToWidth(true);
        detailScroll.getStyleClass().add("view-scroll");
        SplitPane split = new SplitPane(table, detailScroll);
        split.setDividerPositions(0.55);
        VBox.setVgrow(split, Priority.ALWAYS);
        message.setId("alerts-message");
        message.getStyleClass().add(Styles.MUTED);
        root.getChildren().addAll(head, split, message);
    }

    private void buildTable() {
        table.setId("alerts-table");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TableColumn<AlertRow, String> sev = column("Severity", 80, a -> a.severity().name().toLowerCase(Locale.ROOT));
        sev.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
                getStyleClass().removeAll("severity-critical", "severity-warning", "severity-info");
                if (!empty && item != null) {
                    getStyleClass().add("severity-" + item);
                }
            }
        });
        table.getColumns().add(sev);
        table.getColumns().add(column("Rule", 170, Alert::ruleId));
        table.getColumns().add(column("Subject", 200, Alert::subject));
        table.getColumns().add(column("Value", 70, a -> AlertExport.value(a.value())));
        table.getColumns().add(column("Since", 120, a -> since(a.since())));
        table.getColumns().add(column("State", 130, a -> a.state().name().toLowerCase(Locale.ROOT)
                + (a.silenced(model.now()) ? " (silenced)" : "")));
        table.setPlaceholder(new Label("No alerts match. Rules raise alerts here."));
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (updatingRows) {
                return;
            }
            model.select(b == null ? null : b.alert);
            showDetailHeader(b == null ? null : b.alert);
        });
    }

    /** Time of day for today's alerts, date and time for older ones. */
    private String since(Instant t) {
        ZoneId zone = ZoneId.systemDefault();
        boolean today = LocalDate.ofInstant(t, zone).equals(LocalDate.ofInstant(model.now(), zone));
        return today ? DateTimeFormatter.ofPattern("HH:mm:ss").withZone(zone).format(t) : TIME.format(t);
    }

    private TableColumn<AlertRow, String> column(String title, double width, java.util.function.Function<Alert, String> f) {
        TableColumn<AlertRow, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cd -> new SimpleStringProperty(f.apply(cd.getValue().alert)));
        return c;
    }

    /** A table row: the latest copy of one alert. */
    static final class AlertRow {
        Alert alert;

        AlertRow(Alert alert) {
            this.alert = alert;
        }
    }

    private Alert selected() {
        AlertRow r = table.getSelectionModel().getSelectedItem();
        return r == null ? null : r.alert;
    }

    private VBox detailPane() {
        detailTitle.getStyleClass().add("section-title");
        detailTitle.setId("alert-detail-title");
        detailTitle.setWrapText(true);
        detailLabels.setId("alert-labels");
        detailLabels.setWrapText(true);
        detailRunbook.setId("alert-runbook");
        detailRunbook.setWrapText(true);
        chart.setId("alert-chart");
        chart.setMinHeight(170);
        chart.setPrefHeight(190);
        events.setId("alert-events");
        events.setPrefHeight(150);
        note.setId("alert-note-text");
        note.setPromptText("note (for acknowledge, silence, annotate, resolve)");
        Button ack = button("Acknowledge", "alert-ack", () -> withSelected(a -> model.acknowledge(a.id(), note.getText())));
        Button annotate = button("Add note", "alert-annotate", () -> withSelected(a -> model.annotate(a.id(), note.getText())));
        Button resolve = button("Resolve", "alert-resolve", () -> withSelected(a -> model.resolve(a.id(), note.getText())));
        silenceFor.setId("alert-silence-for");
        silenceFor.setValue("1h");
        silenceUntil.setId("alert-silence-until");
        silenceUntil.setPromptText("HH:mm or yyyy-MM-dd HH:mm");
        silenceUntil.setPrefColumnCount(12);
        silenceUntil.disableProperty().bind(silenceFor.valueProperty().isNotEqualTo("until…"));
        Button silence = button("Silence", "alert-silence", this::silence);
        runPlaybook.setId("alert-run-playbook");
        runPlaybook.setOnAction(e -> withSelected(model::runPlaybook));
        runPlaybook.setDisable(true);
        HBox actions = new HBox(8, ack, annotate, resolve);
        HBox silenceRow = new HBox(8, new Label("Silence for"), silenceFor, silenceUntil, silence);
        silenceRow.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(10, detailTitle, chart, detailLabels, detailRunbook, runPlaybook, note, actions, silenceRow,
                new Label("History"), events);
        box.setPadding(new Insets(10));
        box.getStyleClass().add(Styles.CARD);
        return box;
    }

    private static Button button(String text, String id, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setOnAction(e -> action.run());
        return b;
    }

    private void withSelected(java.util.function.Consumer<Alert> action) {
        Alert a = selected();
        if (a == null) {
            message.setText("Select an alert first.");
            return;
        }
        action.accept(a);
        note.clear();
    }

    private void silence() {
        Instant now = model.now();
        Instant until;
        String choice = silenceFor.getValue();
        if ("until…".equals(choice)) {
            until = parseUntil(silenceUntil.getText(), now, ZoneId.systemDefault());
            if (until == null) {
                message.setText("Silence until: expected HH:mm (next occurrence) or yyyy-MM-dd HH:mm in the future.");
                return;
            }
        } else {
            Duration d = RuleFile.parseDuration(choice);
            until = now.plus(d);
        }
        withSelected(a -> model.silence(a.id(), until, note.getText()));
    }

    /** "HH:mm" (the next such time) or "yyyy-MM-dd HH:mm" in {@code zone}; null when unreadable or past. */
    static Instant parseUntil(String text, Instant now, ZoneId zone) {
        String t = text.trim();
        try {
            if (t.matches("\\d{1,2}:\\d{2}")) {
                LocalTime time = LocalTime.parse(t.length() == 4 ? "0" + t : t);
                LocalDate today = LocalDate.ofInstant(now, zone);
                Instant at = LocalDateTime.of(today, time).atZone(zone).toInstant();
                return at.isAfter(now) ? at : LocalDateTime.of(today.plusDays(1), time).atZone(zone).toInstant();
            }
            Instant at = LocalDateTime.parse(t, DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")).atZone(zone).toInstant();
            return at.isAfter(now) ? at : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private void export(boolean json) {
        FileChooser fc = new FileChooser();
        fc.setTitle(json ? "Export alerts as JSON" : "Export alerts as CSV");
        fc.setInitialFileName(json ? "vigil-alerts.json" : "vigil-alerts.csv");
        File f = fc.showSaveDialog(root.getScene().getWindow());
        if (f != null) {
            model.export(table.getItems().stream().map(r -> r.alert).toList(), f.toPath(), json);
        }
    }

    private void showDetailHeader(Alert a) {
        if (a == null) {
            detailTitle.setText("Select an alert");
            detailLabels.setText("");
            detailRunbook.setText("");
            runPlaybook.setDisable(true);
            events.getItems().clear();
            chart.setData(0, 1, List.of());
            return;
        }
        detailTitle.setText(a.severity().name() + " · " + a.ruleId() + " · " + a.subject());
        Map<String, String> labels = new TreeMap<>(a.labels());
        List<String> parts = new ArrayList<>();
        labels.forEach((k, v) -> parts.add(k + "=" + v));
        detailLabels.setText("Labels: " + (parts.isEmpty() ? "none" : String.join("  ", parts))
                + "\nValue: " + AlertExport.value(a.value()) + "   Since: " + TIME.format(a.since())
                + (a.silencedUntil() != null ? "   Silenced until: " + TIME.format(a.silencedUntil()) : ""));
        detailRunbook.setText((a.runbook().isEmpty() ? "" : "Runbook: " + a.runbook() + "\n")
                + (a.playbook().isEmpty() ? "No playbook suggested." : "Suggested playbook: " + a.playbook()));
        runPlaybook.setDisable(a.playbook().isEmpty());
    }

    private void applyFilter() {
        String sev = severityFilter.getValue();
        String state = stateFilter.getValue();
        String source = sourceFilter.getValue();
        Alert selected = selected();
        List<AlertRow> shown = new ArrayList<>();
        java.util.Set<Long> present = new java.util.HashSet<>();
        for (Alert a : all) {
            present.add(a.id());
            if (!"all severities".equals(sev) && !a.severity().name().equalsIgnoreCase(sev)) {
                continue;
            }
            if ("open".equals(state) ? !a.state().open()
                    : !"all states".equals(state) && !a.state().name().equalsIgnoreCase(state)) {
                continue;
            }
            if (!"all sources".equals(source) && !a.source().equals(source)) {
                continue;
            }
            AlertRow row = rows.computeIfAbsent(a.id(), id -> new AlertRow(a));
            row.alert = a;
            shown.add(row);
        }
        rows.keySet().retainAll(present);
        if (shown.equals(table.getItems())) {
            table.refresh();
        } else {
            updatingRows = true;
            try {
                table.getItems().setAll(shown);
                AlertRow keep = selected == null ? null : rows.get(selected.id());
                if (keep != null && shown.contains(keep)) {
                    table.getSelectionModel().select(keep);
                }
            } finally {
                updatingRows = false;
            }
            if (selected != null && selected() == null) {
                model.select(null);
                showDetailHeader(null);
            }
        }
        Alert now = selected();
        if (now != null && (selected == null || !now.equals(selected))) {
            showDetailHeader(now);
        }
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public void refresh() {
        List<Alert> fresh = model.alerts();
        long version = model.version();
        if (version != shownVersion || fresh.size() != shownCount || !sameValues(fresh)) {
            shownVersion = version;
            shownCount = fresh.size();
            all = fresh;
            TreeSet<String> sources = new TreeSet<>();
            for (Alert a : fresh) {
                sources.add(a.source());
            }
            List<String> items = new ArrayList<>();
            items.add("all sources");
            items.addAll(sources);
            if (!items.equals(sourceFilter.getItems())) {
                String keep = sourceFilter.getValue();
                sourceFilter.getItems().setAll(items);
                sourceFilter.setValue(items.contains(keep) ? keep : "all sources");
            }
            applyFilter();
        }
        if (model.messageSerial() != shownMessage) {
            shownMessage = model.messageSerial();
            message.setText(model.message());
        }
        AlertsViewModel.Detail d = model.detail();
        Alert selected = selected();
        if (d != null && d != shownDetail && selected != null && d.alertId() == selected.id()) {
            shownDetail = d;
            events.getItems().clear();
            for (AlertEvent e : d.events()) {
                events.getItems().add(TIME.format(e.at()) + "  " + e.kind() + (e.detail().isEmpty() ? "" : "  " + e.detail()));
            }
            chart.setMetric(selected.metric()); // axis and readout in the metric's unit
            chart.setData(d.from(), d.to(), d.points().isEmpty() ? List.of()
                    : List.of(new ChartSeries(selected.metric(), 1, d.points())));
        }
    }

    private boolean sameValues(List<Alert> fresh) {
        if (fresh.size() != all.size()) {
            return false;
        }
        for (int i = 0; i < fresh.size(); i++) {
            Alert a = fresh.get(i);
            Alert b = all.get(i);
            if (a.id() != b.id() || a.state() != b.state() || a.severity() != b.severity()
                    || Double.compare(a.value(), b.value()) != 0 || !Objects.equals(a.silencedUntil(), b.silencedUntil())) {
                return false;
            }
        }
        return true;
    }

    // --- opened from a desktop notification (ui-shell) ---

    /**
     * Selects the alert {@code id} and scrolls to it, widening the severity, state and source
     * filters when they hide it. Returns false when the alert is not in the list (resolved and gone).
     * FX thread.
     */
    public boolean select(long id) {
        refresh();
        if (all.stream().noneMatch(a -> a.id() == id)) {
            return false;
        }
        AlertRow row = rows.get(id);
        if (row == null || !table.getItems().contains(row)) {
            severityFilter.setValue("all severities");
            stateFilter.setValue("all states");
            sourceFilter.setValue("all sources");
            row = rows.get(id);
        }
        if (row == null || !table.getItems().contains(row)) {
            return false;
        }
        table.getSelectionModel().select(row);
        table.scrollTo(row);
        table.requestFocus();
        return true;
    }
}
