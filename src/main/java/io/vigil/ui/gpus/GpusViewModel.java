package io.vigil.ui.gpus;

import io.vigil.alerts.AlertMark;
import io.vigil.alerts.AlertMarks;
import io.vigil.alerts.AlertMarksFeed;
import io.vigil.gpu.GpuProcessRow;
import io.vigil.gpu.GpuSnapshot;
import io.vigil.gpu.GpuSource;
import io.vigil.host.HostSnapshot;
import io.vigil.host.NetConnection;
import io.vigil.host.ProcessInfo;
import io.vigil.telemetry.HealthState;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesPoints;
import io.vigil.telemetry.SeriesStore;
import io.vigil.telemetry.SourceHealth;
import io.vigil.telemetry.TimeWindow;
import io.vigil.text.SafeText;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;

/**
 * What the GPUs view shows: the GPU source's latest snapshot and health, its processes joined with
 * the host process list, and chart points over the selected window. {@link #refresh()} copies the
 * newest values (no I/O: snapshots are in memory); called on the FX thread at the UI cadence.
 * Colours come from the open alerts ({@link #marksProperty()}: the alert manager's immutable
 * snapshot, never a lock). A process's open files are read on the background executor.
 */
public final class GpusViewModel {

    private final GpuSource source;
    private final Supplier<HostSnapshot> host;
    private final SeriesStore series;
    private final Clock clock;
    private final ObjectProperty<TimeWindow> window = new SimpleObjectProperty<>(TimeWindow.FIVE_MINUTES);
    private GpuSnapshot snapshot = GpuSnapshot.EMPTY;
    private SourceHealth health = SourceHealth.unknown();
    private List<GpuProcessRow> processes = List.of();
    private HostSnapshot hostNow = HostSnapshot.EMPTY;
    /** Whether a GPU was ever read while this view model lived. */
    private boolean seenGpu;
    private final Supplier<AlertMarks> alertMarks;
    private final ReadOnlyObjectWrapper<AlertMarks> marks = new ReadOnlyObjectWrapper<>(AlertMarks.NONE);
    private final IntFunction<List<Path>> openFiles;
    private final Executor background;
    private final Map<Integer, List<String>> openFilesOf = new ConcurrentHashMap<>();
    private final Set<Integer> openFilesAsked = ConcurrentHashMap.newKeySet();

    /** Without alerts or open files (a scenario replay's processes are not on this machine). */
    public GpusViewModel(GpuSource source, Supplier<HostSnapshot> host, SeriesStore series, Clock clock) {
        this(source, host, series, clock, AlertMarksFeed.none(), null, Runnable::run);
    }

    /**
     * @param alertMarks the open alerts' marks (must not block)
     * @param openFiles  a process's open files (reads /proc: run on {@code background}), or null when
     *                   the processes are not this machine's
     */
    public GpusViewModel(GpuSource source, Supplier<HostSnapshot> host, SeriesStore series, Clock clock,
                         Supplier<AlertMarks> alertMarks, IntFunction<List<Path>> openFiles, Executor background) {
        this.source = source;
        this.host = host;
        this.series = series;
        this.clock = clock;
        this.alertMarks = alertMarks;
        this.openFiles = openFiles;
        this.background = background;
    }

    public void refresh() {
        snapshot = source.latest();
        health = source.health();
        hostNow = host.get();
        processes = GpuProcessRow.join(snapshot, hostNow);
        seenGpu |= !snapshot.gpus().isEmpty();
        AlertMarks m = alertMarks.get();
        if (m != marks.get()) {
            marks.set(m);
        }
    }

    /** The open alerts' marks as of the last refresh. */
    public ReadOnlyObjectProperty<AlertMarks> marksProperty() {
        return marks.getReadOnlyProperty();
    }

    /**
     * This machine's GPU by its series key (its UUID, ADR 0131; the index only without one): fleet
     * alerts carry a node and are not about it.
     */
    private static Map<String, String> local(String gpuKey) {
        return Map.of("gpu", gpuKey, "node", AlertMarks.ABSENT);
    }

    /** The worst alert of the rules on {@code metric} for the GPU keyed {@code gpuKey}. */
    public AlertMark metricMark(String metric, String gpuKey) {
        return marks.get().forMetric(metric, local(gpuKey));
    }

    /** The worst alert about the GPU keyed {@code gpuKey} (any rule: its metrics, a miner on it, unexplained load). */
    public AlertMark gpuMark(String gpuKey) {
        return marks.get().forLabels(local(gpuKey));
    }

