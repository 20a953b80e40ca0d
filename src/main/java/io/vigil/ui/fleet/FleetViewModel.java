package io.vigil.ui.fleet;

import io.vigil.fleet.FleetException;
import io.vigil.fleet.FleetGpu;
import io.vigil.fleet.FleetMetric;
import io.vigil.fleet.FleetNode;
import io.vigil.fleet.FleetProcess;
import io.vigil.fleet.FleetReader;
import io.vigil.fleet.FleetSnapshot;
import io.vigil.fleet.NodeHealth;
import io.vigil.telemetry.SeriesPoints;
import io.vigil.telemetry.TimeWindow;
import io.vigil.ui.chart.TimeRange;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * What the Fleet view shows, as read-only properties the view binds: the fleet snapshot, the rows
 * of the heat grid (filtered and sorted), the summary tiles, the node opened for detail and its
 * history. {@link #refresh()} runs on the FX thread at the UI cadence and only copies the source's
 * latest snapshot (in memory); the properties change only when the snapshot did, so the grid
 * redraws only then. History is fetched from the fleet reader on the background executor, never on
 * the FX thread, and picked up by the next refresh.
 */
final class FleetViewModel {

    /** A GPU at or above this utilization is busy (as on the Dashboard). */
    static final double BUSY_PERCENT = 50;
    /** A GPU below this utilization with a process or pod on it is idle but allocated. */
    static final double IDLE_PERCENT = 5;
    private static final List<FleetMetric> CHARTED = List.of(FleetMetric.UTILIZATION, FleetMetric.MEMORY_USED,
            FleetMetric.TEMPERATURE, FleetMetric.POWER);

    private final Supplier<FleetSnapshot> latest;
    private final Supplier<Optional<FleetReader>> reader;
    private final Clock clock;
    private final Executor background;

    private final ReadOnlyObjectWrapper<FleetSnapshot> snapshot = new ReadOnlyObjectWrapper<>(FleetSnapshot.EMPTY);
    private final ReadOnlyObjectWrapper<List<FleetNode>> rows = new ReadOnlyObjectWrapper<>(List.of());
    private final ReadOnlyObjectWrapper<FleetSummary> summary = new ReadOnlyObjectWrapper<>(FleetSummary.EMPTY);
    private final ReadOnlyObjectWrapper<FleetNode> selectedNode = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<List<FleetGpu>> selectedGpus = new ReadOnlyObjectWrapper<>(List.of());
    private final ReadOnlyObjectWrapper<NodeHistory> history = new ReadOnlyObjectWrapper<>(NodeHistory.EMPTY);

    private final ObjectProperty<HeatMetric> metric = new SimpleObjectProperty<>(HeatMetric.UTILIZATION);
    private final ObjectProperty<FleetSort> sort = new SimpleObjectProperty<>(FleetSort.NAME);
    private final StringProperty filter = new SimpleStringProperty("");
    private final ObjectProperty<TimeWindow> window = new SimpleObjectProperty<>(TimeWindow.FIVE_MINUTES);

    /** The GPUs each node had when it last answered, so a DOWN node's history can still be charted. */
    private final Map<String, List<FleetGpu>> lastSeenGpus = new HashMap<>();
    private final AtomicBoolean loading = new AtomicBoolean();
    private volatile NodeHistory loaded = NodeHistory.EMPTY;
    private volatile boolean reloadWanted;
    private int historyWidthPixels = 400;
    /** The range the charts are zoomed to and history is fetched for; null: the window up to now. FX thread. */
    private TimeRange zoomed;
    /** The range of the fetch in flight or queued (the pane says "Loading…"); null when none. FX thread. */
    private final ReadOnlyObjectWrapper<TimeRange> loadingRange = new ReadOnlyObjectWrapper<>();
    /** Fetches that did not start on the FX thread (tests, diagnostics). */
    private final java.util.concurrent.atomic.AtomicInteger fetches = new java.util.concurrent.atomic.AtomicInteger();

    FleetViewModel(Supplier<FleetSnapshot> latest, Supplier<Optional<FleetReader>> reader, Clock clock,
                   Executor background) {
        this.latest = latest;
        this.reader = reader;
        this.clock = clock;
        this.background = background;
        sort.addListener((o, a, b) -> rows.set(arrange(snapshot.get().nodes())));
        filter.addListener((o, a, b) -> rows.set(arrange(snapshot.get().nodes())));
        window.addListener((o, a, b) -> {
            zoomed = null; // a window button shows the window up to now again
            requestHistory();
        });
    }

    // ---- outputs -------------------------------------------------------------------------------

    ReadOnlyObjectProperty<FleetSnapshot> snapshotProperty() {
        return snapshot.getReadOnlyProperty();
    }

    /** The heat grid's rows: the snapshot's nodes that pass the filter, in the chosen order. */
    ReadOnlyObjectProperty<List<FleetNode>> rowsProperty() {
        return rows.getReadOnlyProperty();
    }

    ReadOnlyObjectProperty<FleetSummary> summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** The node opened for detail (its current reading), or null while the grid is shown. */
    ReadOnlyObjectProperty<FleetNode> selectedNodeProperty() {
        return selectedNode.getReadOnlyProperty();
    }

    /**
     * The opened node's GPUs: its current ones, or when it is DOWN the identities it last had (to
     * chart its history; their numbers are never shown as current).
     */
    ReadOnlyObjectProperty<List<FleetGpu>> selectedGpusProperty() {
        return selectedGpus.getReadOnlyProperty();
    }

    ReadOnlyObjectProperty<NodeHistory> historyProperty() {
        return history.getReadOnlyProperty();
    }

    /** The range being fetched, null while nothing is: the pane shows "Loading…" meanwhile. */
    ReadOnlyObjectProperty<TimeRange> loadingProperty() {
        return loadingRange.getReadOnlyProperty();
    }

    // ---- inputs --------------------------------------------------------------------------------

    ObjectProperty<HeatMetric> metricProperty() {
        return metric;
    }

    ObjectProperty<FleetSort> sortProperty() {
        return sort;
    }

    /** Words that must all match a label value (cluster, namespace, model, node name, pod); {@code key=value} too. */
    StringProperty filterProperty() {
        return filter;
    }

    ObjectProperty<TimeWindow> windowProperty() {
        return window;
    }

    // ---- commands ------------------------------------------------------------------------------

    /** Copies the source's latest snapshot; recomputes rows and tiles only when it changed. */
    void refresh() {
        FleetSnapshot s = latest.get();
        if (s != snapshot.get()) {
            snapshot.set(s);
            for (FleetNode n : s.nodes()) {
                if (n.health() == NodeHealth.UP && !n.gpus().isEmpty()) {
                    lastSeenGpus.put(n.name(), n.gpus());
                }
            }
            summary.set(summarize(s));
            rows.set(arrange(s.nodes()));
            FleetNode open = selectedNode.get();
            if (open != null) {
                FleetNode now = s.nodes().stream().filter(n -> n.name().equals(open.name())).findFirst().orElse(open);
                selectedNode.set(now);
                selectedGpus.set(gpusOf(now));
                if (zoomed == null || !covers(history.get(), zoomed) || !history.get().problem().isEmpty()) {
                    requestHistory(); // one history fetch per poll at most; a zoomed past range stays as fetched
                }
            }
        }
        NodeHistory h = loaded;
        FleetNode open = selectedNode.get();
        // A fetch for a node closed meanwhile, or for a range no longer asked for, is dropped.
        if (h != history.get() && open != null && h.node().equals(open.name()) && wanted(h)) {
            history.set(h);
            TimeRange pending = loadingRange.get();
            if ((!loading.get() && !reloadWanted) || (pending != null && covers(h, pending))) {
                // What was being loaded is on screen; a live window's refetch queued behind it is silent.
                loadingRange.set(null);
            }
        }
        if (reloadWanted && !loading.get()) {
            reloadWanted = false; // a request that came while a fetch was running
            requestHistory();
        }
    }

    /** Opens a node's detail and fetches its history. */
    void openNode(String name) {
        FleetNode node = snapshot.get().nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
        if (node == null) {
            return;
        }
        loaded = NodeHistory.EMPTY;
        history.set(NodeHistory.EMPTY);
        zoomed = null;
        selectedNode.set(node);
        selectedGpus.set(gpusOf(node));
        requestHistory();
    }

    /** Back to the grid. */
    void closeNode() {
        selectedNode.set(null);
        selectedGpus.set(List.of());
    }

    /** The charts' plot width: history is asked for at one point per pixel. */
    void setHistoryWidthPixels(int pixels) {
        int px = Math.max(50, pixels);
        boolean changed = Math.abs(px - historyWidthPixels) > historyWidthPixels / 10;
        historyWidthPixels = px;
        if (changed) {
            requestHistory(); // the charts were laid out or resized: ask again at their width
        }
    }

    /**
     * The charts were zoomed (a drag, or a custom range) to {@code range}, or back to the whole
     * window ({@code null}). A range outside what is loaded is fetched; one inside is fetched again
     * only when the loaded step is coarse for it (fewer than half the points the plot could show).
     */
    void zoomTo(TimeRange range) {
        if (range == null) {
            if (zoomed != null) {
                zoomed = null;
                requestHistory();
            }
            return;
        }
        NodeHistory shown = history.get();
        if (!shown.problem().isEmpty() || !covers(shown, range) || coarse(shown, range)) {
            zoomed = range;
            requestHistory();
        }
    }

    /** The range asked for when zoomed; null while the window up to now is shown. */
    TimeRange zoomedRange() {
        return zoomed;
    }

    /** History fetches started (each asks the reader for every GPU and metric). */
    int fetchCount() {
        return fetches.get();
    }

    private boolean covers(NodeHistory h, TimeRange r) {
        FleetNode open = selectedNode.get();
        return open != null && h.node().equals(open.name()) && h.fromMillis() <= r.fromMillis() && r.toMillis() <= h.toMillis();
    }

    private boolean coarse(NodeHistory h, TimeRange r) {
        long needed = io.vigil.fleet.prometheus.RangeStep.choose(Instant.ofEpochMilli(r.fromMillis()),
                Instant.ofEpochMilli(r.toMillis()), historyWidthPixels).toMillis();
        return h.stepMillis() > 2 * needed;
    }

    /** Whether {@code h} is what the charts ask for now: the zoomed range, or the window when not zoomed. */
    private boolean wanted(NodeHistory h) {
        return zoomed == null ? !h.zoomed()
                : h.zoomed() && h.fromMillis() == zoomed.fromMillis() && h.toMillis() == zoomed.toMillis();
    }

    int historyWidthPixels() {
        return historyWidthPixels;
    }

    long now() {
        return clock.millis();
    }

    /** The processes on the opened node's GPUs, as the exporter reports them (attacker input). */
    List<ProcessRow> processes() {
        FleetNode n = selectedNode.get();
        if (n == null || n.health() == NodeHealth.DOWN) {
            return List.of();
        }
        List<ProcessRow> out = new ArrayList<>();
        for (FleetGpu g : n.gpus()) {
            for (FleetProcess p : g.processes()) {
                out.add(new ProcessRow(g.index(), p));
            }
        }
        return out;
    }

    /** A process and the index of the GPU it is on. */
    record ProcessRow(int gpuIndex, FleetProcess process) {
    }

    private List<FleetGpu> gpusOf(FleetNode n) {
        return n.health() == NodeHealth.DOWN || n.gpus().isEmpty() ? lastSeenGpus.getOrDefault(n.name(), List.of())
                : n.gpus();
    }

    private void requestHistory() {
        FleetNode node = selectedNode.get();
        if (node == null) {
            return;
        }
        TimeRange range = zoomed;
        long to = range != null ? range.toMillis() : clock.millis();
        long from = range != null ? range.fromMillis() : to - window.get().duration().toMillis();
        if (range != null || history.get() == NodeHistory.EMPTY || !history.get().node().equals(node.name())) {
            loadingRange.set(new TimeRange(from, to)); // a live window's refetch replaces data silently
        }
        if (!loading.compareAndSet(false, true)) {
            reloadWanted = true; // the running fetch is followed by one more with the newest settings
            return;
        }
        String name = node.name();
        List<FleetGpu> gpus = selectedGpus.get();
        boolean isZoom = range != null;
        int width = historyWidthPixels;
        Optional<FleetReader> r = reader.get();
        fetches.incrementAndGet();
        background.execute(() -> {
            try {
                loaded = fetch(r, name, gpus, from, to, width, isZoom);
            } finally {
                loading.set(false);
            }
        });
    }

    private static NodeHistory fetch(Optional<FleetReader> r, String node, List<FleetGpu> gpus, long from, long to,
                                     int width, boolean zoomed) {
        if (r.isEmpty()) {
            return new NodeHistory(node, from, to, width, zoomed, Map.of(), "No fleet source: history is unavailable.");
        }
        Map<FleetMetric, List<NodeHistory.GpuSeries>> out = new EnumMap<>(FleetMetric.class);
        String problem = "";
        for (FleetMetric m : CHARTED) {
            List<NodeHistory.GpuSeries> perGpu = new ArrayList<>();
            for (FleetGpu g : gpus) {
                SeriesPoints p;
                try {
                    p = r.get().history(node, g.uuid(), m, Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), width);
                } catch (FleetException e) {
                    problem = "History from " + r.get().origin() + " failed: " + e.getMessage();
                    p = SeriesPoints.EMPTY;
                } catch (RuntimeException e) {
                    problem = "History failed: " + e;
                    p = SeriesPoints.EMPTY;
                }
                perGpu.add(new NodeHistory.GpuSeries(g.index(), g.uuid(), p));
            }
            out.put(m, perGpu);
        }
        return new NodeHistory(node, from, to, width, zoomed, out, problem);
    }

    // ---- pure functions (tested without a toolkit) -----------------------------------------------

    static FleetSummary summarize(FleetSnapshot s) {
        int up = 0;
        int down = 0;
        int unknown = 0;
        int gpus = 0;
        int busy = 0;
        int idleAllocated = 0;
        double power = 0;
        for (FleetNode n : s.nodes()) {
            switch (n.health()) {
                case UP -> up++;
                case DOWN -> down++;
                case UNKNOWN -> unknown++;
            }
            if (n.health() == NodeHealth.DOWN) {
                continue; // its last numbers are stale: not counted as current
            }
            for (FleetGpu g : n.gpus()) {
                gpus++;
                double util = g.utilizationPercent().orElse(Double.NaN);
                if (util >= BUSY_PERCENT) {
                    busy++;
                }
                if (util < IDLE_PERCENT && allocated(g)) {
                    idleAllocated++;
                }
                power += g.powerWatts().orElse(0);
            }
        }
        return new FleetSummary(up, down, unknown, gpus, busy, idleAllocated, power);
    }

    /** A GPU with a process on it, or held by a Kubernetes pod. */
    static boolean allocated(FleetGpu g) {
        return !g.processes().isEmpty() || !g.labels().getOrDefault("pod", "").isEmpty();
    }

    List<FleetNode> arrange(List<FleetNode> nodes) {
        String[] terms = filter.get() == null ? new String[0]
                : filter.get().trim().toLowerCase(Locale.ROOT).split("\\s+");
        List<FleetNode> out = new ArrayList<>();
        for (FleetNode n : nodes) {
            if (matches(n, terms)) {
                out.add(n);
            }
        }
        return sorted(out, sort.get());
    }

    /** Sorts by a key computed once per node (not once per comparison: 1,000 nodes × 8 GPUs). */
    static List<FleetNode> sorted(List<FleetNode> nodes, FleetSort order) {
        if (order == FleetSort.NAME) {
            List<FleetNode> out = new ArrayList<>(nodes);
            out.sort(Comparator.comparing(FleetNode::name));
            return List.copyOf(out);
        }
        record Keyed(FleetNode node, double key) {
        }
        List<Keyed> keyed = new ArrayList<>(nodes.size());
        for (FleetNode n : nodes) {
            keyed.add(new Keyed(n, switch (order) {
                case HOTTEST -> max(n, HeatMetric.TEMPERATURE);
                case BUSIEST -> mean(n, HeatMetric.UTILIZATION);
                case MOST_ERRORS -> sum(n, HeatMetric.ERRORS);
                case NAME -> 0;
            }));
        }
        // Larger first; NaN (no reading, a DOWN node) after every number; ties by name.
        keyed.sort((a, b) -> {
            boolean an = Double.isNaN(a.key());
            boolean bn = Double.isNaN(b.key());
            int c = an || bn ? Boolean.compare(an, bn) : Double.compare(b.key(), a.key());
            return c != 0 ? c : a.node().name().compareTo(b.node().name());
        });
        List<FleetNode> out = new ArrayList<>(keyed.size());
        keyed.forEach(k -> out.add(k.node()));
        return List.copyOf(out);
    }

    static boolean matches(FleetNode n, String[] terms) {
        for (String term : terms) {
            if (term.isEmpty()) {
                continue;
            }
            int eq = term.indexOf('=');
            boolean ok = eq > 0 ? matchesKey(n, term.substring(0, eq), term.substring(eq + 1))
                    : matchesAny(n, term);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean matchesAny(FleetNode n, String term) {
        if (contains(n.name(), term) || n.labels().values().stream().anyMatch(v -> contains(v, term))) {
            return true;
        }
        for (FleetGpu g : n.gpus()) {
            if (contains(g.model(), term) || g.labels().values().stream().anyMatch(v -> contains(v, term))
                    || g.processes().stream().anyMatch(p -> contains(p.namespace(), term) || contains(p.pod(), term))) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesKey(FleetNode n, String key, String value) {
        switch (key) {
            case "node", "name" -> {
                return contains(n.name(), value);
            }
            case "model" -> {
                return n.gpus().stream().anyMatch(g -> contains(g.model(), value));
            }
            default -> {
                if (contains(labelIgnoringCase(n.labels(), key), value)) {
                    return true;
                }
                return n.gpus().stream().anyMatch(g -> contains(labelIgnoringCase(g.labels(), key), value)
                        || (key.equals("namespace") && g.processes().stream().anyMatch(p -> contains(p.namespace(), value)))
                        || (key.equals("pod") && g.processes().stream().anyMatch(p -> contains(p.pod(), value))));
            }
        }
    }

    private static String labelIgnoringCase(Map<String, String> labels, String key) {
        for (var e : labels.entrySet()) {
            if (e.getKey().equalsIgnoreCase(key)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static boolean contains(String haystack, String needle) {
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(needle);
    }

    static double max(FleetNode n, HeatMetric m) {
        double best = Double.NaN;
        for (FleetGpu g : current(n)) {
            var v = m.value(g);
            if (v.isPresent() && (Double.isNaN(best) || v.getAsDouble() > best)) {
                best = v.getAsDouble();
            }
        }
        return best;
    }

    static double mean(FleetNode n, HeatMetric m) {
        double sum = 0;
        int count = 0;
        for (FleetGpu g : current(n)) {
            var v = m.value(g);
            if (v.isPresent()) {
                sum += v.getAsDouble();
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    static double sum(FleetNode n, HeatMetric m) {
        double sum = Double.NaN;
        for (FleetGpu g : current(n)) {
            var v = m.value(g);
            if (v.isPresent()) {
                sum = (Double.isNaN(sum) ? 0 : sum) + v.getAsDouble();
            }
        }
        return sum;
    }

    private static List<FleetGpu> current(FleetNode n) {
        return n.health() == NodeHealth.DOWN ? List.of() : n.gpus();
    }
}
