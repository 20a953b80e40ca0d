package io.vigil.telemetry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live, in-memory history of every series: one {@link RingSeries} per {@link MetricId}, each
 * holding up to {@code capacityPerSeries} points (by default 24 h of 1 s samples). It is a
 * {@link TelemetryListener}, so the scheduler feeds it directly.
 *
 * <p>Series are freed when idle: one that had no point for longer than its span (by default 24 h;
 * {@link EphemeralSeries per-process and container-interface} series {@link #EPHEMERAL_SPAN}) is
 * removed, checked once a minute of sample time as points arrive. {@link FleetSeries Fleet series}
 * (label {@code node}) keep only a short window ({@link #FLEET_CAPACITY} points by default): their
 * history lives in Prometheus. Without that a host with process
 * and container churn grows the heap without bound (docs/bench/soak.md).
 *
 * <p>Thread-safe: sources append from poll threads while the UI reads.
 */
public final class SeriesStore implements TelemetryListener {

    /** 24 h of one sample per second. */
    public static final int DAY_OF_SECONDS = 24 * 60 * 60;

    /** Points kept for a per-process or container-interface series: 15 min of 1 s samples. */
    public static final int EPHEMERAL_CAPACITY = 15 * 60;
    /** How long a per-process or container-interface series is kept after its last point. */
    public static final Duration EPHEMERAL_SPAN = Duration.ofMinutes(15);
    /** How often (in sample time) idle series are looked for. */
    static final long SWEEP_EVERY_MILLIS = 60_000;

    /** Default points of a fleet series ({@link FleetSeries}): 15 min at the 15 s fleet period, two spare. */
    public static final int FLEET_CAPACITY = 62;
    /** Default time a fleet series is kept after its last point. */
    public static final Duration FLEET_SPAN = Duration.ofMinutes(15);

    private final int capacityPerSeries;
    private final long spanMillis;
    private final int fleetCapacity;
    private final long fleetSpanMillis;
    private final Map<MetricId, RingSeries> series = new ConcurrentHashMap<>();
    /** Changes whenever a series is added or removed. */
    private final AtomicLong idsVersion = new AtomicLong();
    /** Sample time at which the next idle sweep runs. */
    private final AtomicLong nextSweepMillis = new AtomicLong(Long.MIN_VALUE);

    public SeriesStore() {
        this(DAY_OF_SECONDS);
    }

    /** Rings of {@code capacityPerSeries} points, freed after as many seconds without a point. */
    public SeriesStore(int capacityPerSeries) {
        this(capacityPerSeries, FLEET_CAPACITY, FLEET_SPAN);
    }

    /** As above; {@link FleetSeries fleet series} get rings of {@code fleetCapacity} points, freed {@code fleetSpan} after their last. */
    public SeriesStore(int capacityPerSeries, int fleetCapacity, Duration fleetSpan) {
        this.capacityPerSeries = capacityPerSeries;
        this.spanMillis = capacityPerSeries * 1000L;
        this.fleetCapacity = Math.max(2, Math.min(fleetCapacity, capacityPerSeries));
        this.fleetSpanMillis = fleetSpan.toMillis();
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
        // compute, not computeIfAbsent + append: a sweep must not free a ring between the two.
        series.compute(metric, (m, ring) -> {
            if (ring == null) {
                ring = FleetSeries.matches(m) ? new RingSeries(fleetCapacity)
                        : EphemeralSeries.matches(m) ? new RingSeries(Math.min(EPHEMERAL_CAPACITY, capacityPerSeries))
                        : new RingSeries(capacityPerSeries);
                idsVersion.incrementAndGet();
            }
            ring.append(epochMillis, value);
            return ring;
        });
        long due = nextSweepMillis.get();
        if (epochMillis >= due && nextSweepMillis.compareAndSet(due, epochMillis + SWEEP_EVERY_MILLIS)) {
            if (due != Long.MIN_VALUE) {
                evictIdle(epochMillis);
            }
        }
    }

    /**
     * Frees every series whose newest point is older than its span before {@code nowMillis}.
     * Called as samples arrive; public for tests and benchmarks. Returns how many went.
     */
    public int evictIdle(long nowMillis) {
        int removed = 0;
        for (MetricId id : series.keySet()) {
            long span = FleetSeries.matches(id) ? fleetSpanMillis
                    : EphemeralSeries.matches(id) ? Math.min(EPHEMERAL_SPAN.toMillis(), spanMillis) : spanMillis;
            boolean[] gone = {false};
            series.computeIfPresent(id, (m, ring) -> {
                if (ring.lastTime() < nowMillis - span) {
                    gone[0] = true;
                    return null;
                }
                return ring;
            });
            if (gone[0]) {
                removed++;
                idsVersion.incrementAndGet();
            }
        }
        return removed;
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

    /** How many series exist now. */
    public int seriesCount() {
        return series.size();
    }

    /** Changes whenever a series is added or freed: an unchanged value means unchanged {@link #ids()}. */
    public long idsVersion() {
        return idsVersion.get();
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
