package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.cloud.BillingSnapshot;
import io.vigil.cloud.CloudReadings;
import io.vigil.cloud.CostSnapshot;
import io.vigil.inventory.ContainerInfo;
import io.vigil.inventory.ExposedService;
import io.vigil.inventory.ProbeOutcome;
import io.vigil.inventory.Workload;
import io.vigil.scenario.Scenario;
import io.vigil.scenario.ScenarioFile;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import io.vigil.ui.Styles;
import io.vigil.ui.View;
import io.vigil.ui.cloud.CloudView;
import io.vigil.ui.cloud.CloudViewModel;
import io.vigil.ui.inventory.InventoryView;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.chart.StackedBarChart;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.layout.VBox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The demo's Cloud and Inventory views over the scenario wiring (the real scheduler, sources and
 * views; only the readers replay the scenario), the scenario clock advanced by hand: spend by
 * service, the anomaly and the billing alarm going from OK to ALARM as the night passes; the
 * scenario's workloads, exposed services, containers and model files.
 */
class DemoCloudInventoryTest {

    @TempDir
    Path dir;

    private final FxRobot robot = new FxRobot();
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private Wiring wiring;
    private View view;

    @AfterEach
    void stop() throws Exception {
        FxToolkit.cleanupStages();
        background.shutdownNow();
        if (wiring != null) {
            wiring.close();
        }
    }

