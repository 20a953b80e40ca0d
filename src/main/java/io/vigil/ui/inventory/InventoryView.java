package io.vigil.ui.inventory;

import io.vigil.inventory.Baseline;
import io.vigil.inventory.ContainerInfo;
import io.vigil.inventory.DriftEntry;
import io.vigil.inventory.ExposedService;
import io.vigil.inventory.HashProgress;
import io.vigil.inventory.InventorySnapshot;
import io.vigil.inventory.Severity;
import io.vigil.inventory.Workload;
import io.vigil.ui.Styles;
import io.vigil.text.Durations;
import io.vigil.text.Unit;
import io.vigil.ui.Tables;
import io.vigil.ui.View;
import java.io.File;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.stream.Collectors;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;

/**
 * The Inventory: what AI runs on this machine (Workloads), what it exposes (Exposed services, with
 * the loopback probe result), its containers, and the integrity of model files (hash baselines,
 * last verify, drift, recently modified model files). Tables are refilled only when a new snapshot
 * arrives; hashing runs in the background and its progress is read at the UI cadence.
 */
public final class InventoryView implements View {


    /** Severity cells are bold in vigil.css: measure them so. */
    private static final javafx.scene.text.Font BOLD =
            javafx.scene.text.Font.font("DejaVu Sans", javafx.scene.text.FontWeight.BOLD, 13);

    private final InventoryViewModel model;
    private final VBox root = new VBox(16);
    private final Label summary = new Label();
    private final TableView<Workload> workloads = new TableView<>();
    private final TableView<ExposedService> services = new TableView<>();
    private final TableView<ContainerInfo> containers = new TableView<>();
    private final Label containersUnavailable = new Label();
    private final TableView<Baseline> baselines = new TableView<>();
    private final TableView<DriftRow> drift = new TableView<>();
    private final Label integrityState = new Label();
    private final Label recentModels = new Label();
    private final ProgressBar progressBar = new ProgressBar(0);
    private final Label progressText = new Label();
    private final Button addFolder = new Button("Add folder…");
    private final Button verify = new Button("Verify now");
    private InventorySnapshot shown;

    /** A drift entry with the baseline it belongs to. */
    record DriftRow(String root, DriftEntry entry) {
    }

    public InventoryView(InventoryViewModel model) {
        this.model = model;
        root.getStyleClass().add(Styles.VIEW);
        root.setId("inventory-view");
        root.setPadding(new Insets(18));
        Label title = new Label("Inventory");
        title.getStyleClass().add(Styles.VIEW_TITLE);
        summary.getStyleClass().add(Styles.MUTED);
        summary.setId("inventory-summary");
        HBox head = new HBox(16, title, summary);
        head.setAlignment(Pos.BASELINE_LEFT);

        buildWorkloads();
        buildServices();
        buildContainers();
        root.getChildren().addAll(head,
                section("inventory-workloads", "Workloads", "processes recognised as AI frameworks and servers", workloads),
                section("inventory-services", "Exposed services",
                        "listening ports of known AI services, probed on loopback without credentials", services),
                section("inventory-containers", "Containers", "running containers and their risky settings",
                        containersUnavailable, containers),
                integritySection());
    }

    /** Builds the view over an {@link io.vigil.inventory.InventorySource} and the series store. */
    public static InventoryView of(io.vigil.inventory.InventorySource source, io.vigil.telemetry.SeriesStore series,
                                   java.time.Clock clock) {
        return new InventoryView(new InventoryViewModel(source::latest, source::hashProgress, series, clock,
                source::addBaseline, source::verifyNow));
    }

    private static Node section(String id, String title, String subtitle, Node... content) {
        Label heading = new Label(title);
        heading.getStyleClass().add("section-title");
        Label sub = new Label(subtitle);
        sub.getStyleClass().add(Styles.MUTED);
        HBox header = new HBox(10, heading, sub);
        header.setAlignment(Pos.BASELINE_LEFT);
        VBox box = new VBox(8, header);
        box.getChildren().addAll(content);
        box.getStyleClass().add(Styles.CARD);
        box.setId(id);
        return box;
    }

    private void buildWorkloads() {
        workloads.setId("inventory-workloads-table");
        workloads.getColumns().add(Tables.fitted("PID", w -> Integer.toString(w.pid())));
        workloads.getColumns().add(Tables.fitted("User", Workload::user));
        workloads.getColumns().add(Tables.fitted("Kind", Workload::label));
        workloads.getColumns().add(Tables.fitted("GPU memory", w -> {
            OptionalDouble gpu = model.gpuMemoryBytes(w);
            return gpu.isPresent() ? Unit.bytes(gpu.getAsDouble()) : Unit.NO_DATA;
        }));
        workloads.getColumns().add(Tables.fitted("Uptime", w -> uptime(w.startEpochMillis())));
        workloads.getColumns().add(Tables.fitted("Ports", w -> w.ports().stream().map(p -> p.address() + ":" + p.port())
                .distinct().collect(Collectors.joining(", "))));
        workloads.getColumns().add(Tables.flex("Why", 200, Workload::evidence));
        workloads.setPlaceholder(new Label("No AI workloads recognised on this machine."));
        size(workloads, 6);
    }

