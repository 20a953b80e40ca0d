package io.vigil.ui.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.alerts.Alert;
import io.vigil.alerts.AlertManager;
import io.vigil.alerts.AlertState;
import io.vigil.rules.Evaluation;
import io.vigil.rules.InstancePhase;
import io.vigil.rules.RuleInstance;
import io.vigil.rules.Severity;
import io.vigil.store.Database;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.SeriesStore;
import io.vigil.ui.RenderedText;
import io.vigil.ui.Tables;
import io.vigil.ui.shell.ShellFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.paint.Color;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Alerts view over a real alert manager (SQLite file, manual clock) holding the demo's alerts as
 * the cryptojacking scenario raises them: rendered at the size the view gets in a 1280×820 window,
 * filtered, followed through pending → firing, and read with the table unfocused.
 */
class AlertsViewTableTest {

    /** The view's area in a 1280×820 window: minus the 172 px navigation rail, the header, the demo banner and the status bar. */
    static final double VIEW_WIDTH = 1108;
    static final double VIEW_HEIGHT = 711;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-30T02:22:01Z"));
    private Database db;
    private AlertManager alerts;
    private ExecutorService background;
    private AlertsView view;
    private TableView<?> table;
    private Parent root;
    private final List<RuleInstance> active = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        FxToolkit.registerPrimaryStage();
        db = Database.open(dir.resolve("vigil.db"));
        alerts = new AlertManager(db, clock, id -> Optional.empty(), Duration.ZERO);
        background = Executors.newSingleThreadExecutor();
        AlertsViewModel model = new AlertsViewModel(alerts, new SeriesStore(600), Optional.empty(), clock, background,
                (playbook, labels) -> { });
        demoAlerts();
        alerts.reconcile(new Evaluation(clock.instant(), active, Map.of()));
        view = fx(() -> new AlertsView(model));
        root = fx(() -> {
            Parent p = (Parent) view.node();
            RenderedText.layOut(p, VIEW_WIDTH, VIEW_HEIGHT);
            return p;
        });
        table = fx(() -> (TableView<?>) root.lookup("#alerts-table"));
        assertEquals(52, alerts.open().size(), "the fixture holds the demo's 52 alerts");
        refreshUntil("the demo's 52 alerts are listed", () -> table.getItems().size() == 52);
    }

    @AfterEach
    void stop() throws Exception {
        background.shutdownNow();
        db.close();
    }

    /** The alerts the demo shows after its incident: local miner, two fleet nodes, the egress warning. */
    private void demoAlerts() {
        add("unexplained-gpu-load", Severity.CRITICAL, "GPU 2 / pid 31337 (kthreadd-helper)", 98.59,
                "gpu.utilization{gpu=\"2\"}", Map.of("gpu", "2", "pid", "31337"), InstancePhase.FIRING);
        add("unexplained-gpu-load", Severity.CRITICAL, "GPU 3 / pid 31337 (kthreadd-helper)", 98.58,
                "gpu.utilization{gpu=\"3\"}", Map.of("gpu", "3", "pid", "31337"), InstancePhase.FIRING);
        add("miner-signature", Severity.CRITICAL, "GPU 3 / pid 31337 (kthreadd-helper)", 5,
                "", Map.of("gpu", "3", "pid", "31337", "name", "kthreadd-helper"), InstancePhase.FIRING);
        fleet("gpu-b-06", "GPU-5ca1ab2d-01d%d-400%d-800f-0000f1ee707%s", 41500, "kube-system/metrics-agent-x7k2p",
                InstancePhase.FIRING, Severity.CRITICAL);
        add("host-egress-high", Severity.WARNING, "host.net.tx_bytes_per_s", 61_940_491.85, "host.net.tx_bytes_per_s",
                Map.of(), InstancePhase.FIRING);
        fleet("gpu-e-04", "GPU-5ca1ab33-028%d-400%d-8015-0000f1ee70a%s", 42100, "research/jupyter-dev-5",
                InstancePhase.PENDING, Severity.WARNING);
    }

    private void fleet(String node, String uuidPattern, int pid0, String pod, InstancePhase loadPhase, Severity temp) {
        for (int i = 0; i < 8; i++) {
            String uuid = String.format(uuidPattern, i + 1, i, Integer.toHexString(8 + i));
            String subject = "node " + node + " / GPU " + uuid + " / pid " + (pid0 + i) + " (xmrig) pod " + pod;
            Map<String, String> labels = Map.of("node", node, "gpu", uuid, "pid", Integer.toString(pid0 + i), "name", "xmrig");
            add("unexplained-gpu-load", Severity.CRITICAL, subject, 99.2 + i * 0.07,
                    "gpu.utilization{gpu=\"" + uuid + "\",node=\"" + node + "\"}", labels, loadPhase);
            add("miner-signature", Severity.CRITICAL, subject, 2, "", labels, InstancePhase.FIRING);
            add("gpu-temperature-critical", temp, "node " + node + " / GPU " + uuid, 92.19 - i * 0.4,
                    "gpu.temperature_c{gpu=\"" + uuid + "\",node=\"" + node + "\"}", Map.of("node", node, "gpu", uuid),
                    InstancePhase.FIRING);
        }
    }

    private void add(String rule, Severity sev, String subject, double value, String metric, Map<String, String> labels,
                     InstancePhase phase) {
        Map<String, String> identity = new HashMap<>(labels);
        identity.put("subject", subject);
        active.add(new RuleInstance(rule, identity, labels, subject, sev, value, phase, clock.instant(),
                phase == InstancePhase.FIRING ? clock.instant() : null, metric.isEmpty() ? null : metric));
    }

    private static <T> T fx(Supplier<T> s) throws Exception {
        AtomicReference<T> out = new AtomicReference<>();
        WaitForAsyncUtils.asyncFx(() -> out.set(s.get())).get(30, TimeUnit.SECONDS);
        return out.get();
    }

    private static void run(Runnable r) throws Exception {
        WaitForAsyncUtils.asyncFx(r).get(30, TimeUnit.SECONDS);
    }

    /** Runs the view's refresh (as the UI ticker does) and lays out until {@code condition} holds. */
    private void refreshUntil(String what, Supplier<Boolean> condition) throws Exception {
        io.vigil.Eventually.until(what, Duration.ofSeconds(30), () -> fx(() -> {
            view.refresh();
            RenderedText.settle(root);
            return condition.get();
        }));
    }

    /** No column past the right edge; only the subject may be cut, and then its tooltip holds it all. */
    private void assertNothingCutButTheSubject() throws Exception {
        List<RenderedText.Cut> cuts = fx(() -> RenderedText.cuts(table));
        List<String> outside = fx(() -> RenderedText.outside(table));
        int cells = fx(() -> RenderedText.cells(table).size());
        assertTrue(cells >= 6 * 10, "at least ten rows are rendered: " + cells);
        assertTrue(outside.isEmpty(), "every column is inside the table: " + outside);
        for (RenderedText.Cut c : cuts) {
            assertTrue(c.where().endsWith(".Subject"), "only the long subject may be cut: " + c);
            assertEquals(c.full(), c.tooltip(), "a cut subject has the full text as its tooltip: " + c);
            assertTrue(c.rendered().endsWith("…") || c.rendered().endsWith("..."), c.toString());
        }
    }

    @Test
    void noColumnIsCutAtTheViewSizeOfA1600x1000WindowEither() throws Exception {
        run(() -> {
            root.getScene().setRoot(new javafx.scene.layout.Pane());
            RenderedText.layOut(root, 1600 - 172, 1000 - 109);
        });
        refreshUntil("laid out again", () -> table.getWidth() > 1300);
        assertNothingCutButTheSubject();
    }

    @Test
    void noColumnIsCutAtTheViewSizeOfA1280x820WindowWithTheDemosAlerts() throws Exception {
        assertNothingCutButTheSubject();
        // The short subjects (the local GPUs) are shown whole, and the ones cut still show node and GPU.
        String first = fx(() -> RenderedText.cells(table).stream().filter(c -> c.getIndex() == 0
                && c.getTableColumn().getText().equals("Subject")).findFirst().map(c -> RenderedText.rendered(c)).orElse(""));
        assertEquals("GPU 2 / pid 31337 (kthreadd-helper)", first);
        // The values are in their units: the egress rate in MiB/s, a miner signature's count as a number.
        List<String> values = fx(() -> java.util.stream.IntStream.range(0, table.getItems().size())
                .mapToObj(i -> String.valueOf(table.getColumns().get(3).getCellData(i))).distinct().toList());
        assertTrue(values.contains("59.1 MiB/s"), values.toString());
        assertTrue(values.contains("2"), values.toString());
        List<RenderedText.Cut> labels = fx(() -> RenderedText.cutLabels(root));
        assertTrue(labels.isEmpty(), "no label cut: " + labels);
    }

    @Test
    void filterNarrowsTheRowsAndClearBringsThemBack() throws Exception {
        TextField filter = fx(() -> (TextField) root.lookup("#alerts-filter-text"));
        run(() -> filter.setText("gpu-e-04 pending"));
        refreshUntil("the filter applies", () -> table.getItems().size() == 8);
        assertTrue(fx(() -> table.getItems().stream().allMatch(r -> ((AlertsView.AlertRow) r).alert.subject()
                .contains("gpu-e-04") && ((AlertsView.AlertRow) r).alert.state() == AlertState.PENDING)));
        run(() -> filter.setText("name=kthreadd"));
        refreshUntil("a label filters", () -> table.getItems().size() == 1);
        run(() -> ((Button) root.lookup("#alerts-filter-clear")).fire());
        refreshUntil("clear shows all", () -> table.getItems().size() == 52);
        assertEquals("", fx(filter::getText));

        // The state filter: acknowledge one and silence another, then look at each state alone.
        Alert firing = alerts.open().stream().filter(a -> a.state() == AlertState.FIRING).findFirst().orElseThrow();
        Alert other = alerts.open().stream().filter(a -> a.state() == AlertState.FIRING && a.id() != firing.id())
                .findFirst().orElseThrow();
        alerts.acknowledge(firing.id(), "mine");
        alerts.silence(other.id(), clock.instant().plus(Duration.ofHours(1)), "");
        @SuppressWarnings("unchecked")
        ComboBox<String> state = fx(() -> (ComboBox<String>) root.lookup("#alerts-filter-state"));
        run(() -> state.setValue("acknowledged"));
        refreshUntil("acknowledged only", () -> table.getItems().size() == 1);
        run(() -> state.setValue("silenced"));
        refreshUntil("silenced only", () -> table.getItems().size() == 1
                && ((AlertsView.AlertRow) table.getItems().getFirst()).alert.id() == other.id());
        run(() -> state.setValue("open"));
        refreshUntil("open: neither acknowledged nor silenced", () -> table.getItems().size() == 50);
        // Handled alerts look different: their rows carry a state style, open ones none.
        run(() -> state.setValue("unresolved"));
        refreshUntil("all again", () -> table.getItems().size() == 52);
        List<String> rowStyles = fx(() -> root.lookupAll(".table-row-cell").stream()
                .filter(n -> n instanceof TableRow<?> r && !r.isEmpty())
                .flatMap(n -> n.getStyleClass().stream()).filter(s -> s.startsWith("alert-row-")).toList());
        assertTrue(rowStyles.contains(AlertsView.ROW_ACKNOWLEDGED) && rowStyles.contains(AlertsView.ROW_SILENCED),
                rowStyles.toString());
    }

    @Test
    void focusFilterPutsTheCaretInTheFilterBox() throws Exception {
        // The box needs a window to take the focus: show the view in a small stage inside the headless screen.
        javafx.stage.Stage stage = fx(() -> {
            javafx.stage.Stage s = new javafx.stage.Stage();
            root.getScene().setRoot(new javafx.scene.layout.Pane());
            s.setScene(new Scene(root, 900, 600));
            s.show();
            return s;
        });
        try {
            run(view::focusFilter);
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> root.lookup("#alerts-filter-text").isFocused());
        } finally {
            run(stage::close);
        }
    }

    @Test
    void escClosesTheSelectedAlertsDetailAfterAnOpenDropDown() throws Exception {
        // In the real shell, whose scene filter reads Esc, in a window inside the headless screen.
        FxRobot robot = new FxRobot();
        javafx.stage.Stage stage = fx(() -> {
            javafx.stage.Stage s = new javafx.stage.Stage();
            root.getScene().setRoot(new javafx.scene.layout.Pane());
            s.setScene(new Scene(ShellFixture.around("alerts", view), 960, 700));
            s.setX(0);
            s.setY(0);
            s.show();
            s.requestFocus();
            return s;
        });
        try {
            Label title = fx(() -> (Label) root.lookup("#alert-detail-title"));
            run(() -> table.getSelectionModel().select(0));
            refreshUntil("the detail shows the first alert", () -> !title.getText().equals("Select an alert"));

            // A drop-down open over the view is closed first, by the control itself.
            @SuppressWarnings("unchecked")
            ComboBox<String> severity = fx(() -> (ComboBox<String>) root.lookup("#alerts-filter-severity"));
            robot.clickOn(severity);
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, severity::isShowing);
            robot.push(KeyCode.ESCAPE);
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !severity.isShowing());
            assertFalse(fx(() -> title.getText().equals("Select an alert")), "the drop-down closed, the detail stays");

            robot.push(KeyCode.ESCAPE);
            assertEquals("Select an alert", fx(title::getText), "Esc closed the detail");
            assertTrue(fx(() -> table.getSelectionModel().isEmpty()));
            refreshUntil("it stays closed", () -> title.getText().equals("Select an alert"));
            // Nothing open: Esc does nothing, the view stays.
            robot.push(KeyCode.ESCAPE);
            assertTrue(fx(() -> root.isVisible() && root.getScene() != null));
            assertEquals(52, fx(() -> table.getItems().size()));
        } finally {
            run(stage::close);
        }
    }

    @Test
    void detailFollowsTheSelectedAlertFromPendingToFiring() throws Exception {
        Alert pending = alerts.open().stream().filter(a -> a.state() == AlertState.PENDING).findFirst().orElseThrow();
        run(() -> {
            for (int i = 0; i < table.getItems().size(); i++) {
                if (((AlertsView.AlertRow) table.getItems().get(i)).alert.id() == pending.id()) {
                    table.getSelectionModel().select(i);
                }
            }
        });
        Label title = fx(() -> (Label) root.lookup("#alert-detail-title"));
        ListView<?> events = fx(() -> (ListView<?>) root.lookup("#alert-events"));
        refreshUntil("the detail shows the pending alert", () -> title.getText().contains("pending")
                && title.getText().contains(pending.subject()) && !events.getItems().isEmpty());

        // The rule's condition has held for its "for": the same instance now fires.
        clock.advance(Duration.ofMinutes(2));
        List<RuleInstance> next = new ArrayList<>();
        for (RuleInstance i : active) {
            next.add(i.phase() == InstancePhase.PENDING ? new RuleInstance(i.ruleId(), i.identity(), i.labels(),
                    i.subject(), i.severity(), i.value(), InstancePhase.FIRING, i.since(), clock.instant(), i.metric()) : i);
        }
        alerts.reconcile(new Evaluation(clock.instant(), next, Map.of()));
        refreshUntil("the detail follows to firing", () -> title.getText().contains("· firing ·")
                && events.getItems().stream().anyMatch(e -> e.toString().contains("firing")));
        assertFalse(title.getText().contains("pending"), title.getText());
        assertEquals("firing", fx(() -> table.getColumns().get(1).getCellData(table.getSelectionModel().getSelectedIndex())));
    }

    @Test
    void aSelectedRowStaysReadableWhenTheTableLosesFocus() throws Exception {
        run(() -> table.getSelectionModel().select(0));
        refreshUntil("row selected", () -> table.getSelectionModel().getSelectedIndex() == 0);
        assertFalse(fx(table::isFocused), "the table does not hold the focus (no window)");
        TableRow<?> row = fx(() -> root.lookupAll(".table-row-cell").stream()
                .filter(n -> n instanceof TableRow<?> r && r.getIndex() == 0).map(n -> (TableRow<?>) n)
                .findFirst().orElseThrow());
        assertTrue(fx(row::isSelected));
        Color background = fx(() -> (Color) row.getBackground().getFills().getLast().getFill());
        List<TableCell<?, ?>> cells = fx(() -> RenderedText.cells(table).stream().filter(c -> c.getIndex() == 0
                && !(c.getGraphic() instanceof Label)).toList());
        assertFalse(cells.isEmpty());
        for (TableCell<?, ?> c : cells) {
            Color text = fx(() -> (Color) c.getTextFill());
            double contrast = contrast(text, background);
            assertTrue(contrast >= 4.5, c.getTableColumn().getText() + ": text " + text + " on " + background
                    + " has contrast " + contrast);
        }
        assertNotNull(Tables.FITTED_CELL);
    }

    /** WCAG contrast ratio of two colours. */
    static double contrast(Color a, Color b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static double luminance(Color c) {
        return 0.2126 * lin(c.getRed()) + 0.7152 * lin(c.getGreen()) + 0.0722 * lin(c.getBlue());
    }

    private static double lin(double v) {
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }
}
