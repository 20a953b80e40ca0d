package io.vigil.ui.gpus;

import io.vigil.gpu.GpuProcessRow;
import io.vigil.gpu.GpuSnapshot;
import io.vigil.gpu.GpuSource;
import io.vigil.host.HostSnapshot;
import io.vigil.telemetry.HealthState;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesPoints;
import io.vigil.telemetry.SeriesStore;
import io.vigil.telemetry.SourceHealth;
import io.vigil.telemetry.TimeWindow;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * What the GPUs view shows: the GPU source's latest snapshot and health, its processes joined with
 * the host process list, and chart points over the selected window. {@link #refresh()} copies the
 * newest values (no I/O: snapshots are in memory); called on the FX thread at the UI cadence.
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

    public GpusViewModel(GpuSource source, Supplier<HostSnapshot> host, SeriesStore series, Clock clock) {
        this.source = source;
        this.host = host;
        this.series = series;
        this.clock = clock;
    }

    public void refresh() {
        snapshot = source.latest();
        health = source.health();
        processes = GpuProcessRow.join(snapshot, host.get());
    }

    public GpuSnapshot snapshot() {
        return snapshot;
    }

    public SourceHealth health() {
        return health;
    }

    /** The DOWN reason ("No NVIDIA driver found: …"), or empty when GPUs can be read. */
    public String unavailableReason() {
        if (health.state() == HealthState.DOWN) {
            return health.reason();
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

    public ObjectProperty<TimeWindow> windowProperty() {
        return window;
    }
}
