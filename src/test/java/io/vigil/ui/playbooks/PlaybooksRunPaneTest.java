package io.vigil.ui.playbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.host.HostSnapshot;
import io.vigil.playbook.ActionRegistry;
import io.vigil.playbook.AuditEntry;
import io.vigil.playbook.AuditLog;
import io.vigil.playbook.CaptureEvidenceAction;
import io.vigil.playbook.CollectAction;
import io.vigil.playbook.ParameterBinder;
import io.vigil.playbook.PlaybookFile;
import io.vigil.playbook.PlaybookService;
import io.vigil.playbook.RunListener;
import io.vigil.playbook.RunPlan;
import io.vigil.playbook.RunStatus;
import io.vigil.playbook.RunSummary;
import io.vigil.playbook.Runner;
import io.vigil.playbook.SignalProcessAction;
import io.vigil.playbook.StepSimulator;
import io.vigil.playbook.ToolPath;
import io.vigil.rules.Signatures;
import io.vigil.scenario.Scenario;
import io.vigil.scenario.ScenarioFile;
import io.vigil.scenario.ScenarioStepSimulator;
import io.vigil.store.Database;
import io.vigil.telemetry.ManualClock;
import io.vigil.text.Redactor;
import io.vigil.ui.Styles;
import io.vigil.ui.shell.ShellFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Playbooks view over a real runner and audit log: the history shows runs started elsewhere (the
 * runner outside the view, a suggested dry run, another process writing the database), the run
 * pane opens clean, a scenario replay simulates runs with labelled output, and a failed evidence
 * capture offers the audited override that kills a real process.
 */
class PlaybooksRunPaneTest {

    @TempDir
    Path dir;

    private final FxRobot robot = new FxRobot();
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final AtomicLong nanos = new AtomicLong(1);
    private PlaybooksView view;
    private PlaybookService service;

