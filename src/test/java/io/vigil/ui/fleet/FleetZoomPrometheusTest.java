package io.vigil.ui.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.fleet.FleetException;
import io.vigil.fleet.FleetFixture;
import io.vigil.fleet.FleetMetric;
import io.vigil.fleet.FleetReader;
import io.vigil.fleet.FleetSnapshot;
import io.vigil.fleet.FleetSource;
import io.vigil.fleet.NodeHealth;
import io.vigil.fleet.prometheus.ExporterMapping;
import io.vigil.fleet.prometheus.PrometheusClient;
import io.vigil.fleet.prometheus.PrometheusFleetReader;
import io.vigil.fleet.prometheus.RequestAuth;
import io.vigil.telemetry.SeriesPoints;
import io.vigil.ui.Styles;
import io.vigil.ui.chart.TimeRange;
import io.vigil.ui.chart.TimeSeriesChart;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The node detail's charts fetch the range they are zoomed to from a real Prometheus (the fleet
 * tests' harness: Debian's prometheus binary scraping exporters in the real text format) through
 * the real client and reader. The view's clock runs 30 minutes ahead of the wall clock, so the
 * window it loads first (its last 5 minutes) is empty and everything Prometheus scraped lies in an
 * earlier range that only a zoom reaches.
 */
class FleetZoomPrometheusTest {

    private static final DateTimeFormatter FIELD = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final FxRobot robot = new FxRobot();
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private FleetFixture fleet;
    private FleetSource source;
    private FleetView view;

    /** The real reader, with each history call and what it returned written down. */
    private record Call(FleetMetric metric, String uuid, Instant start, Instant end, int maxPoints, String thread,
                        SeriesPoints result) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();

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

    private FleetReader recording(FleetReader real) {
        return new FleetReader() {
            @Override
            public String origin() {
                return real.origin();
            }

            @Override
            public FleetSnapshot read(Instant now) throws FleetException {
                return real.read(now);
            }

            @Override
            public SeriesPoints history(String node, String gpuUuid, FleetMetric metric, Instant start, Instant end,
                                        int maxPoints) throws FleetException {
                SeriesPoints p = real.history(node, gpuUuid, metric, start, end, maxPoints);
                calls.add(new Call(metric, gpuUuid, start, end, maxPoints, Thread.currentThread().getName(), p));
                return p;
            }
        };
    }

