package io.vigil.ui.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.vigil.rules.Backtest;
import io.vigil.rules.Condition;
import io.vigil.rules.DataBehaviour;
import io.vigil.rules.DetectorKind;
import io.vigil.rules.Reducer;
import io.vigil.rules.Rule;
import io.vigil.rules.RuleFile;
import io.vigil.rules.RuleFileException;
import io.vigil.rules.RuleProblem;
import io.vigil.rules.RuleStatus;
import io.vigil.text.Durations;
import io.vigil.text.Unit;
import io.vigil.ui.Styles;
import io.vigil.ui.Tables;
import io.vigil.ui.alerts.AlertsView;
import io.vigil.ui.View;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The Rules view: every rule with its state; a form and a YAML editor, both validated as the
 * analyst types; Backtest over the last 24 h or 7 d; Save writes {@code rules.yaml} and reloads.
 */
public final class RulesView implements View {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private final RulesViewModel model;
    private final VBox root = new VBox(12);
    private final Label fileBanner = new Label();
    private final TableView<Rule> table = new TableView<>();
    private final TextField filter = new TextField();
    private final TextField id = field("rule-id", "e.g. gpu-hot");
    private final TextField description = field("rule-description", "what it means, for the on-call");
    private final ComboBox<String> detector = combo("rule-detector",
            java.util.Arrays.stream(DetectorKind.values()).map(DetectorKind::key).toList());
    private final TextField metric = field("rule-metric", "gpu.utilization{gpu=\"*\"}");
    private final ComboBox<String> condition = combo("rule-condition",
            java.util.Arrays.stream(Condition.values()).map(Condition::symbol).toList());
    private final ComboBox<String> reducer = combo("rule-reducer",
            java.util.Arrays.stream(Reducer.values()).map(r -> r.name().toLowerCase(Locale.ROOT)).toList());
    private final TextField window = field("rule-window", "1m");
    private final TextField warning = field("rule-warning", "number");
    private final TextField critical = field("rule-critical", "number");
    private final TextField clear = field("rule-clear", "hysteresis");
    private final TextField forField = field("rule-for", "0");
    private final TextField keepFiring = field("rule-keep-firing", "0");
    private final ComboBox<String> noData = combo("rule-no-data",
            java.util.Arrays.stream(DataBehaviour.values()).map(b -> b.name().toLowerCase(Locale.ROOT)).toList());
    private final TextField playbook = field("rule-playbook", "playbook id");
    private final Label formStatus = new Label();
    private final TextArea yaml = new TextArea();
    private final Label yamlStatus = new Label();
    private final Label saveStatus = new Label();
    private final Label backtestSummary = new Label("Backtest replays the recorded history through the rule.");
    private final ListView<String> backtestResults = new ListView<>();
    /** The unit of the metric last backtested, for the peaks in the results. */
    private Unit backtestUnit = Unit.NONE;
    private String lastFormText = "";
    private String lastYamlText = "";
    private long shownSave;
    private long shownBacktest;
    private List<Rule> shownRules;
    private Map<String, RuleStatus> shownStatuses = Map.of();