    @AfterEach
    void stop() throws Exception {
        FxToolkit.cleanupStages();
        background.shutdownNow();
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    /** A real runner over a database in {@code dir}; dry-run-only (and simulating) when {@code dryRunOnly} is set. */
    private PlaybookService service(Path evidenceRoot, String dryRunOnly, StepSimulator simulator, Clock clock)
            throws Exception {
        Database db = Database.open(dir.resolve("vigil.db"));
        closing.add(db::close);
        AuditLog audit = new AuditLog(db, clock);
        ActionRegistry actions = new ActionRegistry().register(new SignalProcessAction())
                .register(new CollectAction(() -> HostSnapshot.EMPTY, Signatures.builtIn()))
                .register(new CaptureEvidenceAction(Path.of("/proc")));
        Runner runner = new Runner(actions, new ParameterBinder(List.of(dir)), audit, new Redactor(), clock,
                new Runner.Options(new ToolPath(List.of(Path.of("/usr/bin"), Path.of("/bin"))), evidenceRoot, 64 * 1024,
                        Duration.ofSeconds(30), Duration.ofMillis(500)), "tester", "testhost", dryRunOnly, simulator);
        Path own = Files.createDirectories(dir.resolve("playbooks"));
        Files.writeString(own.resolve("hello.yaml"), """
                name: Hello
                description: Says hello.
                steps:
                  - name: greet
                    run: [echo, hello from the runner]
                """);
        Files.writeString(own.resolve("bye.yaml"), """
                name: Bye
                description: Says bye.
                steps:
                  - name: part
                    run: [echo, bye]
                """);
        return new PlaybookService(new PlaybookFile(), own, runner, audit, actions);
    }

    private void show(PlaybookService s) throws Exception {
        show(s, false);
    }

    /** @param inShell inside the real shell, whose keys (Esc) reach the view as in the console */
    private void show(PlaybookService s, boolean inShell) throws Exception {
        this.service = s;
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            view = new PlaybooksView(s, background, dir.resolve("exports"), Clock.systemUTC(), nanos::get);
            return inShell ? ShellFixture.around("playbooks", view) : (Parent) view.node();
        });
        FxToolkit.setupStage(stage -> {
            stage.getScene().getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
            stage.setX(0);
            stage.setY(0);
            stage.setWidth(960);
            stage.setHeight(900);
            stage.show();
        });
    }

    private <T extends javafx.scene.Node> T find(String id, Class<T> type) {
        return robot.lookup(id).queryAs(type);
    }

    /** Waits, calling the view's refresh as the UI ticker would, until {@code done} holds (bounded). */
    private void refreshUntil(java.util.concurrent.Callable<Boolean> done) throws Exception {
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> {
            robot.interact(view::refresh);
            return done.call();
        });
    }

    @SuppressWarnings("unchecked")
    private List<RunSummary> historyItems() {
        return List.copyOf(robot.lookup("#run-history").queryAs(ListView.class).getItems());
    }

    private void open(String id, Map<String, String> context) {
        robot.interact(() -> view.openRun(id, context));
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void waitForPlan() throws Exception {
        refreshUntil(() -> !find("#dry-run-text", TextArea.class).getText().startsWith("Planning"));
    }

    @Test
    void theHistoryShowsRunsStartedOutsideTheViewAndByAnotherProcess() throws Exception {
        show(service(dir.resolve("evidence"), null, null, Clock.systemUTC()));
        refreshUntil(() -> historyItems().isEmpty());

        // As the Alerts view's "Run playbook…" and the CLI do: through the runner, not this view.
        RunPlan plan = service.runner().plan(service.catalog().find("hello").orElseThrow(), Map.of(), Map.of());
        service.runner().start(plan, RunListener.NONE, false).result().get(30, TimeUnit.SECONDS);
        refreshUntil(() -> historyItems().stream().anyMatch(r -> r.runId().equals(plan.runId())
                && r.status() == RunStatus.SUCCEEDED));

        // A suggested dry run, recorded on a background thread when an alert fires.
        RunPlan suggested = service.runner().plan(service.catalog().find("bye").orElseThrow(), Map.of(), Map.of());
        service.runner().recordDryRun(suggested, "suggested by alert unexplained-gpu-load");
        refreshUntil(() -> historyItems().stream().anyMatch(r -> r.runId().equals(suggested.runId())
                && r.status() == RunStatus.DRY_RUN));

        // Another process (vigil playbook run): its own connection and audit log, so no in-process event.
        try (Database other = Database.open(dir.resolve("vigil.db"))) {
            AuditLog otherLog = new AuditLog(other, Clock.systemUTC());
            RunPlan cli = service.runner().plan(service.catalog().find("hello").orElseThrow(), Map.of(), Map.of());
            otherLog.dryRun(cli, "cli-user", "cli-host", "vigil playbook run --dry-run");
            robot.interact(view::refresh);
            WaitForAsyncUtils.waitForFxEvents();
            // The periodic check is due once its interval has passed on the view's ticker.
            nanos.addAndGet(PlaybooksView.HEAD_CHECK_NANOS + 1);
            refreshUntil(() -> historyItems().stream().anyMatch(r -> r.runId().equals(cli.runId())
                    && r.user().equals("cli-user")));
        }
        assertEquals(3, historyItems().size(), historyItems().toString());
    }

    @Test
    void theRunPaneOpensWithoutThePreviousRunsResultOrANotRunMessage() throws Exception {
        show(service(dir.resolve("evidence"), null, null, Clock.systemUTC()));
        open("hello", Map.of());
        waitForPlan();
        robot.clickOn("#run-button");
        refreshUntil(() -> find("#run-status", Label.class).getText().startsWith("SUCCEEDED"));
        assertTrue(find("#run-output", TextArea.class).getText().contains("hello from the runner"));

        // "Run playbook…" on the same playbook again (from an alert): a clean pane.
        open("hello", Map.of("pid", "4242"));
        assertEquals("Not started", find("#run-status", Label.class).getText());
        assertEquals("", find("#run-output", TextArea.class).getText());
        assertTrue(robot.lookup("#step-status").queryAs(javafx.scene.layout.VBox.class).getChildren().isEmpty());
    }

    @Test
    void escClosesTheRunPaneItsResultAndAHistoryRunButNotARunInProgress() throws Exception {
        Path own = Files.createDirectories(dir.resolve("playbooks"));
        Files.writeString(own.resolve("slow.yaml"), """
                name: Slow
                description: Takes its time.
                steps:
                  - name: wait
                    run: [sleep, "120"]
                """);
        show(service(dir.resolve("evidence"), null, null, Clock.systemUTC()), true);
        // Nothing open: Esc does nothing, the view stays.
        robot.push(KeyCode.ESCAPE);
        assertEquals("Pick a playbook", find("#playbook-title", Label.class).getText());
        assertTrue(robot.lookup("#playbooks-view").query().isVisible());

        // "Run playbook…" from an alert: the pane with the alert's context, run, its result.
        open("hello", Map.of("pid", "4242"));
        waitForPlan();
        assertEquals("Context: {pid=4242}", find("#playbook-context", Label.class).getText());
        robot.clickOn("#run-button");
        refreshUntil(() -> find("#run-status", Label.class).getText().startsWith("SUCCEEDED"));
        robot.push(KeyCode.ESCAPE);
        assertEquals("Pick a playbook", find("#playbook-title", Label.class).getText(), "Esc closed the run pane");
        assertEquals("", find("#run-output", TextArea.class).getText(), "and the result");
        assertEquals("Not started", find("#run-status", Label.class).getText());
        assertEquals("", find("#dry-run-text", TextArea.class).getText());
        assertEquals("", find("#playbook-context", Label.class).getText(), "and the alert's context");
        assertTrue(robot.lookup("#playbook-list").queryAs(ListView.class).getSelectionModel().isEmpty());
        // The plan the finished run asked for afresh does not reopen it.
        robot.interact(view::refresh);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("", find("#dry-run-text", TextArea.class).getText());

        // A run from the history: its output, closed by Esc.
        refreshUntil(() -> !historyItems().isEmpty());
        robot.interact(() -> robot.lookup("#run-history").queryAs(ListView.class).getSelectionModel().select(0));
        refreshUntil(() -> find("#run-output", TextArea.class).getText().contains("hello from the runner"));
        robot.push(KeyCode.ESCAPE);
        assertEquals("", find("#run-output", TextArea.class).getText());
        assertTrue(robot.lookup("#run-history").queryAs(ListView.class).getSelectionModel().isEmpty());

        // A run in progress keeps its pane: Esc is not Cancel.
        open("slow", Map.of());
        waitForPlan();
        robot.clickOn("#run-button");
        refreshUntil(() -> find("#run-status", Label.class).getText().startsWith("Step 1/1 running"));
        robot.push(KeyCode.ESCAPE);
        robot.interact(view::refresh);
        assertEquals("Slow", find("#playbook-title", Label.class).getText());
        assertEquals(Optional.of("slow"), Optional.ofNullable((io.vigil.playbook.Playbook) robot.lookup("#playbook-list")
                .queryAs(ListView.class).getSelectionModel().getSelectedItem()).map(io.vigil.playbook.Playbook::id),
                "the playbook stays selected");
        assertTrue(find("#run-status", Label.class).getText().startsWith("Step 1/1 running"));
        robot.clickOn("#cancel-button");
        refreshUntil(() -> find("#run-status", Label.class).getText().startsWith("CANCELLED"));
        robot.push(KeyCode.ESCAPE);
        assertEquals("Pick a playbook", find("#playbook-title", Label.class).getText(), "closed once it ended");
        robot.push(KeyCode.ESCAPE);
        assertTrue(robot.lookup("#playbooks-view").query().isVisible());
    }

    @Test
    void aNotRunMessageDoesNotCarryOverToTheNextPlaybook() throws Exception {
        // A dry-run-only runner without a simulator refuses every run: "Not run: …".
        show(service(dir.resolve("evidence"), "this console only plans", null, Clock.systemUTC()));
        open("hello", Map.of());
        waitForPlan();
        robot.clickOn("#run-button");
        refreshUntil(() -> find("#run-status", Label.class).getText().startsWith("Not run:"));
        open("bye", Map.of());
        assertEquals("Not started", find("#run-status", Label.class).getText());
    }

    @Test
    void inTheDemoRunShowsSimulatedOutputAndIsAuditedAsSimulated() throws Exception {
        Scenario scenario = ScenarioFile.builtInDemo();
        ManualClock clock = new ManualClock(scenario.start().plus(Duration.ofHours(5)));
        show(service(dir.resolve("evidence"), "this console is replaying the scenario", new ScenarioStepSimulator(scenario, clock),
                clock));
        assertTrue(find("#simulated-note", Label.class).isVisible());
        open("gpu-miner-triage", Map.of("pid", "31337"));
        waitForPlan();
        assertEquals("Run (simulated)", find("#run-button", Button.class).getText());
        robot.clickOn("#run-button");
        refreshUntil(() -> find("#run-status", Label.class).getText().startsWith("SIMULATED"));
        String out = find("#run-output", TextArea.class).getText();
        assertTrue(out.contains("[SIMULATED — demo] nothing runs on this machine"), out);
        assertTrue(out.contains("stratum URL in the command line") && out.contains("mining-pool port 3333"), out);
        assertTrue(out.contains("31337, kthreadd-helper, 2150 MiB"), "nvidia-smi as the scenario's GPUs show it: " + out);
        assertTrue(out.lines().filter(l -> !l.startsWith("── step") && !l.startsWith("$ ") && !l.startsWith("→ "))
                .allMatch(l -> l.startsWith("[SIMULATED — demo]")), "every output line is labelled: " + out);
        refreshUntil(() -> historyItems().stream().anyMatch(r -> r.status() == RunStatus.SIMULATED));
        List<AuditEntry> entries = service.audit().entries();
        assertTrue(entries.getFirst().message().startsWith("SIMULATED — demo"), entries.getFirst().message());
        assertTrue(entries.stream().filter(e -> e.kind().equals("step_finished"))
                .allMatch(e -> e.message().equals("SIMULATED — demo")), entries.toString());
        assertTrue(service.audit().verify().valid());
    }

    @Test
    void aFailedEvidenceCaptureOffersKillAnywayWhichAsksForAReasonAndIsAudited() throws Exception {
        // The evidence folder cannot be made (a file stands where it should be), so the capture fails.
        Path evidence = dir.resolve("evidence");
        Files.writeString(evidence, "not a folder");
        Process victim = new ProcessBuilder("sleep", "600").start();
        closing.add(victim::destroyForcibly);
        show(service(evidence, null, null, Clock.systemUTC()));
        open("kill-process", Map.of("pid", Long.toString(victim.pid())));
        waitForPlan();
        robot.clickOn("#confirm-destructive");
        robot.clickOn("#run-button");
        refreshUntil(() -> find("#run-status", Label.class).getText().startsWith("FAILED"));
        assertTrue(find("#override-box", javafx.scene.layout.VBox.class).isVisible(), "the override is offered");
        assertTrue(find("#override-text", Label.class).getText().contains("evidence capture (step 1) failed"),
                find("#override-text", Label.class).getText());
        assertTrue(victim.isAlive(), "nothing destructive ran");
        assertEquals("Kill anyway…", find("#override-evidence-button", Button.class).getText());

        robot.clickOn("#override-evidence-button");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(find("#override-run-button", Button.class).isDisabled(), "no override without a reason");
        robot.clickOn("#override-reason").write("   ");
        assertTrue(find("#override-run-button", Button.class).isDisabled(), "a blank reason is no reason");
        robot.write("disk full; the miner costs $40/h");
        assertFalse(find("#override-run-button", Button.class).isDisabled());
        robot.clickOn("#override-run-button");
        assertTrue(victim.waitFor(60, TimeUnit.SECONDS), "killed under the override");
        refreshUntil(() -> !find("#run-status", Label.class).getText().startsWith("Step")
                && !find("#run-status", Label.class).getText().startsWith("Starting"));
        assertFalse(find("#override-box", javafx.scene.layout.VBox.class).isVisible(), "not offered again after an override");
        RunSummary last = service.audit().recentRuns(1).getFirst();
        AuditEntry first = service.audit().run(last.runId()).getFirst();
        assertTrue(first.message().contains("evidence-first overridden by tester: disk full; the miner costs $40/h"),
                first.message());
        assertTrue(service.audit().verify().valid());
    }
}