    private void refreshUntil(String what, java.util.function.BooleanSupplier condition) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> {
                robot.interact(view::refresh);
                return condition.getAsBoolean();
            });
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what + "; history calls: " + calls.size()
                    + ", status: " + robot.lookup("#fleet-history-status").queryAs(Label.class).getText(), e);
        }
    }

    @Test
    void zoomingToAnEarlierRangeFetchesItWithQueryRangeAndChartsItsPoints() throws Exception {
        fleet = new FleetFixture();
        PrometheusClient client = new PrometheusClient("lab", fleet.prometheus.url(), HttpClient.newHttpClient(),
                RequestAuth.NONE, Duration.ofSeconds(20));
        PrometheusFleetReader real = new PrometheusFleetReader(client, ExporterMapping.builtIn());
        source = new FleetSource(real, Duration.ofSeconds(15));
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(30));
        FleetReader reader = recording(real);
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            FleetViewModel model = new FleetViewModel(source::latest, () -> Optional.of(reader), ahead, background);
            view = new FleetView(model, () -> true, ZoneOffset.UTC, f -> "", () -> { }, null, background);
            return (Parent) view.node();
        });
        FxToolkit.setupStage(stage -> {
            stage.getScene().getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
            stage.setX(0); // inside the 1000×1000 headless screen
            stage.setY(0);
            stage.setWidth(960);
            stage.setHeight(900);
            stage.show();
        });
        Instant scrapedFrom = Instant.now();
        fleet.prometheus.await("gpu-a up with samples", () -> {
            try {
                source.poll(Instant.now());
            } catch (Exception e) {
                throw new AssertionError(e.getMessage(), e);
            }
            robot.interact(view::refresh);
            // A few scrapes (one a second) so the earlier range holds several points a GPU.
            return view.grid().rows().stream().anyMatch(n -> n.name().equals("gpu-a") && n.health() == NodeHealth.UP)
                    && Duration.between(scrapedFrom, Instant.now()).toSeconds() >= 6;
        });

        robot.interact(() -> view.model().openNode("gpu-a"));
        TimeSeriesChart chart = view.detail().utilizationChart();
        refreshUntil("the window's history", () -> robot.lookup("#fleet-history-status").queryAs(Label.class)
                .getText().startsWith("History: "));
        long windowStart = Instant.now().plus(Duration.ofMinutes(25)).minusSeconds(60).toEpochMilli();
        assertTrue(calls.stream().allMatch(c -> c.start().toEpochMilli() >= windowStart), "first the 5 min window ahead");
        assertEquals(0, chart.pointCount(), "nothing scraped in the window the view thinks is now");
        int before = calls.size();
        int fetchesBefore = view.model().fetchCount();

        // A custom range, whole seconds as typed, from before the first scrape to now (wall clock):
        // 25 minutes before the loaded window starts.
        Instant from = scrapedFrom.minusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant to = Instant.now().plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        robot.interact(() -> {
            robot.lookup("#fleet-window-custom").queryAs(ToggleButton.class).fire();
            robot.lookup("#fleet-window-custom-from").queryAs(TextField.class)
                    .setText(FIELD.format(LocalDateTime.ofInstant(from, ZoneOffset.UTC)));
            robot.lookup("#fleet-window-custom-to").queryAs(TextField.class)
                    .setText(FIELD.format(LocalDateTime.ofInstant(to, ZoneOffset.UTC)));
            robot.lookup("#fleet-window-custom-apply").queryAs(Button.class).fire();
        });
        assertEquals("", robot.lookup("#fleet-window-custom-error").queryAs(Label.class).getText());
        assertEquals(new TimeRange(from.toEpochMilli(), to.toEpochMilli()), chart.visibleRange(), "the charts zoomed");
        refreshUntil("the zoomed range's points", () -> chart.pointCount() > 0);

        // The range was fetched with query_range (the reader's history), off the FX thread.
        List<Call> zoomCalls = calls.subList(before, calls.size()).stream()
                .filter(c -> c.start().equals(from) && c.end().equals(to)).toList();
        assertFalse(zoomCalls.isEmpty(), "a history call for exactly the zoomed range: " + calls.subList(before, calls.size()));
        assertTrue(zoomCalls.stream().noneMatch(c -> c.thread().contains("JavaFX")), "never on the FX thread");
        Call util0 = zoomCalls.stream().filter(c -> c.metric() == FleetMetric.UTILIZATION)
                .filter(c -> c.uuid().equals(view.model().selectedGpusProperty().get().getFirst().uuid()))
                .findFirst().orElseThrow();
        assertTrue(util0.result().size() >= 3, "Prometheus returned the scraped points: " + util0.result().size());
        assertTrue(util0.maxPoints() >= 50, "one point a pixel at most: " + util0.maxPoints());

        // And the chart shows exactly those points over exactly that range.
        assertEquals(new TimeRange(from.toEpochMilli(), to.toEpochMilli()), chart.dataRange());
        assertEquals(new TimeRange(from.toEpochMilli(), to.toEpochMilli()), chart.visibleRange());
        int expected = zoomCalls.stream().filter(c -> c.metric() == FleetMetric.UTILIZATION)
                .mapToInt(c -> c.result().size()).sum();
        assertEquals(expected, chart.pointCount(), "every GPU's utilization points from the zoomed fetch");
        assertFalse(chart.drawnSegments().isEmpty(), "drawn as lines");
        assertTrue(chart.drawnSegments().stream().allMatch(s -> s.fromMillis() >= from.toEpochMilli()
                && s.toMillis() <= to.toEpochMilli()), chart.drawnSegments().toString());
        String status = robot.lookup("#fleet-history-status").queryAs(Label.class).getText();
        assertTrue(status.startsWith("History: " + FIELD.format(LocalDateTime.ofInstant(from, ZoneOffset.UTC))), status);

        // A zoom inside what is loaded, at a step still fine for it, fetches nothing more.
        int fetches = view.model().fetchCount();
        long mid = (from.toEpochMilli() + to.toEpochMilli()) / 2;
        robot.interact(() -> chart.zoomTo(new TimeRange(from.toEpochMilli() + 2000, mid)));
        robot.interact(view::refresh);
        assertEquals(fetches, view.model().fetchCount(), "no refetch inside the loaded range at a fine step");
        assertTrue(fetches > fetchesBefore);

        // Reset zoom: back to the (empty) window the view thinks is now, fetched again.
        robot.interact(chart::resetZoom);
        refreshUntil("the window again", () -> chart.pointCount() == 0 && chart.dataRange().fromMillis() > to.toEpochMilli());
        assertTrue(view.model().zoomedRange() == null);
        System.out.printf("zoomed range %s..%s: %d history calls, %d utilization points for GPU 0 at maxPoints %d%n",
                from, to, zoomCalls.size(), util0.result().size(), util0.maxPoints());
    }
}