    /** The worst alert about this process (by pid, on this machine). */
    public AlertMark processMark(GpuProcessRow row) {
        return marks.get().forLabels(Map.of("pid", Integer.toString(row.pid()), "node", AlertMarks.ABSENT));
    }

    /** The processes on GPU {@code gpu} that an open (not acknowledged or silenced) alert names. */
    public List<GpuProcessRow> flagged(int gpu) {
        List<GpuProcessRow> out = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (GpuProcessRow r : processes) {
            if (r.gpuIndex() == gpu && seen.add(r.pid()) && processMark(r).tone().open()) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * What the detail pane shows for a process: its command line, user, parent chain, connections
     * and (where this machine's /proc can say) open files, all as shown text (escaped, redacted).
     */
    public record ProcessDetail(int pid, String name, String user, String commandLine, List<String> parents,
                                List<String> connections, List<String> openFiles) {
    }

    /** The detail of {@code row} from the latest host snapshot; open files arrive on a later refresh. */
    public ProcessDetail detail(GpuProcessRow row) {
        Map<Integer, ProcessInfo> byPid = new HashMap<>();
        for (ProcessInfo p : hostNow.processes()) {
            byPid.put(p.pid(), p);
        }
        List<String> parents = new ArrayList<>();
        ProcessInfo self = byPid.get(row.pid());
        Set<Integer> visited = new HashSet<>();
        int ppid = self == null ? 0 : self.parentPid();
        while (ppid > 0 && visited.add(ppid) && parents.size() < 12) {
            ProcessInfo p = byPid.get(ppid);
            if (p == null) {
                parents.add(ppid + " (not in the process list)");
                break;
            }
            parents.add(p.pid() + "  " + SafeText.of(p.name()) + (p.user().isEmpty() ? "" : "  (" + SafeText.of(p.user()) + ")"));
            ppid = p.parentPid();
        }
        List<String> conns = new ArrayList<>();
        for (NetConnection c : hostNow.connections()) {
            if (c.pid() == row.pid()) {
                conns.add(c.protocol() + "  " + c.localAddress() + ":" + c.localPort() + " → " + SafeText.of(c.remoteAddress())
                        + ":" + c.remotePort() + "  " + c.state());
            }
        }
        List<String> files;
        if (openFiles == null) {
            files = List.of("not known (the processes are not this machine's)");
        } else {
            files = openFilesOf.get(row.pid());
            if (files == null) {
                files = List.of("reading…");
                if (openFilesAsked.add(row.pid())) {
                    int pid = row.pid();
                    background.execute(() -> {
                        List<String> shown = new ArrayList<>();
                        for (Path f : openFiles.apply(pid)) {
                            shown.add(SafeText.of(f.toString()));
                        }
                        openFilesOf.put(pid, shown.isEmpty() ? List.of("none readable (another user's process, or it exited)") : shown);
                    });
                }
            }
        }
        String cmd = self != null ? self.commandLine() : row.commandLine();
        return new ProcessDetail(row.pid(), SafeText.of(row.name()), SafeText.of(row.user()), SafeText.of(cmd),
                parents, conns, files);
    }

    /** Forgets the open files read for {@code pid}, so the next {@link #detail} reads them again. */
    public void rereadOpenFiles(int pid) {
        openFilesOf.remove(pid);
        openFilesAsked.remove(pid);
    }

    public GpuSnapshot snapshot() {
        return snapshot;
    }

    public SourceHealth health() {
        return health;
    }

    /**
     * Why no GPU is shown: "No NVIDIA GPU found" with the DOWN reason on a machine where none was
     * ever read, "The GPUs cannot be read" when they were and are gone; empty when GPUs can be read.
     */
    public String unavailableReason() {
        if (health.state() == HealthState.DOWN) {
            return (seenGpu ? "The GPUs cannot be read now: " : "No NVIDIA GPU found. ") + health.reason();
        }
        if (health.state() == HealthState.UNKNOWN) {
            return "";
        }
        return snapshot.gpus().isEmpty() ? "The NVIDIA driver is loaded but reports no GPU." : "";
    }

    public List<GpuProcessRow> processes() {
        return processes;
    }

    public long now() {
        return clock.millis();
    }

    public SeriesPoints chart(MetricId metric, int maxPoints) {
        long now = clock.millis();
        return series.read(metric, now - window.get().duration().toMillis(), now + 1, maxPoints);
    }

    /** {@code metric} over the selected window, at most 60 points, for a card's sparkline. */
    public SeriesPoints sparkline(MetricId metric) {
        return chart(metric, 60);
    }

    public ObjectProperty<TimeWindow> windowProperty() {
        return window;
    }
}
