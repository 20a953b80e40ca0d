package io.vigil.ui.fleet;

import io.vigil.fleet.FleetNode;
import io.vigil.fleet.FleetReader;
import io.vigil.fleet.FleetSnapshot;
import io.vigil.fleet.FleetSource;
import io.vigil.ui.Layouts;
import io.vigil.text.SafeText;
import io.vigil.ui.Styles;
import io.vigil.ui.View;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * The Fleet view: summary tiles, the heat grid of every node and GPU (colour by, sort, filter), and
 * a node's detail on click (Back or Esc returns). Without a fleet source it shows the first-run form.
 * The view binds its view model's read-only properties; the grid redraws when the rows change, that
 * is when a new snapshot arrived, not at every UI tick.
 */
public final class FleetView implements View {

    private final FleetViewModel model;
    private final Supplier<Boolean> configured;
    private final StackPane root = new StackPane();
    private final VBox gridPage = new VBox(12);
    private final ScrollPane detailScroll;
    private final NodeDetailPane detail;
    private final FleetSetupPane setup;
    private final HeatGrid grid = new HeatGrid();
    private final Label origin = new Label();
    private final Label count = new Label();
    private final Label problems = new Label();
    private final Tile nodesTile = new Tile("fleet-tile-nodes", "Nodes up / down");
    private final Tile busyTile = new Tile("fleet-tile-busy", "GPUs busy (≥ 50 %)");
    private final Tile idleTile = new Tile("fleet-tile-idle", "GPUs idle but allocated (< 5 %)");
    private final Tile powerTile = new Tile("fleet-tile-power", "Total GPU power");
    private Node shown;

