package io.vigil.ui.playbooks;

import io.vigil.playbook.AuditEntry;
import io.vigil.playbook.CaptureEvidenceAction;
import io.vigil.playbook.Durations;
import io.vigil.playbook.Parameter;
import io.vigil.playbook.ParameterBinder;
import io.vigil.playbook.Playbook;
import io.vigil.playbook.PlaybookCatalog;
import io.vigil.playbook.PlaybookService;
import io.vigil.playbook.RunPlan;
import io.vigil.playbook.Runner;
import io.vigil.playbook.RunResult;
import io.vigil.playbook.RunStatus;
import io.vigil.playbook.RunSummary;
import io.vigil.playbook.Step;
import io.vigil.playbook.StepResult;
import io.vigil.playbook.StepStatus;
import io.vigil.text.SafeText;
import io.vigil.ui.Styles;
import io.vigil.ui.View;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The Playbooks view: the playbooks (built-in and the analyst's own) with their parameters and
 * destructive steps; a run pane with parameters pre-filled from a context (an alert's labels, a GPU
 * process row), the exact command lines of a dry run, an explicit confirmation for destructive steps,
 * live output step by step, status, exit codes, durations, progress and cancel; the run history with
 * output; and audit-log verify and export. Nothing here blocks the FX thread: planning, running and
 * the audit log go through {@link PlaybooksViewModel}; output reaches the screen in {@link #refresh()}.
 */
public final class PlaybooksView implements View {

    private final PlaybooksViewModel model;
    private final VBox root = new VBox(10);
    private final ListView<Playbook> list = new ListView<>();
    private final Label problems = new Label();

    private static final String PICK = "Pick a playbook";
    private final Label title = new Label(PICK);
    private final Label description = new Label();
    private final Label source = new Label();
    private final Label contextHint = new Label();
    private final GridPane paramGrid = new GridPane();
    private final VBox stepsBox = new VBox(2);
    private final Map<String, TextField> fields = new LinkedHashMap<>();

    private final TextArea dryRun = new TextArea();
    private final CheckBox confirm = new CheckBox();
    private final Button dryRunButton = new Button("Dry run");
    private final Button runButton = new Button("Run");
    private final Button cancelButton = new Button("Cancel");
    private final ProgressBar progress = new ProgressBar(0);
    private final Label runStatus = new Label("Not started");
    private final VBox stepStatus = new VBox(2);
    private final TextArea output = new TextArea();

    private final ListView<RunSummary> history = new ListView<>();
    private final Label auditStatus = new Label();

    // --- a scenario replay simulates runs (ADR 0851) ---
    private final Label simulatedNote = new Label();

    // --- evidence-first override (ADR 0440): offered when a destructive run's capture failed ---
    private final Label overrideText = new Label();
    private final Button overrideButton = new Button("Kill anyway…");
    private final TextField overrideReason = new TextField();
    private final Button overrideRun = new Button("Run with the override");
    private final HBox overrideReasonRow = new HBox(8);
    private final VBox overrideBox = new VBox(6);

    // --- history freshness: runs started elsewhere (Alerts view, suggested dry runs, the CLI) ---
    /** How often the view asks the database whether another process wrote a run (while shown). */
    static final long HEAD_CHECK_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
    private final java.util.concurrent.atomic.AtomicBoolean historyDirty = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.function.LongSupplier nanoTime;
    private boolean historyLoading;
    private boolean headChecking;
    private long shownHead = -1;
    private long nextHeadCheck;
    private boolean restoringHistorySelection;

    private Map<String, String> context = Map.of();
    private Playbook selected;
    private RunPlan plan;
    private RunSession session;
    /** A run asked for and not yet started (planning afresh, opening its audit entry). */
    private boolean startPending;
    private int shownFinished;

    public PlaybooksView(PlaybookService service, Executor background, Path exportDir, Clock clock) {
        this(service, background, exportDir, clock, System::nanoTime);
    }

    /** @param nanoTime the real-time ticker of the history's periodic check (tests may drive it) */
    PlaybooksView(PlaybookService service, Executor background, Path exportDir, Clock clock,
                  java.util.function.LongSupplier nanoTime) {
        this.model = new PlaybooksViewModel(service, background, exportDir, clock);
        this.nanoTime = nanoTime;
        // Runs committed in this process (the Alerts view's, the suggested dry runs) mark the history stale.
        model.onAuditChange(() -> historyDirty.set(true));
        root.setId("playbooks-view");
        root.getStyleClass().add(Styles.VIEW);
        root.setPadding(new Insets(14, 18, 14, 18));

        Label heading = new Label("Playbooks");
        heading.getStyleClass().add(Styles.VIEW_TITLE);
        Button reload = new Button("Reload files");
        reload.setId("reload-playbooks");
        reload.setTooltip(new Tooltip("Reread " + service.ownDir()));
        reload.setOnAction(e -> model.reload().whenComplete((c, err) -> Platform.runLater(() -> showCatalog(c))));
        Button verify = new Button("Verify audit log");
        verify.setId("verify-audit-button");
        verify.setOnAction(e -> verifyAudit());
        Button export = new Button("Export audit log");
        export.setId("export-audit-button");
        export.setOnAction(e -> exportAudit());
        auditStatus.setId("audit-status");
        auditStatus.getStyleClass().add(Styles.MUTED);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox top = new HBox(10, heading, spacer, auditStatus, verify, export, reload);
        top.setAlignment(Pos.CENTER_LEFT);

        problems.setId("playbook-problems");
        problems.setWrapText(true);
        problems.getStyleClass().add(Styles.BANNER_WARNING);
        problems.setManaged(false);
        problems.setVisible(false);

        list.setId("playbook-list");
        list.getStyleClass().add("playbook-list");
        list.setCellFactory(v -> new PlaybookCell());
        list.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> select(b));
        list.setPrefWidth(290);
        history.setId("run-history");
        history.getStyleClass().add("playbook-list");
        history.setCellFactory(v -> new HistoryCell());
        history.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (!restoringHistorySelection) {
                showHistoryRun(b);
            }
        });
        Label historyTitle = new Label("Run history");
        historyTitle.getStyleClass().add("section-title");
        VBox left = new VBox(8, list, historyTitle, history);
        left.setMinWidth(300);
        VBox.setVgrow(list, Priority.ALWAYS);
        history.setPrefHeight(220);

        SplitPane split = new SplitPane(left, runPane());
        split.setDividerPositions(0.28);
        VBox.setVgrow(split, Priority.ALWAYS);
        root.getChildren().addAll(top, problems, split);
        showCatalog(model.catalog());
        loadHistory();
    }

    private Node runPane() {
        title.getStyleClass().add("playbook-title");
        title.setId("playbook-title");
        description.setWrapText(true);
        description.setMinHeight(Region.USE_PREF_SIZE);
        source.setMinHeight(Region.USE_PREF_SIZE);
        contextHint.setMinHeight(Region.USE_PREF_SIZE);
        confirm.setMinHeight(Region.USE_PREF_SIZE);
        source.getStyleClass().add(Styles.MUTED);
        source.setWrapText(true);
        contextHint.setId("playbook-context");
        contextHint.getStyleClass().add(Styles.MUTED);
        contextHint.setWrapText(true);
        paramGrid.setHgap(10);
        paramGrid.setVgap(6);

        dryRun.setId("dry-run-text");
        dryRun.setEditable(false);
        dryRun.setWrapText(true);
        dryRun.setPrefRowCount(5);
        dryRun.setMinHeight(Region.USE_PREF_SIZE);
        dryRun.getStyleClass().add("code");
        confirm.setId("confirm-destructive");
        confirm.setWrapText(true);
        confirm.getStyleClass().add("confirm-destructive");
        confirm.setManaged(false);
        confirm.setVisible(false);
        confirm.selectedProperty().addListener((o, a, b) -> updateButtons());

        dryRunButton.setId("dry-run-button");
        dryRunButton.setOnAction(e -> computePlan());
        runButton.setId("run-button");
        runButton.getStyleClass().add("accent");
        runButton.setOnAction(e -> startRun());
        cancelButton.setId("cancel-button");
        cancelButton.getStyleClass().add("danger");
        cancelButton.setOnAction(e -> {
            if (session != null) {
                session.cancel();
                runStatus.setText("Cancelling…");
            }
        });
        progress.setId("run-progress");
        progress.setPrefWidth(220);
        runStatus.setId("run-status");
        for (Button b : List.of(dryRunButton, runButton, cancelButton)) {
            b.setMinWidth(Region.USE_PREF_SIZE);
        }
        progress.setMinWidth(Region.USE_PREF_SIZE);
        HBox buttons = new HBox(10, dryRunButton, runButton, cancelButton, progress);
        buttons.setAlignment(Pos.CENTER_LEFT);
        runStatus.setWrapText(true);
        runStatus.setMinHeight(Region.USE_PREF_SIZE);

        stepStatus.setId("step-status");
        output.setId("run-output");
        output.setEditable(false);
        output.setWrapText(true);
        output.getStyleClass().add("code");
        output.setPrefRowCount(14);
        VBox.setVgrow(output, Priority.ALWAYS);

        simulatedNote.setId("simulated-note");
        simulatedNote.setWrapText(true);
        simulatedNote.setMinHeight(Region.USE_PREF_SIZE);
        simulatedNote.getStyleClass().add(Styles.BANNER_WARNING);
        simulatedNote.setText(Runner.SIMULATED + ": this console replays a scenario. Run shows what each step would "
                + "do on the scenario's host, with a plausible result; nothing runs on this machine. Simulated runs "
                + "are recorded in the demo's own audit log as SIMULATED.");
        boolean simulated = model.simulates();
        simulatedNote.setVisible(simulated);
        simulatedNote.setManaged(simulated);
        if (simulated) {
            runButton.setText("Run (simulated)");
        }
        overrideText.setId("override-text");
        overrideText.setWrapText(true);
        overrideText.setMinHeight(Region.USE_PREF_SIZE);
        overrideButton.setId("override-evidence-button");
        overrideButton.getStyleClass().add("danger");
        overrideButton.setOnAction(e -> {
            overrideReasonRow.setVisible(true);
            overrideReasonRow.setManaged(true);
            overrideReason.requestFocus();
        });
        overrideReason.setId("override-reason");
        overrideReason.setPromptText("why the kill cannot wait for evidence (audited)");
        HBox.setHgrow(overrideReason, Priority.ALWAYS);
        overrideRun.setId("override-run-button");
        overrideRun.getStyleClass().add("danger");
        overrideRun.setMinWidth(Region.USE_PREF_SIZE);
        overrideRun.disableProperty().bind(overrideReason.textProperty().map(String::isBlank));
        overrideRun.setOnAction(e -> startOverride(overrideReason.getText().strip()));
        overrideReasonRow.getChildren().addAll(overrideReason, overrideRun);
        overrideReasonRow.setAlignment(Pos.CENTER_LEFT);
        overrideBox.setId("override-box");
        overrideBox.getStyleClass().add(Styles.BANNER_WARNING);
        overrideBox.getChildren().addAll(overrideText, overrideButton, overrideReasonRow);
        hideOverride();

        Label paramsTitle = new Label("Parameters");
        paramsTitle.getStyleClass().add("section-title");
        Label stepsTitle = new Label("Steps");
        stepsTitle.getStyleClass().add("section-title");
        Label dryTitle = new Label("Command lines (dry run)");
        dryTitle.getStyleClass().add("section-title");
        Label outTitle = new Label("Output");
        outTitle.getStyleClass().add("section-title");
        VBox pane = new VBox(8, title, description, source, contextHint, simulatedNote, paramsTitle, paramGrid, stepsTitle,
                stepsBox, dryTitle, dryRun, confirm, buttons, runStatus, overrideBox, stepStatus, outTitle, output);
        pane.setPadding(new Insets(4, 4, 4, 12));
        ScrollPane scroll = new ScrollPane(pane);
        scroll.setFitToWidth(true);
        scroll.setFitToHeight(true);
        scroll.getStyleClass().add("view-scroll");
        updateButtons();
        return scroll;
    }

    @Override
    public Node node() {
        return root;
    }

    /**
     * Opens the run pane for {@code playbookId} with parameters pre-filled from {@code context}
     * (alert labels, a GPU process row: keys are parameter names) and shows its dry run. With a null
     * or unknown id the context is kept and the user picks a playbook from the list. FX thread only.
     */
    public void openRun(String playbookId, Map<String, String> context) {
        this.context = Map.copyOf(context);
        Playbook p = playbookId == null ? null : model.catalog().find(playbookId).orElse(null);
        if (p == null) {
            list.getSelectionModel().clearSelection();
            select(null);
            title.setText(playbookId == null ? PICK : "No playbook '" + playbookId + "': pick one");
            list.requestFocus();
        } else if (p.equals(list.getSelectionModel().getSelectedItem())) {
            select(p);
        } else {
            list.getSelectionModel().select(p);
            list.scrollTo(p);
        }
        contextHint.setText(this.context.isEmpty() ? "" : "Context: " + this.context);
    }

    /**
     * Esc (the shell's shortcut): closes the run pane back to "Pick a playbook": the selected
     * playbook with its parameters, dry run and last result, a history run's output, and the context
     * that "Run playbook…" brought go. A run in progress keeps its pane (Esc is not Cancel). Returns
     * whether there was a pane to close. FX thread.
     */
    @Override
    public boolean closePane() {
        boolean open = selected != null || !history.getSelectionModel().isEmpty() || !context.isEmpty()
                || !PICK.equals(title.getText()) || !output.getText().isEmpty();
        if (!open || running()) {
            return false;
        }
        context = Map.of();
        contextHint.setText("");
        history.getSelectionModel().clearSelection();
        list.getSelectionModel().clearSelection();
        select(null);
        return true;
    }

    private void showCatalog(PlaybookCatalog catalog) {
        if (catalog == null) {
            return;
        }
        String current = selected == null ? null : selected.id();
        list.getItems().setAll(catalog.all());
        boolean bad = !catalog.problems().isEmpty();
        problems.setText(String.join("\n", catalog.problems()));
        problems.setManaged(bad);
        problems.setVisible(bad);
        if (current != null) {
            catalog.find(current).ifPresent(p -> list.getSelectionModel().select(p));
        }
    }

    private void select(Playbook p) {
        if (session != null && session.result() == null) {
            return; // a run is going on: keep its pane
        }
        selected = p;
        plan = null;
        clearRunResult();
        fields.clear();
        paramGrid.getChildren().clear();
        stepsBox.getChildren().clear();
        dryRun.clear();
        confirm.setSelected(false);
        confirm.setVisible(false);
        confirm.setManaged(false);
        if (p == null) {
            title.setText(PICK);
            description.setText("");
            source.setText("");
            updateButtons();
            return;
        }
        title.setText(p.name());
        description.setText(p.description());
        source.setText((p.builtIn() ? "built-in" : p.source()) + " · sha256 " + p.sha256().substring(0, 16) + "… · "
                + (p.isAutoRunnable() ? "read-only (a rule may run it automatically)" : "has destructive steps"));
        int row = 0;
        for (Parameter param : p.parameters()) {
            Label name = new Label(param.name() + (param.required() ? "" : " (optional)"));
            name.setMinWidth(Region.USE_PREF_SIZE);
            TextField field = new TextField(context.getOrDefault(param.name(), param.defaultValue().orElse("")));
            field.setId("param-" + param.name());
            field.setPrefColumnCount(28);
            field.setPromptText(param.type().yamlName());
            field.textProperty().addListener((o, a, b) -> {
                plan = null;
                updateButtons();
            });
            Label help = new Label(param.description() + "  — " + ParameterBinder.describe(param));
            help.getStyleClass().add(Styles.MUTED);
            help.setWrapText(true);
            help.setMinHeight(Region.USE_PREF_SIZE);
            GridPane.setHgrow(help, Priority.ALWAYS);
            field.setMinWidth(Region.USE_PREF_SIZE);
            fields.put(param.name(), field);
            paramGrid.addRow(row++, name, field, help);
        }
        if (p.parameters().isEmpty()) {
            paramGrid.addRow(0, mutedLabel("This playbook takes no parameters."));
        }
        int i = 1;
        for (Step s : p.steps()) {
            Label l = new Label(i++ + ". " + s.name() + (s.destructive() ? "   DESTRUCTIVE" : "")
                    + (s.requires().isEmpty() ? "" : "   needs " + String.join(", ", s.requires())));
            if (s.destructive()) {
                l.getStyleClass().add("step-destructive");
            }
            stepsBox.getChildren().add(l);
        }
        computePlan();
    }

    /** A fresh run pane: no earlier run's output, status, step results or override offer. */
    private void clearRunResult() {
        output.clear();
        stepStatus.getChildren().clear();
        shownFinished = 0;
        progress.setProgress(0);
        runStatus.setText("Not started");
        runStatus.getStyleClass().removeAll("step-ok", "step-failed");
        hideOverride();
    }

    private void hideOverride() {
        overrideBox.setVisible(false);
        overrideBox.setManaged(false);
        overrideReasonRow.setVisible(false);
        overrideReasonRow.setManaged(false);
        overrideReason.clear();
    }

    private static Label mutedLabel(String text) {
        Label l = new Label(text);
        l.getStyleClass().add(Styles.MUTED);
        return l;
    }

    private Map<String, String> values() {
        Map<String, String> v = new LinkedHashMap<>();
        fields.forEach((k, f) -> {
            if (!f.getText().isBlank()) {
                v.put(k, f.getText().strip());
            }
        });
        return v;
    }

    private void computePlan() {
        Playbook p = selected;
        if (p == null) {
            return;
        }
        dryRun.setText("Planning…");
        model.plan(p, values(), Map.of()).whenComplete((pl, err) -> Platform.runLater(() -> {
            if (selected != p) {
                return;
            }
            if (err != null) {
                plan = null;
                dryRun.setText("Cannot run yet:\n" + cause(err));
            } else {
                plan = pl;
                List<String> text = new ArrayList<>(pl.commandLines());
                if (!pl.runnable()) {
                    text.add("");
                    text.add("Cannot run here (nothing will run):");
                    text.addAll(pl.blockers());
                }
                dryRun.setText(String.join("\n", text));
                long destructive = pl.steps().stream().filter(s -> s.step().destructive() && s.skipReason().isEmpty()).count();
                confirm.setText("I have checked the command lines above and want to run " + destructive
                        + " destructive step" + (destructive == 1 ? "" : "s"));
                confirm.setSelected(false);
                confirm.setVisible(pl.destructive());
                confirm.setManaged(pl.destructive());
            }
            updateButtons();
        }));
    }

    private static String cause(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return c.getMessage();
    }

    private boolean running() {
        return startPending || session != null && session.result() == null;
    }

    private void updateButtons() {
        boolean busy = running();
        dryRunButton.setDisable(selected == null || busy);
        // A simulation runs nothing here, so a tool missing on this machine does not stop it.
        runButton.setDisable(busy || plan == null || !plan.runnable() && !model.simulates()
                || plan.destructive() && !confirm.isSelected());
        cancelButton.setDisable(!busy);
        list.setDisable(busy);
    }

    private void startRun() {
        RunPlan pl = plan;
        if (pl == null) {
            return;
        }
        begin(model.start(pl, confirm.isSelected(), java.util.Optional.empty()));
    }

    /**
     * Runs the selected playbook again, planned afresh (a plan is one run), letting a failed evidence
     * capture pass with the analyst's reason, which the runner audits (ADR 0440). The destructive
     * steps were confirmed for the run whose capture failed; "Kill anyway" confirms them again.
     */
    private void startOverride(String reason) {
        Playbook p = selected;
        if (p == null || reason.isBlank() || running()) {
            return;
        }
        begin(model.plan(p, values(), Map.of()).thenCompose(pl -> model.start(pl, true, java.util.Optional.of(reason))));
    }

    private void begin(java.util.concurrent.CompletableFuture<RunSession> starting) {
        runButton.setDisable(true);
        startPending = true;
        clearRunResult();
        progress.setProgress(ProgressBar.INDETERMINATE_PROGRESS);
        runStatus.setText("Starting…");
        starting.whenComplete((s, err) -> Platform.runLater(() -> {
            startPending = false;
            if (err != null) {
                progress.setProgress(0);
                runStatus.setText("Not run: " + cause(err));
                updateButtons();
                return;
            }
            session = s;
            updateButtons();
        }));
    }

    /** Copies the run's buffered output and progress into the controls (FX thread, UI cadence). */
    @Override
    public void refresh() {
        refreshHistoryIfStale();
        RunSession s = session;
        if (s == null) {
            return;
        }
        String text = s.drain();
        if (!text.isEmpty()) {
            output.appendText(text);
        }
        List<StepResult> done = s.finishedSteps();
        for (int i = shownFinished; i < done.size(); i++) {
            StepResult r = done.get(i);
            Label l = new Label(RunText.step(r));
            l.setWrapText(true);
            l.setMinHeight(Region.USE_PREF_SIZE);
            l.setId("step-status-" + r.index());
            l.getStyleClass().add(r.status() == StepStatus.SUCCEEDED ? "step-ok"
                    : r.status() == StepStatus.SKIPPED ? Styles.MUTED : "step-failed");
            stepStatus.getChildren().add(l);
        }
        shownFinished = done.size();
        int total = s.plan.steps().size();
        RunResult result = s.result();
        if (result == null) {
            int cur = Math.max(0, s.currentStep());
            progress.setProgress(Math.max(0.02, (double) done.size() / total));
            runStatus.setText("Step " + (cur + 1) + "/" + total + " running: " + s.plan.steps().get(cur).step().name());
        } else if (!s.hasPending()) {
            progress.setProgress(result.status() == RunStatus.SUCCEEDED ? 1 : (double) done.size() / total);
            runStatus.setText(result.status() + " in " + Durations.human(result.duration()) + ": " + result.message());
            runStatus.getStyleClass().removeAll("step-ok", "step-failed");
            runStatus.getStyleClass().add(result.status() == RunStatus.SUCCEEDED
                    || result.status() == RunStatus.SIMULATED ? "step-ok" : "step-failed");
            offerOverrideIfEvidenceFailed(s, result);
            session = null;
            lastFinished = result;
            // A plan is one run (its id names the evidence folder and the audit entries): plan afresh.
            plan = null;
            computePlan();
            loadHistory();
        }
    }

    private RunResult lastFinished;

    /** The last run that ended in this view, for the lead's and tests' checks. */
    public RunResult lastFinishedRun() {
        return lastFinished;
    }

    /**
     * When a destructive run stopped because its evidence capture failed (nothing destructive ran),
     * says so and offers the audited override; not after a run that already overrode it.
     */
    private void offerOverrideIfEvidenceFailed(RunSession s, RunResult result) {
        if (s.evidenceOverridden || result.status() != RunStatus.FAILED || !s.plan.destructive()) {
            return;
        }
        result.steps().stream()
                .filter(r -> r.status() == StepStatus.FAILED || r.status() == StepStatus.TIMED_OUT)
                .filter(r -> r.index() < s.plan.steps().size() && s.plan.steps().get(r.index()).step()
                        instanceof io.vigil.playbook.BuiltInStep b && b.action().equals(CaptureEvidenceAction.NAME))
                .findFirst().ifPresent(r -> {
                    boolean kills = s.plan.steps().stream().anyMatch(ps -> ps.step().destructive()
                            && "KILL".equalsIgnoreCase(ps.args().getOrDefault("signal", "")));
                    overrideButton.setText(kills ? "Kill anyway…" : "Run anyway…");
                    overrideText.setText("The evidence capture (step " + (r.index() + 1) + ") failed: "
                            + SafeText.of(r.message()) + ". Nothing destructive was run. You may override "
                            + "evidence-first with a reason; the reason is written to the audit log.");
                    overrideBox.setVisible(true);
                    overrideBox.setManaged(true);
                });
    }

    /**
     * Reloads the history when this process committed an audit entry since the last load (the
     * Alerts view's runs, suggested dry runs), and every {@link #HEAD_CHECK_NANOS} asks the database
     * for its newest entry, which catches runs another process wrote (the command line). Both reads
     * run off the FX thread; at most one of each is in flight.
     */
    private void refreshHistoryIfStale() {
        if (historyDirty.getAndSet(false)) {
            loadHistory();
            return;
        }
        long now = nanoTime.getAsLong();
        if (headChecking || historyLoading || now - nextHeadCheck < 0) {
            return;
        }
        nextHeadCheck = now + HEAD_CHECK_NANOS;
        headChecking = true;
        model.auditHead().whenComplete((head, err) -> Platform.runLater(() -> {
            headChecking = false;
            if (err == null && head != shownHead) {
                loadHistory();
            }
        }));
    }

    private void loadHistory() {
        if (historyLoading) {
            historyDirty.set(true); // load again once this one is shown
            return;
        }
        historyLoading = true;
        model.history().whenComplete((h, err) -> Platform.runLater(() -> {
            historyLoading = false;
            if (err == null) {
                shownHead = h.head();
                RunSummary was = history.getSelectionModel().getSelectedItem();
                restoringHistorySelection = true;
                try {
                    history.getItems().setAll(h.runs());
                    if (was != null) {
                        h.runs().stream().filter(r -> r.runId().equals(was.runId())).findFirst()
                                .ifPresent(r -> history.getSelectionModel().select(r));
                    }
                } finally {
                    restoringHistorySelection = false;
                }
            } else {
                auditStatus.setText("History unavailable: " + cause(err));
            }
        }));
    }

    private void showHistoryRun(RunSummary run) {
        if (run == null || running()) {
            return;
        }
        model.runEntries(run.runId()).whenComplete((entries, err) -> Platform.runLater(() -> {
            if (history.getSelectionModel().getSelectedItem() != run) {
                return; // another run was picked, or the pane was closed (Esc), meanwhile
            }
            if (err != null) {
                output.setText("Cannot read the run: " + cause(err));
                return;
            }
            StringBuilder sb = new StringBuilder();
            for (AuditEntry e : entries) {
                switch (e.kind()) {
                    case "run_started" -> sb.append("Run ").append(e.runId()).append(" of ").append(e.playbookId())
                            .append(" by ").append(e.user()).append('@').append(e.host()).append(" at ").append(e.time())
                            .append("\nparameters ").append(SafeText.of(e.parametersJson())).append('\n');
                    case "step_finished" -> sb.append("── step ").append(e.stepIndex() + 1).append(": ").append(e.stepName())
                            .append("  ").append(e.status()).append(e.exitCode() == null ? "" : ", exit " + e.exitCode())
                            .append(", ").append(e.durationMs()).append(" ms\n$ ").append(SafeText.of(e.argvJson()))
                            .append('\n').append(RunText.storedOutput(e.output()));
                    default -> sb.append("Run ended ").append(e.status()).append(": ").append(SafeText.of(e.message()))
                            .append('\n');
                }
            }
            if (entries.stream().noneMatch(e -> e.kind().equals("run_finished"))) {
                sb.append("(no end recorded: Vigil stopped during this run)\n");
            }
            output.setText(sb.toString());
            runStatus.setText("History: run " + run.runId() + " " + run.status());
        }));
    }

    private void verifyAudit() {
        auditStatus.setText("Verifying…");
        model.verify().whenComplete((v, err) -> Platform.runLater(() -> {
            auditStatus.getStyleClass().removeAll("step-ok", "step-failed");
            if (err != null) {
                auditStatus.setText("Cannot verify: " + cause(err));
                auditStatus.getStyleClass().add("step-failed");
            } else {
                auditStatus.setText(v.valid() ? "Audit log OK: " + v.entries() + " entries, chain intact"
                        : "Audit log BROKEN: " + v.message());
                auditStatus.getStyleClass().add(v.valid() ? "step-ok" : "step-failed");
                // What was checked and what the anchors prove, in full on hover.
                auditStatus.setTooltip(new javafx.scene.control.Tooltip(String.join("\n", v.report())
                        + "\nhead hash: " + v.headHash()));
            }
        }));
    }

    private void exportAudit() {
        auditStatus.setText("Exporting…");
        model.export().whenComplete((file, err) -> Platform.runLater(() ->
                auditStatus.setText(err != null ? "Export failed: " + cause(err) : "Exported to " + file)));
    }

    private static final class PlaybookCell extends ListCell<Playbook> {
        @Override
        protected void updateItem(Playbook p, boolean empty) {
            super.updateItem(p, empty);
            if (empty || p == null) {
                setGraphic(null);
                setText(null);
                return;
            }
            Label name = new Label(p.name());
            name.getStyleClass().add("playbook-name");
            Label badge = new Label(p.hasDestructiveSteps() ? "destructive" : "read-only");
            badge.getStyleClass().addAll("playbook-badge", p.hasDestructiveSteps() ? "badge-destructive" : "badge-readonly");
            Label origin = new Label(p.builtIn() ? "built-in" : "own");
            origin.getStyleClass().addAll("playbook-badge", "badge-origin");
            Label id = new Label(plural(p.steps().size(), "step"));
            id.getStyleClass().add(Styles.MUTED);
            HBox line = new HBox(6, badge, origin, id);
            line.setAlignment(Pos.CENTER_LEFT);
            setText(null);
            setTooltip(new Tooltip(p.id()));
            setGraphic(new VBox(3, name, line));
        }
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    private static final class HistoryCell extends ListCell<RunSummary> {
        @Override
        protected void updateItem(RunSummary r, boolean empty) {
            super.updateItem(r, empty);
            if (empty || r == null) {
                setText(null);
                return;
            }
            setText(r.started().replace('T', ' ').replaceAll("\\.\\d+Z$", "Z") + "  " + r.playbookId() + "  " + r.status()
                    + "  (" + r.steps() + " steps, " + r.user() + ")");
        }
    }
}
