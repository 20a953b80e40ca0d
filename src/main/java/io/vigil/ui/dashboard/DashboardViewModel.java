package io.vigil.ui.dashboard;

import io.vigil.alerts.AlertMark;
import io.vigil.alerts.AlertMarks;
import io.vigil.alerts.AlertMarksFeed;
import io.vigil.host.HostMetrics;
import io.vigil.store.RollupStore;
import io.vigil.store.StoreException;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesPoints;
import io.vigil.telemetry.SeriesStore;
import io.vigil.telemetry.TimeWindow;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * What the Dashboard shows, as properties the view binds to. {@link #refresh()} copies the newest
 * values from the series store; {@link #chart} reads a window downsampled to the chart's width,
 * with older history from the database when the live buffer does not reach back far enough.
 * Database reads run on the background executor, never on the FX thread; their result is cached and
 * used from the next frame on. Each tile's colour comes from the open alerts of the rules watching
 * its metric ({@link #markProperty}), read from the alert manager's immutable snapshot.
 */
public final class DashboardViewModel {

    private final SeriesStore series;
    private final Optional<RollupStore> rollups;
    private final Clock clock;
    private final Executor background;
    private final Map<String, SeriesPoints> historyCache = new ConcurrentHashMap<>();
    private final Map<String, Long> historyLoadedAt = new ConcurrentHashMap<>();

    private final DoubleProperty cpuPercent = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty memoryPercent = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty memoryUsedBytes = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty memoryTotalBytes = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty rxBytesPerSecond = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty txBytesPerSecond = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty processCount = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty gpusBusy = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty gpuCount = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty hottestGpuC = new SimpleDoubleProperty(Double.NaN);
    private final javafx.beans.property.StringProperty hottestGpu = new javafx.beans.property.SimpleStringProperty("");
    private final DoubleProperty gpuPowerWatts = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty gpuPowerLimitWatts = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty spendTodayUsd = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty mtdUsd = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty forecastEomUsd = new SimpleDoubleProperty(Double.NaN);
    private final ObjectProperty<TimeWindow> window = new SimpleObjectProperty<>(TimeWindow.FIVE_MINUTES);
    // --- live cost: spend now ---
    private final DoubleProperty spendNowUsdPerHour = new SimpleDoubleProperty(Double.NaN);
    private final Supplier<AlertMarks> alertMarks;
    private final Map<DashboardTile, ReadOnlyObjectWrapper<AlertMark>> marks = new EnumMap<>(DashboardTile.class);
    private final ReadOnlyObjectWrapper<AlertMarks.Counts> alertCounts =
            new ReadOnlyObjectWrapper<>(AlertMarks.NONE.counts());
    private AlertMarks markedFrom;

    /** Without alerts (no database): no tile is coloured. */
    public DashboardViewModel(SeriesStore series, Optional<RollupStore> rollups, Clock clock, Executor background) {
        this(series, rollups, clock, background, AlertMarksFeed.none());
    }

    /** @param alertMarks the open alerts' marks, read at every refresh (must not block) */
    public DashboardViewModel(SeriesStore series, Optional<RollupStore> rollups, Clock clock, Executor background,
                              Supplier<AlertMarks> alertMarks) {
        this.series = series;
        this.rollups = rollups;
        this.clock = clock;
        this.background = background;
        this.alertMarks = alertMarks;
        for (DashboardTile t : DashboardTile.values()) {
            marks.put(t, new ReadOnlyObjectWrapper<>(AlertMark.NONE));
        }
    }

    /** The worst open alert of the rules watching {@code tile}'s metric. */
    ReadOnlyObjectProperty<AlertMark> markProperty(DashboardTile tile) {
        return marks.get(tile).getReadOnlyProperty();
    }

    /** Open alerts by severity, acknowledged and silenced ones apart, for the alert strip. */
    public ReadOnlyObjectProperty<AlertMarks.Counts> alertCountsProperty() {
        return alertCounts.getReadOnlyProperty();
    }

    private void refreshMarks() {
        AlertMarks m = alertMarks.get();
        if (m == markedFrom) {
            return; // nothing changed since the last frame
        }
        markedFrom = m;
        for (DashboardTile t : DashboardTile.values()) {
            AlertMark mark = m.forMetric(t.metric, t.labels);
            if (!mark.equals(marks.get(t).get())) {
                marks.get(t).set(mark);
            }
        }
        if (!m.counts().equals(alertCounts.get())) {
            alertCounts.set(m.counts());
        }
    }

    public void refresh() {
        cpuPercent.set(series.latest(HostMetrics.CPU_PERCENT));
        memoryPercent.set(series.latest(HostMetrics.MEMORY_PERCENT));
        memoryUsedBytes.set(series.latest(HostMetrics.MEMORY_USED_BYTES));
        memoryTotalBytes.set(series.latest(HostMetrics.MEMORY_TOTAL_BYTES));
        rxBytesPerSecond.set(series.latest(HostMetrics.NET_RX_BYTES_PER_S));
        txBytesPerSecond.set(series.latest(HostMetrics.NET_TX_BYTES_PER_S));
        processCount.set(series.latest(HostMetrics.PROCESS_COUNT));
        refreshGpus();
        spendTodayUsd.set(series.latest(MetricId.of("cost.daily.total")));
        mtdUsd.set(series.latest(MetricId.of("cost.mtd")));
        forecastEomUsd.set(series.latest(MetricId.of("cost.forecast.eom")));
        refreshSpendNow();
        refreshMarks();
    }

    // --- live cost: spend now ---
    /** The live estimate of what this machine's GPUs cost now, USD per hour; NaN without a recent estimate. */
    public DoubleProperty spendNowUsdPerHourProperty() {
        return spendNowUsdPerHour;
    }

    private void refreshSpendNow() {
        long now = clock.millis();
        SeriesPoints recent = series.read(io.vigil.cost.LiveCostMetrics.LIVE_PER_HOUR_ID, now - GPU_STALE_MS, now + 1, 4);
        spendNowUsdPerHour.set(recent.isEmpty() ? Double.NaN : recent.lastValue());
    }

    /** A GPU counts as busy at this utilization or above. */
    static final double GPU_BUSY_PERCENT = 50;
    /**
     * GPU readings older than this (by the injected clock) are stale, the GPU source being down: the
     * tiles show nothing for them. Two minutes rather than a few periods because a replayed scenario's
     * clock runs up to hundreds of times faster than the UI cadence, so its samples arrive minutes
     * apart in its own time; a lost GPU is dropped at once through gpu.lost, not through staleness.
     */
    private static final long GPU_STALE_MS = 120_000;

    private void refreshGpus() {
        long now = clock.millis();
        int count = 0;
        int busy = 0;
        double hottest = Double.NaN;
        String hottestName = "";
        double power = Double.NaN;
        double limit = Double.NaN;
        for (MetricId util : series.idsNamed(io.vigil.gpu.GpuMetrics.UTILIZATION)) {
            String gpu = util.label("gpu");
            if (util.label("node") != null) {
                continue; // a fleet GPU (labelled by node and UUID): the dashboard is this machine's
            }
            if (series.latest(io.vigil.gpu.GpuMetrics.of(io.vigil.gpu.GpuMetrics.LOST, gpu)) == 1
                    || series.read(util, now - GPU_STALE_MS, now + 1, 4).isEmpty()) {
                continue;
            }
            count++;
            if (series.latest(util) >= GPU_BUSY_PERCENT) {
                busy++;
            }
            double t = series.latest(MetricId.of(io.vigil.gpu.GpuMetrics.TEMPERATURE_C, "gpu", gpu));
            if (!Double.isNaN(t) && (Double.isNaN(hottest) || t > hottest)) {
                hottest = t;
                // The label is the card's UUID; the index it has now reads better.
                double index = series.latest(io.vigil.gpu.GpuMetrics.of(io.vigil.gpu.GpuMetrics.INDEX, gpu));
                hottestName = "GPU " + (Double.isNaN(index) ? gpu : Integer.toString((int) index));
            }
            double w = series.latest(MetricId.of(io.vigil.gpu.GpuMetrics.POWER_WATTS, "gpu", gpu));
            if (!Double.isNaN(w)) {
                power = Double.isNaN(power) ? w : power + w;
            }
            double l = series.latest(MetricId.of(io.vigil.gpu.GpuMetrics.POWER_LIMIT_WATTS, "gpu", gpu));
            if (!Double.isNaN(l)) {
                limit = Double.isNaN(limit) ? l : limit + l;
            }
        }
        gpuCount.set(count == 0 ? Double.NaN : count);
        gpusBusy.set(count == 0 ? Double.NaN : busy);
        hottestGpuC.set(hottest);
        hottestGpu.set(hottestName);
        gpuPowerWatts.set(power);
        gpuPowerLimitWatts.set(limit);
    }

    /** GPUs at or above {@value #GPU_BUSY_PERCENT} % utilization; NaN without GPU readings. */
    public DoubleProperty gpusBusyProperty() {
        return gpusBusy;
    }

    public DoubleProperty gpuCountProperty() {
        return gpuCount;
    }

    public DoubleProperty hottestGpuCProperty() {
        return hottestGpuC;
    }

    /** "GPU 2": which GPU is the hottest. */
    public javafx.beans.property.StringProperty hottestGpuProperty() {
        return hottestGpu;
    }

    /** Total power draw of all GPUs, watts. */
    public DoubleProperty gpuPowerWattsProperty() {
        return gpuPowerWatts;
    }

    public DoubleProperty gpuPowerLimitWattsProperty() {
        return gpuPowerLimitWatts;
    }

    public long now() {
        return clock.millis();
    }

    /** Points of {@code metric} over the selected window ending now, at most {@code maxPoints}. */
    public SeriesPoints chart(MetricId metric, int maxPoints) {
        long now = clock.millis();
        long from = now - window.get().duration().toMillis();
        SeriesPoints live = series.read(metric, from, now + 1, maxPoints);
        long liveStart = live.isEmpty() ? now : live.times()[0];
        if (rollups.isEmpty() || liveStart - from < 60_000) {
            return live;
        }
        SeriesPoints older = history(metric, from, liveStart, maxPoints);
        return older.followedBy(live);
    }

    private SeriesPoints history(MetricId metric, long from, long to, int maxPoints) {
        String key = metric + "|" + window.get();
        long now = clock.millis();
        Long loaded = historyLoadedAt.get(key);
        if (loaded == null || now - loaded > 30_000) {
            historyLoadedAt.put(key, now);
            background.execute(() -> {
                try {
                    historyCache.put(key, rollups.get().history(metric, from, to, maxPoints));
                } catch (StoreException e) {
                    historyCache.remove(key);
                }
            });
        }
        SeriesPoints cached = historyCache.getOrDefault(key, SeriesPoints.EMPTY);
        // Drop cached points that overlap the live buffer.
        int n = 0;
        while (n < cached.size() && cached.times()[n] < to) {
            n++;
        }
        return new SeriesPoints(cached.times(), cached.values(), n);
    }
    public DoubleProperty cpuPercentProperty() {
        return cpuPercent;
    }

    public DoubleProperty memoryPercentProperty() {
        return memoryPercent;
    }

    public DoubleProperty memoryUsedBytesProperty() {
        return memoryUsedBytes;
    }

    public DoubleProperty memoryTotalBytesProperty() {
        return memoryTotalBytes;
    }

    public DoubleProperty rxBytesPerSecondProperty() {
        return rxBytesPerSecond;
    }

    public DoubleProperty txBytesPerSecondProperty() {
        return txBytesPerSecond;
    }

    public DoubleProperty processCountProperty() {
        return processCount;
    }

    /** AWS spend today so far, USD (NaN until the cost source has read it). */
    public DoubleProperty spendTodayUsdProperty() {
        return spendTodayUsd;
    }

    public DoubleProperty mtdUsdProperty() {
        return mtdUsd;
    }

    public DoubleProperty forecastEomUsdProperty() {
        return forecastEomUsd;
    }

    public ObjectProperty<TimeWindow> windowProperty() {
        return window;
    }
}
