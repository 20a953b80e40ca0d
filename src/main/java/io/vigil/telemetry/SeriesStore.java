package io.vigil.telemetry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live, in-memory history of every series: one {@link RingSeries} per {@link MetricId}, each
 * holding up to {@code capacityPerSeries} points (by default 24 h of 1 s samples). It is a
 * {@link TelemetryListener}, so the scheduler feeds it directly.
 *
 * <p>Thread-safe: sources append from poll threads while the UI reads.
 */
public final class SeriesStore implements TelemetryListener {

    /** 24 h of one sample per second. */
    public static final int DAY_OF_SECONDS = 24 * 60 * 60;

    private final int capacityPerSeries;
    private final Map<MetricId, RingSeries> series = new ConcurrentHashMap<>();

    public SeriesStore() {
        this(DAY_OF_SECONDS);
    }

    public SeriesStore(int capacityPerSeries) {
        this.capacityPerSeries = capacityPerSeries;
    }

    @Override
    public void onSamples(String sourceId, List<Sample> samples) {
        for (Sample s : samples) {
            append(s);
        }
    }

    public void append(Sample sample) {
        append(sample.metric(), sample.epochMillis(), sample.value());
    }

    public void append(MetricId metric, long epochMillis, double value) {
        series.computeIfAbsent(metric, m -> new RingSeries(capacityPerSeries)).append(epochMillis, value);
    }

    /** Points of {@code metric} in {@code [from, to)}, at most {@code maxPoints}, extremes kept. */
    public SeriesPoints read(MetricId metric, long fromMillis, long toMillis, int maxPoints) {
        RingSeries s = series.get(metric);
        return s == null ? SeriesPoints.EMPTY : s.readDownsampled(fromMillis, toMillis, maxPoints);
    }

    /** The last {@code window} before {@code nowMillis}, downsampled to {@code maxPoints}. */
    public SeriesPoints readWindow(MetricId metric, long nowMillis, Duration window, int maxPoints) {
        return read(metric, nowMillis - window.toMillis(), nowMillis + 1, maxPoints);
    }

    /** The newest value of {@code metric}, or NaN when it has none. */
    public double latest(MetricId metric) {
        RingSeries s = series.get(metric);
        return s == null ? Double.NaN : s.lastValue();
    }

    /** The oldest time held for {@code metric}, or {@code Long.MAX_VALUE}. */
    public long firstTime(MetricId metric) {
        RingSeries s = series.get(metric);
        return s == null ? Long.MAX_VALUE : s.firstTime();
    }

    /** Every series id whose name is {@code name}, whatever its labels. */
    public List<MetricId> idsNamed(String name) {
        List<MetricId> out = new ArrayList<>();
        for (MetricId id : series.keySet()) {
            if (id.name().equals(name)) {
                out.add(id);
            }
        }
        out.sort(null);
        return out;
    }

    /** How many series exist; series are never removed, so an unchanged count means unchanged ids. */
    public int seriesCount() {
        return series.size();
    }

    public List<MetricId> ids() {
        List<MetricId> out = new ArrayList<>(series.keySet());
        out.sort(null);
        return out;
    }

    public long retainedBytes() {
        long total = 0;
        for (RingSeries s : series.values()) {
            total += s.retainedBytes();
        }
        return total;
    }
}