    private void show(java.util.function.Supplier<View> make) throws Exception {
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            view = make.get();
            Node n = view.node();
            return n instanceof Parent p ? p : new VBox(n);
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

    /** Every source due at the clock's time polls once, to the end. */
    private void tick() throws Exception {
        for (Future<?> poll : wiring.scheduler().tick()) {
            poll.get(30, TimeUnit.SECONDS);
        }
    }

    private void refresh() {
        robot.interact(view::refresh);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private String text(String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    @Test
    void theDemoCloudViewShowsScenarioSpendAndTheBillingAlarmGoingOff() throws Exception {
        Scenario scenario = ScenarioFile.builtInDemo();
        // 07:00 the next morning: the spike is in the billing data, the alarm (09:10) not yet.
        ManualClock clock = new ManualClock(scenario.start().plus(Duration.ofHours(9)));
        wiring = Wiring.forScenario(new AppPaths(dir.resolve("config"), dir.resolve("data")), scenario, clock);
        CloudReadings readings = wiring.cloudReadings().orElseThrow(() -> new AssertionError("the demo has cloud readings"));
        tick();
        // As VigilApp builds it: the view reads the sources' snapshots.
        show(() -> new CloudView(new CloudViewModel(() -> readings.cost().latest(), () -> readings.billing().latest(),
                ZoneOffset.UTC), Optional.empty(), clock, background));
        refresh();

        long offset = scenario.offsetMillis(clock.instant());
        double today = scenario.curve(MetricId.of("cost.daily.total")).orElseThrow().at(offset);
        double mtd = scenario.curve(MetricId.of("cost.mtd")).orElseThrow().at(offset);
        assertEquals(String.format(Locale.ROOT, "$%,.2f", today), text("#cloud-today"));
        assertEquals(String.format(Locale.ROOT, "$%,.2f", mtd), text("#cloud-mtd"));
        CostSnapshot cost = readings.cost().latest();
        assertEquals(mtd, cost.days().stream().filter(d -> d.day().getMonth() == java.time.Month.MARCH)
                .mapToDouble(io.vigil.cloud.DailyCost::total).sum(), 0.01, "the month's bars add up to month to date");
        StackedBarChart<?, ?> bars = robot.lookup("#cloud-daily-chart").queryAs(StackedBarChart.class);
        List<String> services = bars.getData().stream().map(s -> s.getName()).toList();
        assertTrue(services.contains("EC2 compute") && services.contains("Other"), services.toString());
        // Today's spend above the others' share is the miner's EC2 compute.
        var todayBar = cost.days().getLast();
        assertTrue(todayBar.byService().get("Amazon Elastic Compute Cloud - Compute") > 0.8 * today, todayBar.toString());
        assertTrue(robot.lookup(".cloud-anomaly").queryAll().isEmpty(), "no anomaly reported before 08:30");
        Label alarm = robot.lookup(".cloud-alarm").queryAs(Label.class);
        assertTrue(alarm.getText().startsWith("OK") && alarm.getText().contains("billing-over-2000-usd"), alarm.getText());

        // 09:30: AWS has reported the anomaly and the billing alarm is in ALARM.
        clock.advance(Duration.ofHours(2).plusMinutes(30));
        tick();
        refresh();
        alarm = robot.lookup(".cloud-alarm").queryAs(Label.class);
        assertTrue(alarm.getText().startsWith("ALARM") && alarm.getText().contains("billing-over-2000-usd"),
                alarm.getText());
        // The metric and region are on the row's second line, CloudWatch's reason on the third.
        String details = robot.lookup(".cloud-alarm-detail").queryAllAs(Label.class).stream().map(Label::getText)
                .collect(java.util.stream.Collectors.joining("\n"));
        assertTrue(details.contains("AWS/Billing") && details.contains("greater than the threshold"), details);
        assertTrue(alarm.getStyleClass().contains(Styles.HEALTH_DOWN), alarm.getStyleClass().toString());
        BillingSnapshot billing = readings.billing().latest();
        assertTrue(billing.alarms().getFirst().reason().contains("greater than the threshold"), billing.toString());
        Label anomaly = (Label) ((VBox) robot.lookup(".cloud-anomaly").query()).getChildren().getFirst();
        assertTrue(anomaly.getText().contains("$312.40") && anomaly.getText().contains("open"), anomaly.getText());
        assertTrue(text("#cloud-estimated").startsWith("$2,0"), text("#cloud-estimated"));
    }

    @Test
    void theDemoInventoryListsTheScenarioWorkloadsServicesContainersAndModelFiles() throws Exception {
        Scenario scenario = ScenarioFile.builtInDemo();
        ManualClock clock = new ManualClock(scenario.start().plus(Duration.ofHours(5)));
        wiring = Wiring.forScenario(new AppPaths(dir.resolve("config"), dir.resolve("data")), scenario, clock);
        assertTrue(wiring.inventory() != null, "the demo has an inventory");
        tick();
        // The inventory reads the process source's latest list: poll again once that is there.
        clock.advance(Duration.ofMinutes(1));
        tick();
        show(() -> InventoryView.of(wiring.inventory(), wiring.series(), clock));
        refresh();

        @SuppressWarnings("unchecked")
        TableView<Workload> workloads = robot.lookup("#inventory-workloads-table").queryAs(TableView.class);
        List<String> kinds = workloads.getItems().stream().map(w -> w.pid() + ":" + w.label()).toList();
        assertTrue(kinds.containsAll(List.of("1733:Jupyter", "24050:TensorBoard", "24001:PyTorch")), kinds.toString());
        assertTrue(robot.lookup(".table-cell").queryAll().stream()
                .anyMatch(c -> c instanceof javafx.scene.control.Labeled l && "TensorBoard".equals(l.getText())),
                "the workload is drawn, not only held");
        @SuppressWarnings("unchecked")
        TableView<ExposedService> services = robot.lookup("#inventory-services-table").queryAs(TableView.class);
        ExposedService tb = services.getItems().stream().filter(s -> s.port() == 6006).findFirst().orElseThrow();
        assertEquals(ProbeOutcome.OPEN, tb.probe().outcome());
        assertEquals(io.vigil.inventory.Severity.WARNING, tb.severity(), "open on all interfaces, no code execution");
        assertEquals(ProbeOutcome.AUTH_REQUIRED, services.getItems().stream().filter(s -> s.port() == 8888)
                .findFirst().orElseThrow().probe().outcome());
        @SuppressWarnings("unchecked")
        TableView<ContainerInfo> containers = robot.lookup("#inventory-containers-table").queryAs(TableView.class);
        assertEquals(List.of("nfs-exporter", "dcgm-exporter", "label-studio"),
                containers.getItems().stream().map(ContainerInfo::name).toList());
        assertTrue(text("#inventory-recent-models").contains("step-44500/model.safetensors"),
                text("#inventory-recent-models"));
        assertTrue(text("#inventory-integrity-state").contains("not part of the demo"), text("#inventory-integrity-state"));
    }
}
