package io.vigil.ui.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.fleet.FleetFixture;
import io.vigil.fleet.FleetNode;
import io.vigil.fleet.FleetSource;
import io.vigil.fleet.NodeHealth;
import io.vigil.fleet.prometheus.ExporterMapping;
import io.vigil.fleet.prometheus.PrometheusClient;
import io.vigil.fleet.prometheus.PrometheusFleetReader;
import io.vigil.fleet.prometheus.RequestAuth;
import io.vigil.ui.Styles;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Fleet view driven by a real Prometheus (the fleet tests' harness: Debian's prometheus binary
 * scraping exporters served in the real text format) through the real client, reader and source.
 */
class FleetViewPrometheusTest {

    private final FxRobot robot = new FxRobot();
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private FleetFixture fleet;
    private FleetSource source;
    private FleetView view;

    @AfterEach
    void stop() throws Exception {
        FxToolkit.cleanupStages();
        background.shutdownNow();
        if (source != null) {
            source.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    private void pollUntil(String what, java.util.function.Predicate<java.util.List<FleetNode>> condition) {
        fleet.prometheus.await(what, () -> {
            try {
                source.poll(Instant.now());
            } catch (Exception e) {
                throw new AssertionError(e.getMessage(), e);
            }
            robot.interact(view::refresh);
            return condition.test(view.grid().rows());
        });
    }

    @Test
    void showsEveryNodeFromPrometheusTurnsAStoppedExporterDownAndDrillsIntoHistory() throws Exception {
        fleet = new FleetFixture();
        PrometheusClient client = new PrometheusClient("lab", fleet.prometheus.url(), HttpClient.newHttpClient(),
                RequestAuth.NONE, Duration.ofSeconds(20));
        source = new FleetSource(new PrometheusFleetReader(client, ExporterMapping.builtIn()), Duration.ofSeconds(15));
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            view = FleetView.create(() -> Optional.of(source), Clock.systemUTC(), background, f -> "", () -> { }, null);
            return (Parent) view.node();
        });
        FxToolkit.setupStage(stage -> {
            stage.getScene().getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
            stage.setX(0); // inside the 1000×1000 headless screen with room to spare, whatever an earlier test left
            stage.setY(0);
            stage.setWidth(960);
            stage.setHeight(900);
            stage.show();
        });

        pollUntil("three nodes up", rows -> rows.size() == 3 && rows.stream().allMatch(n -> n.health() == NodeHealth.UP));
        assertEquals(5, view.grid().cellsPainted(), "2 + 2 + 1 GPUs");
        assertEquals("3 / 0", robot.lookup("#fleet-tile-nodes-value").queryAs(Label.class).getText());
        assertTrue(robot.lookup("#fleet-origin").queryAs(Label.class).getText().contains("prometheus http://127.0.0.1:"));

        fleet.dcgmC.stop();
        pollUntil("gpu-c DOWN", rows -> rows.stream().anyMatch(n -> n.name().equals("gpu-c") && n.health() == NodeHealth.DOWN));
        String status = view.grid().paintedStatus("gpu-c");
        assertTrue(status != null && status.startsWith("DOWN — ") && status.contains("last scrape"), String.valueOf(status));
        assertEquals("2 / 1", robot.lookup("#fleet-tile-nodes-value").queryAs(Label.class).getText());

        int row = view.grid().rows().stream().map(FleetNode::name).toList().indexOf("gpu-a");
        robot.clickOn(view.grid().canvas().localToScreen(view.grid().cellCenter(row, 1)));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(2, robot.lookup("#fleet-gpu-cards .gpu-card").queryAll().size());
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> {
            robot.interact(view::refresh);
            return view.detail().utilizationChart().pointCount() > 0;
        });
        // A fetch asked for while the first was running (the charts laid out at their width) may still
        // be in flight: the status says "Loading history …" until it lands, then what is shown.
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> {
            robot.interact(view::refresh);
            return robot.lookup("#fleet-history-status").queryAs(Label.class).getText().startsWith("History: ");
        });
        String historyStatus = robot.lookup("#fleet-history-status").queryAs(Label.class).getText();
        assertTrue(historyStatus.contains("points per GPU at most"), historyStatus);
    }
}
