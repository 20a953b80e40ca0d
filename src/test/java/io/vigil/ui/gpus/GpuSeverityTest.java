package io.vigil.ui.gpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.alerts.AlertManager;
import io.vigil.alerts.AlertMarksFeed;
import io.vigil.alerts.AlertTone;
import io.vigil.gpu.GpuProcessRow;
import io.vigil.gpu.GpuSource;
import io.vigil.gpu.nvml.FakeNvml;
import io.vigil.gpu.nvml.NvmlGpuReader;
import io.vigil.host.HostSnapshot;
import io.vigil.host.NetConnection;
import io.vigil.host.ProcessInfo;
import io.vigil.rules.DetectorInputs;
import io.vigil.rules.Evaluator;
import io.vigil.rules.GpuProcessObservation;
import io.vigil.rules.MetricReader;
import io.vigil.rules.Rule;
import io.vigil.rules.RuleFile;
import io.vigil.rules.Signatures;
import io.vigil.store.Database;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.SeriesStore;
import io.vigil.ui.SeverityStyles;
import io.vigil.ui.Styles;
import io.vigil.ui.shell.ShellFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * GPU cards and the process table coloured by real rules: the real GPU source on the fake
 * libnvidia-ml, the real evaluator (a temperature rule and the miner detector) and the real alert
 * manager (SQLite file), on a manual clock.
 */
class GpuSeverityTest {

    private static final int SELF = (int) ProcessHandle.current().pid();

    @TempDir
    Path dir;

    private final FxRobot robot = new FxRobot();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T03:00:00Z"));
    private final SeriesStore series = new SeriesStore(1000);
    private GpuSource source;
    private Database db;
    private AlertManager alerts;
    private Evaluator evaluator;
    private GpusView view;