    FleetView(FleetViewModel model, Supplier<Boolean> configured, ZoneId zone, FleetSettingsSaver saver,
              Runnable onSaved, Runnable startDemo, Executor background) {
        this.model = model;
        this.configured = configured;
        root.setId("fleet-view");
        root.getStyleClass().add(Styles.VIEW);
        grid.setZone(zone);

        Label title = new Label("Fleet");
        title.getStyleClass().add(Styles.VIEW_TITLE);
        origin.setId("fleet-origin");
        origin.getStyleClass().add(Styles.MUTED);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox head = new HBox(12, title, origin, spacer);
        head.setAlignment(Pos.CENTER_LEFT);

        HBox tiles = new HBox(12, nodesTile, busyTile, idleTile, powerTile);
        for (Tile t : List.of(nodesTile, busyTile, idleTile, powerTile)) {
            HBox.setHgrow(t, Priority.ALWAYS);
            t.setMaxWidth(Double.MAX_VALUE);
        }

        ComboBox<HeatMetric> colourBy = new ComboBox<>();
        colourBy.setId("fleet-metric");
        colourBy.getItems().setAll(HeatMetric.values());
        colourBy.valueProperty().bindBidirectional(model.metricProperty());
        ComboBox<FleetSort> sort = new ComboBox<>();
        sort.setId("fleet-sort");
        sort.getItems().setAll(FleetSort.values());
        sort.valueProperty().bindBidirectional(model.sortProperty());
        TextField filter = new TextField();
        filter.setId("fleet-filter");
        filter.setPromptText("Filter by label: cluster, namespace, model, node, pod, key=value");
        filter.setPrefColumnCount(32);
        filter.setMinWidth(220);
        HBox.setHgrow(filter, Priority.SOMETIMES);
        filter.textProperty().bindBidirectional(model.filterProperty());
        count.setId("fleet-count");
        count.getStyleClass().add(Styles.MUTED);
        HBox controls = new HBox(10, caption("Colour by"), colourBy, caption("Sort"), sort, filter, count);
        controls.setAlignment(Pos.CENTER_LEFT);

        problems.setId("fleet-problems");
        problems.getStyleClass().add(Styles.BANNER_WARNING);
        problems.setWrapText(true);
        problems.setMaxWidth(Double.MAX_VALUE);
        show(problems, false);

        VBox gridCard = Layouts.card(grid);
        VBox.setVgrow(gridCard, Priority.ALWAYS);
        gridPage.getChildren().addAll(head, tiles, controls, problems, gridCard);
        gridPage.setPadding(new Insets(18));
        gridPage.setId("fleet-grid-page");

        detail = new NodeDetailPane(model, zone, model::closeNode);
        detailScroll = Layouts.scrolling(detail);
        detailScroll.setId("fleet-detail-page");
        detailScroll.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ESCAPE) {
                model.closeNode();
                e.consume();
            }
        });
        setup = new FleetSetupPane(saver, onSaved, startDemo, background);

        grid.setOnNodeClicked(model::openNode);
        model.rowsProperty().addListener((o, a, rows) -> {
            grid.setRows(rows);
            updateCount();
        });
        model.metricProperty().addListener((o, a, m) -> grid.setMetric(m));
        model.summaryProperty().addListener((o, a, s) -> showSummary(s));
        model.snapshotProperty().addListener((o, a, s) -> showSnapshot(s));
        model.selectedNodeProperty().addListener((o, a, n) -> page());
    }

    /**
     * The Fleet view for the wiring's fleet source. {@code fleet} may turn from empty to present
     * (settings saved, demo started): the view follows at the next refresh.
     */
    public static FleetView create(Supplier<Optional<FleetSource>> fleet, Clock clock, Executor background,
                                   FleetSettingsSaver saver, Runnable onSaved, Runnable startDemo) {
        FleetViewModel model = new FleetViewModel(
                () -> fleet.get().map(FleetSource::latest).orElse(FleetSnapshot.EMPTY),
                () -> fleet.get().map(FleetSource::reader), clock, background);
        return new FleetView(model, () -> fleet.get().isPresent(), clock.getZone(), saver, onSaved, startDemo,
                background);
    }

    /** A view over any snapshot supplier and reader (tests, the benchmark). */
    static FleetView forTesting(Supplier<FleetSnapshot> snapshots, FleetReader reader, Clock clock, Executor background) {
        FleetViewModel model = new FleetViewModel(snapshots, () -> Optional.ofNullable(reader), clock, background);
        return new FleetView(model, () -> true, clock.getZone(), f -> "", () -> { }, null, background);
    }

    private static Label caption(String s) {
        Label l = new Label(s);
        l.getStyleClass().add(Styles.MUTED);
        return l;
    }

    private static void show(Node n, boolean visible) {
        n.setVisible(visible);
        n.setManaged(visible);
    }

    /** Esc wherever the focus is (the shell's shortcut): back from a node's detail to the grid. */
    @Override
    public boolean closePane() {
        if (model.selectedNodeProperty().get() == null) {
            return false;
        }
        model.closeNode();
        return true;
    }

    @Override
    public Node node() {
        page();
        return root;
    }

    @Override
    public void refresh() {
        model.refresh();
        grid.refreshMarks(); // ui-severity: alert outlines on the heat grid
        page();
    }

    /** Outlines heat-grid cells by the open alerts about their GPUs (ui-severity). */
    public FleetView alertMarks(Supplier<io.vigil.alerts.AlertMarks> marks) {
        grid.setAlertMarks(marks);
        return this;
    }

    private void page() {
        Node want = !configured.get() ? setup : model.selectedNodeProperty().get() != null ? detailScroll : gridPage;
        if (want != shown) {
            root.getChildren().setAll(want);
            shown = want;
            if (want == detailScroll) {
                detailScroll.setVvalue(0);
                detailScroll.requestFocus();
            }
        }
    }

    private void showSnapshot(FleetSnapshot s) {
        origin.setText(s.origin().isEmpty() ? "waiting for the first poll…" : "from " + SafeText.of(s.origin()));
        boolean any = !s.problems().isEmpty();
        problems.setText(any ? String.join("\n", s.problems().stream().map(SafeText::of).toList()) : "");
        show(problems, any);
    }

    private void updateCount() {
        int all = model.snapshotProperty().get().nodes().size();
        int shownRows = model.rowsProperty().get().size();
        count.setText(shownRows == all ? all + " nodes" : shownRows + " of " + all + " nodes");
    }

    private void showSummary(FleetSummary s) {
        nodesTile.set(s.nodesUp() + " / " + s.nodesDown(), s.nodesUnknown() > 0 ? s.nodesUnknown() + " not scraped yet"
                : s.nodesDown() > 0 ? s.nodesDown() + " not answering" : "all answering", s.nodesDown() > 0);
        busyTile.set(s.gpusBusy() + " / " + s.gpus(), s.gpus() == 0 ? "no GPU reading"
                : String.format(Locale.ROOT, "%.0f %% of GPUs", 100.0 * s.gpusBusy() / s.gpus()), false);
        idleTile.set(Integer.toString(s.gpusIdleAllocated()), "held by a pod or process, doing nothing",
                s.gpusIdleAllocated() > 0);
        powerTile.set(power(s.totalPowerWatts()), "draw of the GPUs that answered", false);
    }

    /** Watts as W below 1 kW, kW above ("3.42 kW"). */
    static String power(double watts) {
        return watts < 1000 ? String.format(Locale.ROOT, "%.0f W", watts)
                : String.format(Locale.ROOT, "%.2f kW", watts / 1000);
    }

    /** A summary tile: caption, big value, a line of context. */
    private static final class Tile extends VBox {
        private final Label value = new Label("–");
        private final Label sub = new Label();

        Tile(String id, String caption) {
            super(2);
            setId(id);
            getStyleClass().addAll(Styles.CARD, "fleet-tile");
            Label c = new Label(caption);
            c.getStyleClass().add("cloud-metric-title");
            value.getStyleClass().add("fleet-tile-value");
            value.setId(id + "-value");
            sub.getStyleClass().add(Styles.MUTED);
            sub.setId(id + "-sub");
            getChildren().addAll(c, value, sub);
        }

        void set(String v, String s, boolean warn) {
            value.setText(v);
            sub.setText(s);
            value.getStyleClass().remove("fleet-tile-warning");
            if (warn) {
                value.getStyleClass().add("fleet-tile-warning");
            }
        }
    }

    // ---- for tests -------------------------------------------------------------------------------

    HeatGrid grid() {
        return grid;
    }

    NodeDetailPane detail() {
        return detail;
    }

    FleetViewModel model() {
        return model;
    }

    List<FleetNode> rows() {
        return model.rowsProperty().get();
    }
}
