package io.vigil.store;

import io.vigil.telemetry.EphemeralSeries;
import io.vigil.telemetry.FleetSeries;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.SeriesPoints;
import io.vigil.telemetry.TelemetryListener;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps history across restarts: aggregates every sample into 10 s and 1 min buckets in memory and
 * writes closed buckets to SQLite in one batch per {@link #flush()} (called every few seconds by
 * the app, and on exit). Reads return bucket means, or maxima, for any window, so the 24 h and
 * 7 d charts can be drawn after a restart.
 *
 * <p>Old buckets are pruned: 10 s buckets after {@link #RETAIN_10S}, 1 min ones after
 * {@link #RETAIN_1M}. Per-process and container-interface series ({@link EphemeralSeries}) are not
 * stored: with churn they would grow the file for 35 days; nor are fleet series ({@link FleetSeries}):
 * Prometheus holds their history.
 *
 * <p>Thread-safe: samples arrive from poll threads; flushes and reads may come from any thread.
 */
public final class RollupStore implements TelemetryListener {

    private static final Logger LOG = LoggerFactory.getLogger(RollupStore.class);
    public static final int[] RESOLUTIONS_SECONDS = {10, 60};
    public static final Duration RETAIN_10S = Duration.ofHours(48);
    public static final Duration RETAIN_1M = Duration.ofDays(35);

    static final List<String> MIGRATIONS = List.of(
            "CREATE TABLE rollup ("
                    + " resolution_s INTEGER NOT NULL, metric TEXT NOT NULL, bucket_start INTEGER NOT NULL,"
                    + " count INTEGER NOT NULL, sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL,"
                    + " PRIMARY KEY (resolution_s, metric, bucket_start)) WITHOUT ROWID",
            // The prune deletes by age across every metric: without this it scans the whole resolution.
            "CREATE INDEX rollup_age ON rollup(resolution_s, bucket_start)");

    private final Database database;
    private final Clock clock;
    /** Open buckets per resolution and metric. */
    private final Map<Key, Acc> open = new HashMap<>();

    public RollupStore(Database database, Clock clock) throws StoreException {
        this.database = database;
        this.clock = clock;
        database.migrate("rollup", MIGRATIONS);
    }

    private record Key(int resolutionSeconds, MetricId metric, long bucketStart) {
    }

    private static final class Acc {
        long count;
        double sum;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;

        void add(double v) {
            count++;
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
    }

    @Override
    public void onSamples(String sourceId, List<Sample> samples) {
        synchronized (open) {
            for (Sample s : samples) {
                if (Double.isNaN(s.value()) || Double.isInfinite(s.value())) {
                    continue;
                }
                if (EphemeralSeries.matches(s.metric())) {
                    continue; // per-process and container-interface series: live only (EphemeralSeries)
                }
                if (FleetSeries.matches(s.metric())) {
                    continue; // fleet nodes: Prometheus holds their history (FleetSeries)
                }
                for (int res : RESOLUTIONS_SECONDS) {
                    long bucket = Math.floorDiv(s.epochMillis(), res * 1000L) * res * 1000L;
                    open.computeIfAbsent(new Key(res, s.metric(), bucket), k -> new Acc()).add(s.value());
                }
            }
        }
    }

    /** Writes the buckets that have closed by now. Returns how many rows were written. */
    public int flush() throws StoreException {
        return flush(false);
    }

    /** Writes every bucket, closed or not (on exit); an open bucket is merged on the next write. */
    public int flushAll() throws StoreException {
        return flush(true);
    }

    private int flush(boolean all) throws StoreException {
        long now = clock.millis();
        Map<Key, Acc> ready = new HashMap<>();
        synchronized (open) {
            var it = open.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                Key k = e.getKey();
                if (all || k.bucketStart() + k.resolutionSeconds() * 1000L <= now) {
                    ready.put(k, e.getValue());
                    it.remove();
                }
            }
        }
        if (ready.isEmpty()) {
            return 0;
        }
        try {
            database.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO rollup(resolution_s, metric, bucket_start, count, sum, min, max) VALUES (?,?,?,?,?,?,?) "
                                + "ON CONFLICT(resolution_s, metric, bucket_start) DO UPDATE SET "
                                + "count = count + excluded.count, sum = sum + excluded.sum, "
                                + "min = MIN(min, excluded.min), max = MAX(max, excluded.max)")) {
                    for (var e : ready.entrySet()) {
                        ps.setInt(1, e.getKey().resolutionSeconds());
                        ps.setString(2, e.getKey().metric().toString());
                        ps.setLong(3, e.getKey().bucketStart());
                        ps.setLong(4, e.getValue().count);
                        ps.setDouble(5, e.getValue().sum);
                        ps.setDouble(6, e.getValue().min);
                        ps.setDouble(7, e.getValue().max);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
        } catch (StoreException e) {
            // Put the buckets back so a transient failure (disk full, locked) loses nothing.
            synchronized (open) {
                ready.forEach((k, acc) -> open.merge(k, acc, (a, b) -> {
                    a.count += b.count;
                    a.sum += b.sum;
                    a.min = Math.min(a.min, b.min);
                    a.max = Math.max(a.max, b.max);
                    return a;
                }));
            }
            throw e;
        }
        return ready.size();
    }

    /** Deletes buckets older than their retention. Returns how many rows went. */
    public int prune() throws StoreException {
        long now = clock.millis();
        return database.inTransaction(c -> {
            int deleted = 0;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM rollup WHERE resolution_s = ? AND bucket_start < ?")) {
                ps.setInt(1, 10);
                ps.setLong(2, now - RETAIN_10S.toMillis());
                deleted += ps.executeUpdate();
                ps.setInt(1, 60);
                ps.setLong(2, now - RETAIN_1M.toMillis());
                deleted += ps.executeUpdate();
            }
            return deleted;
        });
    }

    /** Stored buckets of {@code metric} at {@code resolutionSeconds} in {@code [from, to)}, oldest first. */
    public List<Rollup> read(MetricId metric, int resolutionSeconds, long fromMillis, long toMillis) throws StoreException {
        return database.read(c -> {
            List<Rollup> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT bucket_start, count, sum, min, max FROM rollup "
                            + "WHERE resolution_s = ? AND metric = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start")) {
                ps.setInt(1, resolutionSeconds);
                ps.setString(2, metric.toString());
                ps.setLong(3, fromMillis);
                ps.setLong(4, toMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long count = rs.getLong(2);
                        out.add(new Rollup(resolutionSeconds, rs.getLong(1), count, rs.getDouble(3) / count,
                                rs.getDouble(4), rs.getDouble(5)));
                    }
                }
            }
            return out;
        });
    }

    /**
     * History of {@code metric} in {@code [from, to)} as points (bucket start, mean), from the finest
     * resolution that covers the window within {@code maxPoints} buckets.
     */
    public SeriesPoints history(MetricId metric, long fromMillis, long toMillis, int maxPoints) throws StoreException {
        long span = Math.max(1, toMillis - fromMillis);
        int resolution = span / 10_000 <= maxPoints ? 10 : 60;
        List<Rollup> rows = read(metric, resolution, fromMillis, toMillis);
        int stride = Math.max(1, (rows.size() + maxPoints - 1) / Math.max(1, maxPoints));
        int n = (rows.size() + stride - 1) / stride;
        long[] t = new long[n];
        double[] v = new double[n];
        int out = 0;
        for (int i = 0; i < rows.size(); i += stride) {
            // Coarser than stored: keep the largest mean of the group, so spikes stay visible.
            double best = Double.NEGATIVE_INFINITY;
            for (int j = i; j < Math.min(rows.size(), i + stride); j++) {
                best = Math.max(best, rows.get(j).mean());
            }
            t[out] = rows.get(i).bucketStartMillis();
            v[out++] = best;
        }
        return new SeriesPoints(t, v, out);
    }

    /** Every metric with stored buckets (for backtests that replay history). */
    public List<MetricId> metricIds() throws StoreException {
        return database.read(c -> {
            List<MetricId> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT metric FROM rollup");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        out.add(MetricId.parse(rs.getString(1)));
                    } catch (IllegalArgumentException e) {
                        LOG.debug("Skipping unparsable metric id in roll-ups: {}", rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /** Number of buckets not written yet (for tests and the status page). */
    public int pendingBuckets() {
        synchronized (open) {
            return open.size();
        }
    }

    static void logFlushFailure(StoreException e) {
        LOG.warn("Writing roll-ups failed; will retry: {}", e.getMessage());
    }
}