    private void open(String rulesYaml, HostSnapshot host) throws Exception {
        source = new GpuSource(List.of(() -> NvmlGpuReader.open(FakeNvml.LIBRARY.toString())), Duration.ofSeconds(1));
        List<Rule> rules = new RuleFile().parse("rules.yaml", rulesYaml);
        db = Database.open(dir.resolve("vigil.db"));
        alerts = new AlertManager(db, clock, id -> rules.stream().filter(r -> r.id().equals(id)).findFirst(),
                Duration.ZERO);
        evaluator = new Evaluator(clock, MetricReader.of(series), new DetectorInputs(() -> host,
                () -> source.latest().gpus().stream().flatMap(g -> g.processes().stream()
                        .map(p -> new GpuProcessObservation(g.index(), p.pid()))).toList(),
                List::of, Signatures.builtIn()));
        evaluator.setRules(rules);
        GpusViewModel model = new GpusViewModel(source, () -> host, series, clock, new AlertMarksFeed(alerts, clock),
                pid -> List.of(Path.of("/models/weights.safetensors")), Runnable::run);
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            view = new GpusView(model, (action, context) -> { });
            return (Parent) ShellFixture.around("gpus", view); // in the shell, as in the console: its keys work
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

    /** One second: a GPU poll into the series, one rule tick, one frame. */
    private void second() {
        PollResult r = source.poll(clock.instant());
        series.onSamples("gpu", r.samples());
        alerts.reconcile(evaluator.tick());
        robot.interact(view::refresh);
        clock.advance(Duration.ofSeconds(1));
    }

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
        if (source != null) {
            source.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void aBarTakesItsColourFromTheRuleOnItsMetric() throws Exception {
        FakeNvml.configure(Map.of());
        // The fake's GPU 2 runs at 54 °C, GPUs 0 and 1 cooler: a warning at 50 for GPU 2 only.
        open("""
                rules:
                  - id: gpu-warm
                    metric: gpu.temperature_c{gpu="*"}
                    reducer: max
                    window: 1m
                    warning: 50
                    critical: 90
                """, HostSnapshot.EMPTY);
        second();
        second();
        GpuCard gpu2 = view.card(2);
        assertEquals(AlertTone.WARNING, gpu2.barTone("temperature"), "GPU 2's temperature rule is firing a warning");
        Node bar = robot.lookup("#gpu-2-temperature-bar").query();
        assertTrue(bar.getStyleClass().contains(SeverityStyles.WARNING));
        assertTrue(robot.lookup("#gpu-2-temperature").query().getStyleClass().contains(SeverityStyles.WARNING));
        assertTrue(gpu2.getStyleClass().contains(SeverityStyles.WARNING), "the card's outline too");
        assertEquals(AlertTone.NONE, gpu2.barTone("util"), "the other bars of that GPU are not the rule's");
        assertEquals(AlertTone.NONE, view.card(0).barTone("temperature"), "GPU 0 is below the threshold");
        assertFalse(robot.lookup("#gpu-0-temperature-bar").query().getStyleClass().contains(SeverityStyles.WARNING));

        // Sparklines redraw when a sample arrives, not at every frame.
        clock.advance(Duration.ofSeconds(1));
        second();
        int drawn = gpu2.sparkRedraws("temperature");
        assertTrue(drawn >= 1);
        robot.interact(view::refresh);
        robot.interact(view::refresh);
        assertEquals(drawn, gpu2.sparkRedraws("temperature"), "no new point, no redraw");
    }

    @Test
    void theFlaggedProcessRowIsMarkedAndTheCardsFlagSelectsIt() throws Exception {
        FakeNvml.configure(Map.of("FAKE_NVML_PROCS", "0:self:2048"));
        // This test's own JVM, as the fake driver reports it on GPU 0, looks like a miner on the host.
        String cmd = "./xmrig -o stratum+tcp://pool.example:3333 -u 4A1... --donate-level 1 --cuda";
        HostSnapshot host = new HostSnapshot(0, List.of(
                new ProcessInfo(1, 0, "systemd", "root", "/sbin/init", 0, 1 << 20, 0),
                new ProcessInfo(4242, 1, "bash", "nobody", "bash", 0, 1 << 20, 0),
                new ProcessInfo(SELF, 4242, "xmrig", "nobody", cmd, 99, 256L << 20, 0)), List.of(),
                List.of(new NetConnection("tcp", "10.0.0.5", 41234, "203.0.113.7", 3333, "ESTABLISHED", SELF)));
        open("""
                rules:
                  - id: miner-signature
                    detector: miner_signature
                    warning: 1
                    critical: 2
                """, host);
        second();
        second();
        TableView<GpuProcessRow> table = robot.lookup("#gpu-processes").queryTableView();
        assertEquals(1, table.getItems().size());
        WaitForAsyncUtils.waitForFxEvents();
        Node row = robot.lookup("#gpu-processes .table-row-cell").nth(0).query();
        assertTrue(row.getStyleClass().contains("flagged-process"), "the miner's row is marked red");
        assertTrue(robot.lookup("#gpu-processes .table-row-cell").nth(0).lookup("⚑").tryQuery().isPresent(),
                "and carries the flag icon");

        Node flag = robot.lookup("#gpu-0-flag").query();
        assertTrue(flag.isVisible(), "GPU 0's card flags the process");
        assertFalse(robot.lookup("#gpu-1-flag").query().isVisible());
        assertTrue(table.getSelectionModel().isEmpty());
        robot.clickOn(flag);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(SELF, table.getSelectionModel().getSelectedItem().pid(), "the flag selects the row");

        // The detail pane: full command line, user, parents, connections, open files.
        robot.interact(view::refresh);
        assertTrue(robot.lookup("#gpu-process-detail").query().isVisible());
        assertEquals(cmd, robot.lookup("#gpu-process-detail-command").queryAs(TextArea.class).getText());
        assertTrue(robot.lookup("#gpu-process-detail-title").queryAs(Label.class).getText().contains("user nobody"));
        assertEquals("4242  bash  (nobody)  ←  1  systemd  (root)",
                robot.lookup("#gpu-process-detail-parents").queryAs(Label.class).getText());
        assertTrue(robot.lookup("#gpu-process-detail-connections").queryAs(Label.class).getText()
                .contains("203.0.113.7:3333"));
        assertEquals("/models/weights.safetensors",
                robot.lookup("#gpu-process-detail-files").queryAs(Label.class).getText());

        // Esc closes the detail (the selection goes), and stays closed at the next frames.
        robot.push(KeyCode.ESCAPE);
        assertFalse(robot.lookup("#gpu-process-detail").query().isVisible(), "Esc closed the process detail");
        assertTrue(table.getSelectionModel().isEmpty());
        second();
        assertFalse(robot.lookup("#gpu-process-detail").query().isVisible());
        // Nothing open now: Esc does nothing and the view stays.
        robot.push(KeyCode.ESCAPE);
        assertTrue(robot.lookup("#gpus-view").query().isVisible());
        assertEquals(1, table.getItems().size());
    }
}