    private void buildServices() {
        services.setId("inventory-services-table");
        services.getColumns().add(Tables.fitted("Port", s -> Integer.toString(s.port())));
        services.getColumns().add(Tables.fitted("Service", ExposedService::service));
        services.getColumns().add(Tables.fitted("Bind", s -> s.bindAddress() + " (" + s.bind().label() + ")"));
        services.getColumns().add(Tables.fitted("PID", s -> s.pid() == 0 ? "?" : Integer.toString(s.pid())));
        services.getColumns().add(Tables.fitted("Probe", s -> s.probe().outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ')));
        TableColumn<ExposedService, String> severity = Tables.fitted("Severity", s -> s.severity().name());
        severity.setCellFactory(c -> new SeverityCell<>());
        Tables.drawnAs(severity, BOLD, 0);
        services.getColumns().add(severity);
        services.getColumns().add(Tables.flex("Detail", 200, s -> s.probe().detail()));
        services.setPlaceholder(new Label("No known AI service ports are listening."));
        size(services, 5);
    }

    private void buildContainers() {
        containers.setId("inventory-containers-table");
        containers.getColumns().add(Tables.fitted("Name", ContainerInfo::name));
        containers.getColumns().add(Tables.fitted("Image", ContainerInfo::image));
        containers.getColumns().add(Tables.fitted("GPU", c -> c.gpuAccess() ? "yes" : "no"));
        TableColumn<ContainerInfo, String> risks = Tables.fitted("Risky settings", c -> String.join(", ", c.risks()));
        risks.setCellFactory(c -> new Tables.TextCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().remove("severity-critical");
                if (!empty && getTableRow() != null && getTableRow().getItem() != null && getTableRow().getItem().severe()) {
                    getStyleClass().add("severity-critical");
                }
            }
        });
        Tables.drawnAs(risks, BOLD, 0);
        containers.getColumns().add(risks);
        containers.getColumns().add(Tables.flex("Labels", 160, c -> c.labels().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))));
        containers.setPlaceholder(new Label("No containers are running."));
        containersUnavailable.setId("inventory-containers-unavailable");
        containersUnavailable.getStyleClass().add(Styles.MUTED);
        containersUnavailable.setWrapText(true);
        size(containers, 4);
    }

    private Node integritySection() {
        addFolder.setId("inventory-add-folder");
        addFolder.getStyleClass().add("accent");
        addFolder.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Add a folder of model or data files to a hash baseline");
            File dir = chooser.showDialog(root.getScene() == null ? null : root.getScene().getWindow());
            if (dir != null) {
                model.addBaseline(dir.toPath());
            }
        });
        verify.setId("inventory-verify");
        verify.setOnAction(e -> model.verifyNow());
        progressBar.setId("inventory-progress");
        progressBar.setPrefWidth(220);
        progressBar.setVisible(false);
        progressText.setId("inventory-progress-text");
        progressText.getStyleClass().add(Styles.MUTED);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox actions = new HBox(10, addFolder, verify, progressBar, progressText, spacer, integrityState);
        actions.setAlignment(Pos.CENTER_LEFT);
        integrityState.setId("inventory-integrity-state");

        baselines.setId("inventory-baselines-table");
        baselines.getColumns().add(Tables.fitted("Files", b -> Integer.toString(b.fileCount())));
        baselines.getColumns().add(Tables.fitted("Size", b -> Unit.bytes(b.totalBytes())));
        baselines.getColumns().add(Tables.fitted("Taken", b -> time(b.createdMillis())));
        baselines.getColumns().add(Tables.fitted("Last verify", b -> b.lastVerifyMillis().isPresent()
                ? time(b.lastVerifyMillis().getAsLong()) : "not yet"));
        TableColumn<Baseline, String> state = Tables.fitted("Drift", b -> !b.verified() ? Unit.NO_DATA
                : b.drift().isEmpty() ? "clean" : b.drift().size() + " file(s)");
        state.setCellFactory(c -> new SeverityCell<>());
        Tables.drawnAs(state, BOLD, 0);
        baselines.getColumns().add(state);
        baselines.getColumns().add(Tables.flex("Baseline", 200, b -> b.root().toString()));
        baselines.setPlaceholder(new Label("No baselines yet: \"Add folder…\" hashes a folder of model or data files."));
        size(baselines, 3);

        drift.setId("inventory-drift-table");
        drift.getColumns().add(Tables.fitted("Change", r -> r.entry().kind().name().toLowerCase(Locale.ROOT)));
        drift.getColumns().add(Tables.fitted("File", r -> r.entry().path()));
        drift.getColumns().add(Tables.fitted("Baseline", DriftRow::root));
        drift.getColumns().add(Tables.flex("Detail", 200, r -> r.entry().detail()));
        drift.setPlaceholder(new Label("No drift at the last verify."));
        size(drift, 4);

        recentModels.setId("inventory-recent-models");
        recentModels.getStyleClass().add(Styles.MUTED);
        recentModels.setWrapText(true);
        return section("inventory-integrity", "Integrity", "hash baselines of model and data files",
                actions, baselines, drift, recentModels);
    }

    /** A moment as every view writes it: time of day when today, else date and time. */
    private String time(long epochMillis) {
        return Durations.moment(Instant.ofEpochMilli(epochMillis), Instant.ofEpochMilli(model.now()), ZoneId.systemDefault());
    }

    private static void size(TableView<?> table, int rows) {
        table.setFixedCellSize(26);
        table.setPrefHeight(30 + rows * 26);
        table.setMinHeight(30 + 2 * 26);
        Tables.constrain(table);
    }

    /** Colours a cell by the severity word in it. */
    private static final class SeverityCell<T> extends Tables.TextCell<T> {
        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            getStyleClass().removeAll("severity-critical", "severity-warning", "severity-info", "severity-ok");
            if (empty || item == null) {
                return;
            }
            if (item.equals(Severity.CRITICAL.name()) || item.endsWith("file(s)")) {
                getStyleClass().add("severity-critical");
            } else if (item.equals(Severity.WARNING.name())) {
                getStyleClass().add("severity-warning");
            } else if (item.equals(Severity.INFO.name())) {
                getStyleClass().add("severity-info");
            } else if (item.equals(Severity.OK.name()) || item.equals("clean")) {
                getStyleClass().add("severity-ok");
            }
        }
    }

    private String uptime(long startMillis) {
        if (startMillis <= 0) {
            return "?";
        }
        return Durations.compact(Math.max(0, (model.now() - startMillis) / 1000));
    }

    @Override
    public Node node() {
        return io.vigil.ui.Layouts.scrolling(root);
    }

    @Override
    public void refresh() {
        InventorySnapshot s = model.snapshot();
        if (s != shown) {
            shown = s;
            show(s);
        }
        HashProgress.Progress p = model.progress();
        boolean hashing = p != null || model.busy();
        progressBar.setVisible(hashing);
        if (p != null) {
            progressBar.setProgress(p.fraction());
            progressText.setText(String.format(Locale.ROOT, "%s of %s, %d/%d files", Unit.bytes(p.bytesDone()),
                    Unit.bytes(p.bytesTotal()), p.filesDone(), p.filesTotal()));
        } else {
            progressBar.setProgress(ProgressBar.INDETERMINATE_PROGRESS);
            progressText.setText(model.message());
        }
        addFolder.setDisable(hashing || s.integrityUnavailable().isPresent());
        verify.setDisable(hashing || s.integrityUnavailable().isPresent() || s.baselines().isEmpty());
    }

    private void show(InventorySnapshot s) {
        long critical = s.services().stream().filter(e -> e.severity() == Severity.CRITICAL).count();
        summary.setText(s.takenAtMillis() == 0 ? "reading…" : String.format(Locale.ROOT,
                "%d workloads · %d AI services (%d critical) · %s · %d baselines, %d drifted files · as of %s",
                s.workloads().size(), s.services().size(), critical,
                s.docker().available() ? s.docker().containers().size() + " containers" : "docker not available",
                s.baselines().size(), s.driftCount(), time(s.takenAtMillis())));
        workloads.getItems().setAll(s.workloads());
        services.getItems().setAll(s.services());
        Tables.fit(workloads);
        Tables.fit(services);
        if (s.docker().available()) {
            containersUnavailable.setText("");
            containersUnavailable.setManaged(false);
            containersUnavailable.setVisible(false);
            containers.setVisible(true);
            containers.setManaged(true);
            containers.getItems().setAll(s.docker().containers());
            Tables.fit(containers);
        } else {
            containersUnavailable.setText("Docker not available: " + s.docker().reason());
            containersUnavailable.setManaged(true);
            containersUnavailable.setVisible(true);
            containers.setVisible(false);
            containers.setManaged(false);
            containers.getItems().clear();
        }
        baselines.getItems().setAll(s.baselines());
        Tables.fit(baselines);
        List<DriftRow> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Baseline b : s.baselines()) {
            b.drift().forEach(d -> rows.add(new DriftRow(b.root().toString(), d)));
            problems.addAll(b.problems());
        }
        drift.getItems().setAll(rows);
        Tables.fit(drift);
        integrityState.setText(s.integrityUnavailable().map(r -> "Integrity unavailable: " + r)
                .orElse(problems.isEmpty() ? "" : problems.size() + " file(s) could not be checked: " + problems.getFirst()));
        integrityState.getStyleClass().remove("severity-warning");
        if (s.integrityUnavailable().isPresent() || !problems.isEmpty()) {
            integrityState.getStyleClass().add("severity-warning");
        }
        recentModels.setText(s.recentModelFiles().isEmpty()
                ? "No model files (.safetensors, .gguf, .pt, .onnx, …) modified recently under the watched folders."
                : "Model files modified recently: " + s.recentModelFiles().stream().limit(8)
                        .map(f -> f.path() + " (" + Unit.bytes(f.sizeBytes()) + ", "
                                + time(f.mtimeMillis()) + ")")
                        .collect(Collectors.joining("; "))
                        + (s.recentModelFiles().size() > 8 ? " and " + (s.recentModelFiles().size() - 8) + " more" : ""));
    }
}
