package io.vigil.ui.alerts;

import io.vigil.alerts.Alert;
import io.vigil.alerts.AlertEvent;
import io.vigil.alerts.AlertExport;
import io.vigil.rules.RuleFile;
import io.vigil.text.Durations;
import io.vigil.text.Unit;
import io.vigil.ui.Tables;
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
import javafx.geometry.Orientation;
import javafx.scene.control.TableRow;
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
 * Esc clears the selection and with it the detail.
 */
public final class AlertsView implements View {

    /** Style classes a row takes from its alert's state, so handled alerts look apart from open ones. */
    static final String ROW_ACKNOWLEDGED = "alert-row-acknowledged";
    static final String ROW_SILENCED = "alert-row-silenced";
    static final String ROW_RESOLVED = "alert-row-resolved";
    static final String SEVERITY_CHIP = "severity-chip";
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
    private final TextField textFilter = new TextField();
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
    /** The selected alert's snapshot the header was last drawn from. */
    private Alert shownHeader;
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
        for (AlertsViewModel.StateFilter f : AlertsViewModel.StateFilter.values()) {
            stateFilter.getItems().add(f.label);
        }
        stateFilter.setValue(AlertsViewModel.StateFilter.UNRESOLVED.label);
        sourceFilter.setId("alerts-filter-source");
        sourceFilter.getItems().setAll("all sources");
        sourceFilter.setValue("all sources");
        for (ComboBox<String> c : List.of(severityFilter, stateFilter, sourceFilter)) {
            c.valueProperty().addListener((o, a, b) -> applyFilter());
        }
        textFilter.setId("alerts-filter-text");
        textFilter.setPromptText("Filter alerts (Ctrl+F)");
        textFilter.setTooltip(new javafx.scene.control.Tooltip("Words to find in the rule, subject, labels, state, severity or source"));
        textFilter.setPrefColumnCount(20);
        textFilter.textProperty().addListener((o, a, b) -> applyFilter());
        Button clearFilter = new Button("✕");
        clearFilter.setId("alerts-filter-clear");
        clearFilter.getStyleClass().add("filter-clear");
        clearFilter.setTooltip(new javafx.scene.control.Tooltip("Clear the filter"));
        clearFilter.setOnAction(e -> textFilter.clear());
        clearFilter.disableProperty().bind(textFilter.textProperty().isEmpty());
        HBox filterBox = new HBox(2, textFilter, clearFilter);
        filterBox.setAlignment(Pos.CENTER_LEFT);
        javafx.scene.control.MenuItem csv = new javafx.scene.control.MenuItem("Export CSV…");
        csv.setId("alerts-export-csv");
        csv.setOnAction(e -> export(false));
        javafx.scene.control.MenuItem json = new javafx.scene.control.MenuItem("Export JSON…");
        json.setId("alerts-export-json");
        json.setOnAction(e -> export(true));
        javafx.scene.control.MenuButton exportMenu = new javafx.scene.control.MenuButton("Export", null, csv, json);
        exportMenu.setId("alerts-export");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox head = new HBox(10, title, filterBox, spacer, severityFilter, stateFilter, sourceFilter, exportMenu);
        for (Node n : head.getChildren()) {
            if (n instanceof Region r && n != spacer) {
                r.setMinWidth(Region.USE_PREF_SIZE);
            }
        }
        head.setAlignment(Pos.CENTER_LEFT);