    public RulesView(RulesViewModel model) {
        this.model = model;
        root.setId("rules-view");
        root.getStyleClass().add(Styles.VIEW);
        root.setPadding(new Insets(18));

        Label title = new Label("Rules");
        title.getStyleClass().add(Styles.VIEW_TITLE);
        Label path = new Label(model.filePath());
        path.getStyleClass().add(Styles.MUTED);
        filter.setId("rules-filter-text");
        filter.setPromptText("Filter rules (Ctrl+F)");
        filter.setTooltip(new javafx.scene.control.Tooltip("Words to find in the rule, what it watches, severity, state or playbook"));
        filter.setPrefColumnCount(20);
        filter.setMinWidth(Region.USE_PREF_SIZE);
        filter.textProperty().addListener((o, a, b) -> showRules());
        Button clearFilter = new Button("✕");
        clearFilter.setId("rules-filter-clear");
        clearFilter.getStyleClass().add("filter-clear");
        clearFilter.setTooltip(new javafx.scene.control.Tooltip("Clear the filter"));
        clearFilter.setOnAction(e -> filter.clear());
        clearFilter.disableProperty().bind(filter.textProperty().isEmpty());
        clearFilter.setMinWidth(Region.USE_PREF_SIZE);
        title.setMinWidth(Region.USE_PREF_SIZE);
        // The file's path may be long: it gives way first, and its tooltip keeps all of it.
        path.setTooltip(new javafx.scene.control.Tooltip(model.filePath()));
        path.setMinWidth(40);
        Region headSpacer = new Region();
        HBox.setHgrow(headSpacer, Priority.ALWAYS);
        HBox head = new HBox(12, title, path, headSpacer, filter, clearFilter);
        head.setAlignment(Pos.CENTER_LEFT);
        fileBanner.setId("rules-file-problems");
        fileBanner.getStyleClass().add(Styles.BANNER_WARNING);
        fileBanner.setWrapText(true);
        fileBanner.setMaxWidth(Double.MAX_VALUE);
        fileBanner.setVisible(false);
        fileBanner.setManaged(false);

        buildTable();
        TabPane editors = new TabPane(new Tab("Form", form()), new Tab("YAML", yamlEditor()));
        editors.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        editors.setId("rules-editors");
        VBox backtest = backtestPane();
        SplitPane lower = new SplitPane(editors, backtest);
        lower.setDividerPositions(0.62);
        SplitPane split = new SplitPane(table, lower);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.38);
        VBox.setVgrow(split, Priority.ALWAYS);
        root.getChildren().addAll(head, fileBanner, split);

