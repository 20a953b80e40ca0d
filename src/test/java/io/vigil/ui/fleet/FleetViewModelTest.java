package io.vigil.ui.fleet;

import static io.vigil.ui.fleet.FleetFixtures.down;
import static io.vigil.ui.fleet.FleetFixtures.gpu;
import static io.vigil.ui.fleet.FleetFixtures.node;
import static io.vigil.ui.fleet.FleetFixtures.proc;
import static io.vigil.ui.fleet.FleetFixtures.snapshot;
import static io.vigil.ui.fleet.FleetFixtures.up;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.fleet.FleetException;
import io.vigil.fleet.FleetMetric;
import io.vigil.fleet.FleetNode;
import io.vigil.fleet.FleetSnapshot;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.TimeWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The Fleet view model over a fake reader, plain Java: no toolkit, no thread but a queued executor. */
class FleetViewModelTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-14T03:00:00Z"));
    private final AtomicReference<FleetSnapshot> latest = new AtomicReference<>(FleetSnapshot.EMPTY);
    private final FleetFixtures.RecordingReader reader = new FleetFixtures.RecordingReader();
    /** Background work waits here until the test runs it: shows it is not done on the calling thread. */
    private final Queue<Runnable> background = new ArrayDeque<>();
    private final Executor executor = background::add;
    private final FleetViewModel model = new FleetViewModel(latest::get, () -> Optional.of(reader), clock, executor);

    private static List<String> names(List<FleetNode> rows) {
        return rows.stream().map(FleetNode::name).toList();
    }

    @Test
    void summarizesUpDownBusyIdleButAllocatedAndPower() {
        FleetNode mixed = node("n3", "c1", List.of(
                gpu("n3", 0, 2, 40, 80, 0, proc(7, "jupyter-lab", "nb-alice", "research")), // idle but allocated
                gpu("n3", 1, 1, 40, 70, 0), // idle, free
                gpu("n3", 2, 60, 60, 300, 0))); // busy
        latest.set(snapshot(1, up("n1", "c1", 2, 90, 70), down("n2", "c1", "connection refused", 5), mixed));
        model.refresh();
        FleetSummary s = model.summaryProperty().get();
        assertEquals(2, s.nodesUp());
        assertEquals(1, s.nodesDown());
        assertEquals(5, s.gpus(), "a DOWN node's GPUs are not counted as current");
        assertEquals(3, s.gpusBusy());
        assertEquals(1, s.gpusIdleAllocated());
        assertEquals(2 * (100 + 90 * 5) + 80 + 70 + 300, s.totalPowerWatts(), 1e-9);
        assertEquals("1.55 kW", FleetView.power(s.totalPowerWatts()));
        assertEquals("950 W", FleetView.power(950));
    }

    @Test
    void recomputesRowsOnlyWhenTheSnapshotChanges() {
        latest.set(snapshot(1, up("a", "c", 1, 10, 40)));
        model.refresh();
        List<FleetNode> rows = model.rowsProperty().get();
        model.refresh();
        model.refresh();
        assertSame(rows, model.rowsProperty().get(), "same snapshot: same rows, no redraw");
        latest.set(snapshot(2, up("a", "c", 1, 20, 40)));
        model.refresh();
        assertTrue(rows != model.rowsProperty().get());
    }

    @Test
    void sortsHottestBusiestAndMostErrorsWithDownNodesLast() {
        FleetNode errors = node("e", "c", List.of(gpu("e", 0, 10, 50, 100, 3), gpu("e", 1, 10, 50, 100, 1)));
        latest.set(snapshot(1, up("cool", "c", 8, 95, 45), down("dead", "c", "x", 1), up("hot", "c", 8, 60, 88),
                up("warm", "c", 8, 30, 70), errors));
        model.refresh();
        assertEquals(List.of("cool", "dead", "e", "hot", "warm"), names(model.rowsProperty().get()));
        model.sortProperty().set(FleetSort.HOTTEST);
        assertEquals(List.of("hot", "warm", "e", "cool", "dead"), names(model.rowsProperty().get()));
        model.sortProperty().set(FleetSort.BUSIEST);
        assertEquals(List.of("cool", "hot", "warm", "e", "dead"), names(model.rowsProperty().get()));
        model.sortProperty().set(FleetSort.MOST_ERRORS);
        assertEquals("e", model.rowsProperty().get().getFirst().name());
        assertEquals("dead", model.rowsProperty().get().getLast().name());
    }

    @Test
    void filtersByAnyLabelValueOrKeyValueAndAllWordsMustMatch() {
        FleetNode research = node("gpu-9", "infer-eu", List.of(gpu("gpu-9", 0, 2, 40, 80, 0,
                proc(7, "jupyter-lab", "nb-alice", "research"))));
        latest.set(snapshot(1, up("gpu-1", "train-us", 2, 90, 70), up("gpu-2", "train-eu", 2, 90, 70), research));
        model.refresh();
        model.filterProperty().set("train");
        assertEquals(List.of("gpu-1", "gpu-2"), names(model.rowsProperty().get()));
        model.filterProperty().set("train eu");
        assertEquals(List.of("gpu-2"), names(model.rowsProperty().get()));
        model.filterProperty().set("namespace=research");
        assertEquals(List.of("gpu-9"), names(model.rowsProperty().get()));
        model.filterProperty().set("cluster=train-us");
        assertEquals(List.of("gpu-1"), names(model.rowsProperty().get()));
        model.filterProperty().set("model=h100 node=gpu-2");
        assertEquals(List.of("gpu-2"), names(model.rowsProperty().get()));
        model.filterProperty().set("NB-ALICE");
        assertEquals(List.of("gpu-9"), names(model.rowsProperty().get()), "pod names match, case-insensitive");
        model.filterProperty().set("nothing-matches");
        assertTrue(model.rowsProperty().get().isEmpty());
        model.filterProperty().set("  ");
        assertEquals(3, model.rowsProperty().get().size());
    }

    @Test
    void openingANodeFetchesHistoryInTheBackgroundAtThePlotWidth() {
        latest.set(snapshot(1, up("n1", "c", 2, 90, 70)));
        model.refresh();
        model.setHistoryWidthPixels(640);
        model.windowProperty().set(TimeWindow.ONE_DAY);
        model.openNode("n1");
        assertEquals("n1", model.selectedNodeProperty().get().name());
        assertTrue(reader.calls.isEmpty(), "nothing fetched on the calling (FX) thread");
        assertEquals(1, background.size());
        background.poll().run();
        assertEquals(2 * 4, reader.calls.size(), "4 charted metrics x 2 GPUs");
        var call = reader.calls.getFirst();
        assertEquals(640, call.maxPoints());
        assertEquals(Duration.ofHours(24), Duration.between(call.start(), call.end()));
        assertEquals(clock.instant(), call.end());
        model.refresh();
        NodeHistory h = model.historyProperty().get();
        assertEquals("n1", h.node());
        assertEquals(2, h.of(FleetMetric.UTILIZATION).size());
        assertTrue(h.of(FleetMetric.UTILIZATION).getFirst().points().size() > 10);

        model.windowProperty().set(TimeWindow.SEVEN_DAYS);
        background.poll().run();
        assertEquals(Duration.ofDays(7), Duration.between(reader.calls.getLast().start(), reader.calls.getLast().end()));
        model.closeNode();
        assertNull(model.selectedNodeProperty().get());
    }

    @Test
    void aDownNodesHistoryUsesTheGpusItLastHadAndAFailureIsSaid() {
        latest.set(snapshot(1, up("n1", "c", 3, 90, 70)));
        model.refresh();
        latest.set(snapshot(2, down("n1", "c", "no route to host", 1)));
        model.refresh();
        reader.failWith = new FleetException(FleetException.Kind.UNREACHABLE, "Prometheus at http://test:9090 refused");
        model.openNode("n1");
        assertEquals(3, model.selectedGpusProperty().get().size(), "identities from before it went down");
        assertTrue(model.processes().isEmpty(), "no stale processes for a DOWN node");
        background.poll().run();
        model.refresh();
        assertTrue(model.historyProperty().get().problem().contains("refused"), model.historyProperty().get().problem());
    }

    @Test
    void aRequestDuringAFetchIsRunAfterItAndAClosedNodesResultIsDropped() {
        latest.set(snapshot(1, up("n1", "c", 1, 90, 70), up("n2", "c", 1, 50, 60)));
        model.refresh();
        model.openNode("n1");
        model.openNode("n2"); // while n1's fetch is queued
        assertEquals(1, background.size());
        background.poll().run(); // fetches n1
        model.refresh();
        assertEquals("", model.historyProperty().get().node(), "n1's history is not shown for n2");
        assertEquals(1, background.size(), "n2's fetch follows");
        background.poll().run();
        model.refresh();
        assertEquals("n2", model.historyProperty().get().node());
    }

    @Test
    void aZoomIntoACoarseWindowRefetchesAtAFinerStepAndAZoomOutsideFetchesThatRange() {
        latest.set(snapshot(1, up("n1", "c", 1, 90, 70)));
        model.refresh();
        model.setHistoryWidthPixels(400);
        model.windowProperty().set(TimeWindow.ONE_DAY);
        model.openNode("n1");
        background.poll().run();
        model.refresh();
        long now = clock.millis();
        assertEquals(216_542, model.historyProperty().get().stepMillis(), "24 h over 400 points: a 217 s step");

        // Zoomed into one hour of it: 217 s would leave 16 points for 400 px, so it is fetched again.
        var hour = new io.vigil.ui.chart.TimeRange(now - 3 * 3_600_000, now - 2 * 3_600_000);
        int before = reader.calls.size();
        model.zoomTo(hour);
        assertEquals(1, background.size(), "a finer fetch, queued off the calling thread");
        assertEquals(hour, model.loadingProperty().get(), "the pane can say what is loading");
        background.poll().run();
        var call = reader.calls.get(before);
        assertEquals(Instant.ofEpochMilli(hour.fromMillis()), call.start());
        assertEquals(Instant.ofEpochMilli(hour.toMillis()), call.end());
        model.refresh();
        assertEquals(hour.fromMillis(), model.historyProperty().get().fromMillis());
        assertEquals(9_023, model.historyProperty().get().stepMillis(), "1 h over 400 points: a 9 s step");
        assertNull(model.loadingProperty().get());

        // Inside that hour at a step still fine for it: nothing to fetch.
        model.zoomTo(new io.vigil.ui.chart.TimeRange(hour.fromMillis(), hour.fromMillis() + 50 * 60_000));
        assertTrue(background.isEmpty(), "no refetch inside the loaded range at a fine step");

        // Two days back, outside anything loaded (past the 24 h window): that range is fetched.
        var earlier = new io.vigil.ui.chart.TimeRange(now - 49 * 3_600_000, now - 48 * 3_600_000);
        model.zoomTo(earlier);
        background.poll().run();
        assertEquals(Instant.ofEpochMilli(earlier.fromMillis()), reader.calls.getLast().start());
        model.refresh();
        assertEquals(earlier.toMillis(), model.historyProperty().get().toMillis());

        // A poll while zoomed into the past does not replace it with the window; Reset zoom does.
        clock.advance(Duration.ofSeconds(15));
        latest.set(snapshot(2, up("n1", "c", 1, 91, 70)));
        model.refresh();
        assertTrue(background.isEmpty(), "a zoomed past range stays as fetched");
        model.zoomTo(null);
        background.poll().run();
        model.refresh();
        assertEquals(Duration.ofHours(24).toMillis(),
                model.historyProperty().get().toMillis() - model.historyProperty().get().fromMillis());
    }
}