        buildTable();
        detailBox = detailPane();
        ScrollPane detailScroll = new ScrollPane(detailBox);
        detailScroll.setFitToWidth(true);
        detailScroll.getStyleClass().add("view-scroll");
        // The list above the detail: at 1280 px the table gets the full width, so no column is cut.
        SplitPane split = new SplitPane(table, detailScroll);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.42);
        VBox.setVgrow(split, Priority.ALWAYS);
        message.setId("alerts-message");
        message.getStyleClass().add(Styles.MUTED);
        root.getChildren().addAll(head, split, message);
    }

    private void buildTable() {
        table.setId("alerts-table");
        TableColumn<AlertRow, String> sev = Tables.fitted("Severity", r -> r.alert.severity().name().toLowerCase(Locale.ROOT));
        sev.setCellFactory(c -> new SeverityChipCell<>());
        SeverityChipCell.measure(sev);
        table.getColumns().add(sev);
        table.getColumns().add(Tables.fitted("State", r -> AlertsViewModel.stateText(r.alert, model.now())));
        table.getColumns().add(Tables.fitted("Rule", r -> r.alert.ruleId()));
        table.getColumns().add(Tables.fitted("Value", r -> valueText(r.alert)));
        table.getColumns().add(Tables.fitted("Since", r -> Durations.moment(r.alert.since(), model.now(), ZoneId.systemDefault())));
        table.getColumns().add(Tables.flex("Subject", 160, r -> r.alert.subject()));
        Tables.constrain(table);
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(AlertRow item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().removeAll(ROW_ACKNOWLEDGED, ROW_SILENCED, ROW_RESOLVED);
                if (!empty && item != null) {
                    String style = rowStyle(item.alert, model.now());
                    if (style != null) {
                        getStyleClass().add(style);
                    }
                }
            }
        });
        table.setPlaceholder(new Label("No alerts match. Rules raise alerts here."));
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (updatingRows) {
                return;
            }
            showDetail();
        });
    }

    /** The row style for an alert: silenced and acknowledged ones are muted, resolved ones more so. */
    static String rowStyle(Alert a, Instant now) {
        if (a.state() == io.vigil.alerts.AlertState.RESOLVED) {
            return ROW_RESOLVED;
        }
        if (a.silenced(now)) {
            return ROW_SILENCED;
        }
        return a.state() == io.vigil.alerts.AlertState.ACKNOWLEDGED ? ROW_ACKNOWLEDGED : null;
    }

    /** The alert's value in its metric's unit ("88 °C", "1.2 GiB/s"); "—" for no data. */
    static String valueText(Alert a) {
        return Unit.ofMetric(a.metric()).format(a.value());
    }

    /** A severity as a coloured chip (the colour comes from the stylesheet's severity variables). */
    public static final class SeverityChipCell<T> extends Tables.TextCell<T> {
        private final Label chip = new Label();

        /** The chip's font and padding as vigil.css draws it, for {@link Tables#fit}. */
        public static void measure(TableColumn<?, ?> column) {
            Tables.drawnAs(column, javafx.scene.text.Font.font("DejaVu Sans", javafx.scene.text.FontWeight.BOLD, 11), 18);
        }

        public SeverityChipCell() {
            chip.getStyleClass().add(SEVERITY_CHIP);
            chip.setMinWidth(Region.USE_PREF_SIZE);
        }

        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            setText(null);
            chip.getStyleClass().removeAll("severity-critical", "severity-warning", "severity-info");
            if (empty || item == null) {
                setGraphic(null);
                return;
            }
            chip.setText(item);
            chip.getStyleClass().add("severity-" + item);
            setGraphic(chip);
        }
    }

    /** Puts the keyboard focus in the filter box (Ctrl+F) and selects its text. */
    public void focusFilter() {
        textFilter.requestFocus();
        textFilter.selectAll();
    }

    /**
     * Esc (the shell's shortcut): closes the selected alert's detail by clearing the selection (the
     * pane goes back to "Select an alert"); false when none is selected, so Esc reaches the focused
     * control.
     */
    @Override
    public boolean closePane() {
        if (table.getSelectionModel().isEmpty()) {
            return false;
        }
        table.getSelectionModel().clearSelection(); // the selection listener clears the detail
        return true;
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
        events.setPrefHeight(120);
        note.setId("alert-note-text");
        note.setPromptText("note (for acknowledge, silence, annotate, resolve)");
        Button ack = button("Acknowledge", "alert-ack", () -> withSelected(a -> model.acknowledge(a.id(), note.getText())));
        Button annotate = button("Add note", "alert-annotate", () -> withSelected(a -> model.annotate(a.id(), note.getText())));
        Button resolve = button("Resolve", "alert-resolve", () -> withSelected(a -> model.resolve(a.id(), note.getText())));
        silenceFor.setId("alert-silence-for");
        silenceFor.setValue("1h");
        silenceUntil.setId("alert-silence-until");
        silenceUntil.setPromptText("until HH:mm");
        silenceUntil.setTooltip(new javafx.scene.control.Tooltip("HH:mm (the next such time) or yyyy-MM-dd HH:mm"));
        silenceUntil.setPrefColumnCount(9);
        silenceUntil.disableProperty().bind(silenceFor.valueProperty().isNotEqualTo("until…"));
        Button silence = button("Silence", "alert-silence", this::silence);
        runPlaybook.setId("alert-run-playbook");
        runPlaybook.setOnAction(e -> withSelected(model::runPlaybook));
        runPlaybook.setDisable(true);
        HBox actions = new HBox(8, ack, annotate, resolve, runPlaybook);
        silenceFor.setTooltip(new javafx.scene.control.Tooltip("Silence for how long (\"until…\": up to the time typed)"));
        HBox silenceRow = new HBox(8, silence, silenceFor, silenceUntil);
        silenceRow.setAlignment(Pos.CENTER_LEFT);
        // Chart and history on the left, what the alert is and what to do on the right: the pane sits
        // under the table, so it spends width rather than height.
        VBox left = new VBox(8, chart, new Label("History"), events);
        // What to do first, then what the alert is: the buttons stay in sight in a short window.
        VBox right = new VBox(8, note, actions, silenceRow, detailLabels, detailRunbook);
        HBox.setHgrow(left, Priority.ALWAYS);
        right.setPrefWidth(440);
        right.setMinWidth(Region.USE_PREF_SIZE);
        left.setMinWidth(260);
        HBox columns = new HBox(14, left, right);
        VBox box = new VBox(10, detailTitle, columns);
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

    /** Draws the detail pane's header from the selected alert's current snapshot and follows it. */
    private void showDetail() {
        Alert a = selected();
        model.follow(a);
        if (a != null && a.equals(shownHeader)) {
            return;
        }
        shownHeader = a;
        if (a == null) {
            detailTitle.setText("Select an alert");
            detailLabels.setText("");
            detailRunbook.setText("");
            runPlaybook.setDisable(true);
            events.getItems().clear();
            shownDetail = null;
            chart.setData(0, 1, List.of());
            return;
        }
        Instant now = model.now();
        ZoneId zone = ZoneId.systemDefault();
        detailTitle.setText(a.severity().name().toLowerCase(Locale.ROOT) + " · " + AlertsViewModel.stateText(a, now)
                + " · " + a.ruleId() + " · " + a.subject());
        Map<String, String> labels = new TreeMap<>(a.labels());
        List<String> parts = new ArrayList<>();
        labels.forEach((k, v) -> parts.add(k + "=" + v));
        detailLabels.setText("Labels: " + (parts.isEmpty() ? "none" : String.join("  ", parts))
                + "\nValue: " + valueText(a) + "   Since: " + Durations.moment(a.since(), now, zone)
                + (a.silencedUntil() != null && a.silenced(now)
                        ? "   Silenced until: " + Durations.moment(a.silencedUntil(), now, zone) : ""));
        detailRunbook.setText((a.runbook().isEmpty() ? "" : "Runbook: " + a.runbook() + "\n")
                + (a.playbook().isEmpty() ? "No playbook suggested." : "Suggested playbook: " + a.playbook()));
        runPlaybook.setDisable(a.playbook().isEmpty() || !a.state().open());
    }

    private void applyFilter() {
        String sev = severityFilter.getValue();
        AlertsViewModel.StateFilter state = AlertsViewModel.StateFilter.ofLabel(stateFilter.getValue());
        String source = sourceFilter.getValue();
        String query = textFilter.getText();
        Instant now = model.now();
        AlertRow selectedRow = table.getSelectionModel().getSelectedItem();
        List<AlertRow> shown = new ArrayList<>();
        java.util.Set<Long> present = new java.util.HashSet<>();
        for (Alert a : all) {
            present.add(a.id());
            // Every alert's row gets its latest snapshot, shown or not, so a selection follows the id.
            AlertRow row = rows.computeIfAbsent(a.id(), id -> new AlertRow(a));
            row.alert = a;
            if (!"all severities".equals(sev) && !a.severity().name().equalsIgnoreCase(sev)) {
                continue;
            }
            if (!state.admits(a, now)) {
                continue;
            }
            if (!"all sources".equals(source) && !a.source().equals(source)) {
                continue;
            }
            if (!AlertsViewModel.matchesText(a, query, now)) {
                continue;
            }
            shown.add(row);
        }
        rows.keySet().retainAll(present);
        if (shown.equals(table.getItems())) {
            table.refresh();
            Tables.fit(table);
        } else {
            updatingRows = true;
            try {
                table.getItems().setAll(shown);
                Tables.fit(table);
                if (selectedRow != null && shown.contains(selectedRow)) {
                    table.getSelectionModel().select(selectedRow);
                }
            } finally {
                updatingRows = false;
            }
        }
        showDetail();
    }

    /** For tests: the text filter box. */
    TextField textFilter() {
        return textFilter;
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
        } else {
            // Values did not move, but the detail still follows the selected alert (a recorded note, say).
            showDetail();
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
                events.getItems().add(Durations.moment(e.at(), model.now(), ZoneId.systemDefault()) + "  " + e.kind()
                        + (e.detail().isEmpty() ? "" : "  " + e.detail()));
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
     * Selects the alert {@code id} and scrolls to it, clearing the text filter and widening the
     * severity, state and source filters when they hide it. Returns false when the alert is not in the list (resolved and gone).
     * FX thread.
     */
    public boolean select(long id) {
        refresh();
        if (all.stream().noneMatch(a -> a.id() == id)) {
            return false;
        }
        AlertRow row = rows.get(id);
        if (row == null || !table.getItems().contains(row)) {
            textFilter.clear();
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