        loadFileText();
        detector.setValue(DetectorKind.METRIC.key());
        condition.setValue(">");
        reducer.setValue("avg");
        noData.setValue("normal");
        window.setText("1m");
        forField.setText("0");
    }

    private static TextField field(String id, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        return f;
    }

    private static ComboBox<String> combo(String id, List<String> items) {
        ComboBox<String> c = new ComboBox<>(FXCollections.observableArrayList(items));
        c.setId(id);
        c.setMaxWidth(Double.MAX_VALUE);
        return c;
    }

    private void buildTable() {
        table.setId("rules-table");
        table.getColumns().add(Tables.fitted("On", r -> r.enabled() ? "yes" : "no"));
        TableColumn<Rule, String> sev = Tables.fitted("Severity", r -> r.topSeverity().name().toLowerCase(Locale.ROOT));
        sev.setCellFactory(c -> new AlertsView.SeverityChipCell<>());
        AlertsView.SeverityChipCell.measure(sev);
        table.getColumns().add(sev);
        table.getColumns().add(Tables.fitted("State", this::stateText));
        table.getColumns().add(Tables.fitted("Rule", Rule::id));
        table.getColumns().add(Tables.fitted("Last fired", r -> {
            RuleStatus s = shownStatuses.get(r.id());
            return s == null || s.lastFired() == null ? "never"
                    : Durations.moment(s.lastFired(), model.now(), ZoneId.systemDefault());
        }));
        table.getColumns().add(Tables.flex("Watches", 220, RulesView::watches));
        Tables.constrain(table);
        table.setPlaceholder(new Label("No rules. Add one with the form below, or edit rules.yaml."));
        table.getSelectionModel().selectedItemProperty().addListener((o, a, r) -> {
            if (r != null) {
                load(r);
            }
        });
    }

    private String stateText(Rule r) {
        RuleStatus s = shownStatuses.get(r.id());
        return s == null ? (r.enabled() ? "not evaluated" : "disabled") : s.state();
    }

    /** What a rule watches and when it fires, thresholds in the metric's unit ("… > warn 50 MiB/s for 2 min"). */
    static String watches(Rule r) {
        return r.detector() == DetectorKind.METRIC
                ? r.selector() + " " + r.condition().symbol() + " " + thresholds(r)
                : r.detector().key() + (r.selector() != null ? " " + r.selector() : "") + " " + thresholds(r);
    }

    /** Puts the keyboard focus in the filter box (Ctrl+F) and selects its text. */
    public void focusFilter() {
        filter.requestFocus();
        filter.selectAll();
    }

    /** Whether {@code r} matches every word of the filter in its id, description, watches, severity, state or labels. */
    boolean matches(Rule r, String query) {
        if (query == null || query.isBlank()) {
            return true;
        }
        String hay = (r.id() + "\n" + r.description() + "\n" + watches(r) + "\n" + r.topSeverity() + "\n"
                + stateText(r) + "\n" + r.playbook() + "\n" + r.labels()).toLowerCase(Locale.ROOT);
        for (String word : query.trim().toLowerCase(Locale.ROOT).split("\\s+")) {
            if (!hay.contains(word)) {
                return false;
            }
        }
        return true;
    }

    /** Fills the table with the rules in force that pass the filter, keeping the selection. */
    private void showRules() {
        List<Rule> rules = shownRules == null ? List.of() : shownRules;
        String query = filter.getText();
        List<Rule> shown = rules.stream().filter(r -> matches(r, query)).toList();
        if (shown.equals(table.getItems())) {
            table.refresh();
            Tables.fit(table);
            return;
        }
        Rule selected = table.getSelectionModel().getSelectedItem();
        table.getItems().setAll(shown);
        Tables.fit(table);
        if (selected != null) {
            shown.stream().filter(r -> r.id().equals(selected.id())).findFirst()
                    .ifPresent(r -> table.getSelectionModel().select(r));
        }
    }

    /** A number as the form's text fields hold it (raw, so it parses back exactly). */
    private static String num(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String thresholds(Rule r) {
        Unit unit = r.selector() == null ? Unit.NONE : Unit.ofMetric(r.selector().namePattern());
        List<String> parts = new java.util.ArrayList<>();
        r.warning().ifPresent(w -> parts.add("warn " + unit.format(w)));
        r.critical().ifPresent(c -> parts.add("crit " + unit.format(c)));
        if (!r.forDuration().isZero()) {
            parts.add("for " + Durations.compact(r.forDuration()));
        }
        return String.join(" ", parts);
    }

    private Node form() {
        GridPane g = new GridPane();
        g.setHgap(8);
        g.setVgap(6);
        g.setPadding(new Insets(10));
        int row = 0;
        g.addRow(row++, new Label("Id"), id, new Label("Detector"), detector);
        g.addRow(row++, new Label("Description"), description, new Label("Metric"), metric);
        g.addRow(row++, new Label("Condition"), condition, new Label("Reducer"), reducer);
        g.addRow(row++, new Label("Window"), window, new Label("For"), forField);
        g.addRow(row++, new Label("Warning"), warning, new Label("Critical"), critical);
        g.addRow(row++, new Label("Clear below"), clear, new Label("Keep firing for"), keepFiring);
        g.addRow(row++, new Label("No data"), noData, new Label("Playbook"), playbook);
        Button newRule = new Button("New rule");
        newRule.setId("rule-new");
        newRule.setOnAction(e -> {
            table.getSelectionModel().clearSelection();
            for (TextField f : List.of(id, description, metric, warning, critical, clear, keepFiring, playbook)) {
                f.clear();
            }
            window.setText("1m");
            forField.setText("0");
        });
        Button save = new Button("Save rule");
        save.setId("rule-save");
        save.getStyleClass().add("accent");
        save.setOnAction(e -> saveFormRule());
        formStatus.setId("rule-form-status");
        formStatus.setWrapText(true);
        HBox buttons = new HBox(8, newRule, save);
        g.add(buttons, 1, row++, 3, 1);
        g.add(formStatus, 0, row, 4, 1);
        for (Node n : g.getChildren()) {
            if (n instanceof TextField || n instanceof ComboBox) {
                GridPane.setHgrow(n, Priority.ALWAYS);
            }
        }
        return g;
    }

    private Node yamlEditor() {
        yaml.setId("rules-yaml");
        yaml.getStyleClass().add("code");
        VBox.setVgrow(yaml, Priority.ALWAYS);
        Button save = new Button("Save rules.yaml");
        save.setId("rules-save");
        save.setOnAction(e -> model.save(yaml.getText()));
        Button revert = new Button("Revert");
        revert.setId("rules-revert");
        revert.setOnAction(e -> loadFileText());
        yamlStatus.setId("rules-yaml-status");
        yamlStatus.setWrapText(true);
        saveStatus.setId("rules-save-status");
        saveStatus.setWrapText(true);
        VBox box = new VBox(6, yaml, new HBox(8, save, revert), yamlStatus, saveStatus);
        box.setPadding(new Insets(8));
        return box;
    }

    /** The file's text into the YAML editor, read off the FX thread. */
    private void loadFileText() {
        model.fileText().thenAccept(text -> javafx.application.Platform.runLater(() -> yaml.setText(text)));
    }

    private VBox backtestPane() {
        Label title = new Label("Backtest");
        title.getStyleClass().add("section-title");
        Button day = new Button("Last 24 h");
        day.setId("backtest-24h");
        day.setOnAction(e -> backtest(Duration.ofHours(24)));
        Button week = new Button("Last 7 d");
        week.setId("backtest-7d");
        week.setOnAction(e -> backtest(Duration.ofDays(7)));
        backtestSummary.setId("backtest-summary");
        backtestSummary.setWrapText(true);
        backtestResults.setId("backtest-results");
        backtestResults.setPlaceholder(new Label("No firings to show."));
        VBox.setVgrow(backtestResults, Priority.ALWAYS);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        VBox box = new VBox(8, new HBox(8, title, spacer, day, week), backtestSummary, backtestResults);
        box.setPadding(new Insets(8));
        return box;
    }

    private void backtest(Duration range) {
        try {
            Rule rule = model.parseRule(formText());
            backtestUnit = rule.selector() == null ? Unit.NONE : Unit.ofMetric(rule.selector().namePattern());
            model.backtest(rule, range);
        } catch (RuleFileException ex) {
            backtestSummary.setText("Fix the rule first: " + firstProblem(ex.problems()));
        }
    }

    private void load(Rule r) {
        id.setText(r.id());
        description.setText(r.description());
        detector.setValue(r.detector().key());
        metric.setText(r.selector() == null ? "" : r.selector().toString());
        condition.setValue(r.condition().symbol());
        reducer.setValue(r.reducer().name().toLowerCase(Locale.ROOT));
        window.setText(RuleFile.formatDuration(r.window()));
        warning.setText(r.warning().isPresent() ? num(r.warning().getAsDouble()) : "");
        critical.setText(r.critical().isPresent() ? num(r.critical().getAsDouble()) : "");
        clear.setText(r.clear().isPresent() ? num(r.clear().getAsDouble()) : "");
        forField.setText(RuleFile.formatDuration(r.forDuration()));
        keepFiring.setText(RuleFile.formatDuration(r.keepFiringFor()));
        noData.setValue(r.noData().name().toLowerCase(Locale.ROOT));
        playbook.setText(r.playbook());
    }

    /** The form as one rule, as the mapping the rules file would hold. */
    private ObjectNode formNode() {
        ObjectNode n = YAML.createObjectNode();
        put(n, "id", id.getText());
        put(n, "description", description.getText());
        if (!DetectorKind.METRIC.key().equals(detector.getValue())) {
            put(n, "detector", detector.getValue());
        }
        put(n, "metric", metric.getText());
        put(n, "condition", condition.getValue());
        put(n, "reducer", reducer.getValue());
        put(n, "window", window.getText());
        number(n, "warning", warning.getText());
        number(n, "critical", critical.getText());
        number(n, "clear", clear.getText());
        put(n, "for", forField.getText());
        put(n, "keep_firing_for", keepFiring.getText());
        put(n, "no_data", noData.getValue());
        put(n, "playbook", playbook.getText());
        return n;
    }

    private static void put(ObjectNode n, String key, String value) {
        if (value != null && !value.isBlank()) {
            n.put(key, value.trim());
        }
    }

    private static void number(ObjectNode n, String key, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        try {
            n.put(key, Double.parseDouble(value.trim()));
        } catch (NumberFormatException e) {
            // Leave it as text: the rule parser then says which field wants a number.
            n.put(key, value.trim());
        }
    }

    private String formText() {
        ObjectNode doc = YAML.createObjectNode();
        doc.putArray("rules").add(formNode());
        try {
            return YAML.writeValueAsString(doc);
        } catch (IOException e) {
            return "";
        }
    }

    private void saveFormRule() {
        Rule rule;
        try {
            rule = model.parseRule(formText());
        } catch (RuleFileException e) {
            formStatus.setText("✗ " + firstProblem(e.problems()));
            return;
        }
        String text = yaml.getText();
        String merged = model.rules().stream().anyMatch(r -> r.id().equals(rule.id())) || !model.check(text).isEmpty()
                ? replaceInTree(text, rule.id()) : appendBlock(text);
        if (merged == null) {
            formStatus.setText("✗ the YAML editor holds an unreadable file; fix or revert it first");
            return;
        }
        yaml.setText(merged);
        model.save(merged);
    }

    /** Appends the form's rule as a text block, keeping the file's comments. */
    private String appendBlock(String text) {
        try {
            String block = YAML.writeValueAsString(formNode());
            StringBuilder sb = new StringBuilder(text.endsWith("\n") ? text : text + "\n");
            sb.append('\n');
            boolean first = true;
            for (String line : block.split("\n")) {
                sb.append(first ? "  - " : "    ").append(line).append('\n');
                first = false;
            }
            String out = sb.toString();
            return model.check(out).isEmpty() ? out : replaceInTree(text, formNode().path("id").asText());
        } catch (IOException e) {
            return null;
        }
    }

    /** Replaces (or adds) the rule in the parsed tree and prints it again; comments are lost. */
    private String replaceInTree(String text, String ruleId) {
        try {
            JsonNode tree = YAML.readTree(text);
            ObjectNode doc = tree instanceof ObjectNode o ? o : YAML.createObjectNode();
            ArrayNode rules = doc.get("rules") instanceof ArrayNode a ? a : doc.putArray("rules");
            boolean replaced = false;
            for (int i = 0; i < rules.size(); i++) {
                if (ruleId.equals(rules.get(i).path("id").asText())) {
                    rules.set(i, formNode());
                    replaced = true;
                }
            }
            if (!replaced) {
                rules.add(formNode());
            }
            return YAML.writeValueAsString(doc);
        } catch (IOException e) {
            return null;
        }
    }

    private static String firstProblem(List<RuleProblem> problems) {
        if (problems.isEmpty()) {
            return "";
        }
        RuleProblem p = problems.getFirst();
        String where = p.line() > 0 ? "line " + p.line() + ":" + p.column() + ": " : "";
        return where + p.message() + (problems.size() > 1 ? " (+" + (problems.size() - 1) + " more)" : "");
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public void refresh() {
        List<Rule> rules = model.rules();
        Map<String, RuleStatus> statuses = model.statuses();
        if (rules != shownRules || !statuses.equals(shownStatuses)) {
            shownStatuses = statuses;
            shownRules = rules;
            showRules();
        }
        List<RuleProblem> problems = model.fileProblems();
        boolean bad = !problems.isEmpty();
        fileBanner.setVisible(bad);
        fileBanner.setManaged(bad);
        if (bad) {
            fileBanner.setText(model.brokenFileHeadline() + "\n"
                    + problems.stream().map(RuleProblem::toString).limit(5).collect(Collectors.joining("\n")));
        }
        String form = formText();
        if (!form.equals(lastFormText)) {
            lastFormText = form;
            try {
                Rule r = model.parseRule(form);
                status(formStatus, "✓ valid: " + r.id() + " (" + r.topSeverity().name().toLowerCase(Locale.ROOT)
                        + ")", true);
            } catch (RuleFileException e) {
                status(formStatus, "✗ " + firstProblem(e.problems()), false);
            }
        }
        String text = yaml.getText();
        if (!text.equals(lastYamlText)) {
            lastYamlText = text;
            List<RuleProblem> p = model.check(text);
            status(yamlStatus, p.isEmpty() ? "✓ valid YAML rules" : "✗ " + firstProblem(p), p.isEmpty());
        }
        RulesViewModel.Outcome save = model.saveOutcome();
        if (save.serial() != shownSave) {
            shownSave = save.serial();
            status(saveStatus, save.message(), save.ok());
            status(formStatus, save.message(), save.ok());
        }
        RulesViewModel.Outcome bt = model.backtestOutcome();
        if (bt.serial() != shownBacktest) {
            shownBacktest = bt.serial();
            status(backtestSummary, bt.message(), bt.ok());
            backtestResults.getItems().clear();
            if (bt.backtest() != null) {
                for (Backtest.Firing f : bt.backtest().firings()) {
                    Instant now = model.now();
                    ZoneId zone = ZoneId.systemDefault();
                    backtestResults.getItems().add(Durations.moment(f.start(), now, zone) + " → "
                            + (f.end() == null ? "still firing" : Durations.moment(f.end(), now, zone)) + "   "
                            + f.peakSeverity().name().toLowerCase(Locale.ROOT) + "   " + f.subject() + "   peak "
                            + backtestUnit.format(f.peakValue()));
                }
            }
        }
    }

    private static void status(Label l, String text, boolean ok) {
        l.setText(text);
        l.getStyleClass().removeAll("validation-ok", "validation-error");
        l.getStyleClass().add(ok ? "validation-ok" : "validation-error");
    }
}
