package io.vigil.rules;

import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesPoints;
import io.vigil.telemetry.SeriesStore;
import java.util.List;

/**
 * Where rules read metrics from: the live {@link SeriesStore}, or history loaded for a backtest.
 * Implementations must be safe to call from the evaluation thread while samples arrive.
 */
public interface MetricReader {

    /** Every series id currently known. */
    List<MetricId> ids();

    /** Points of {@code id} with {@code from <= t <= to} (epoch ms), oldest first, not downsampled. */
    SeriesPoints read(MetricId id, long fromMillis, long toMillis);

    static MetricReader of(SeriesStore store) {
        return new MetricReader() {
            /** Sorting every id on every tick is the largest cost with many series: only when they change. */
            private volatile List<MetricId> cached = List.of();
            private volatile long cachedVersion = -1;

            @Override
            public List<MetricId> ids() {
                long version = store.idsVersion();
                List<MetricId> ids = cached;
                if (version != cachedVersion) {
                    ids = store.ids();
                    cached = ids;
                    cachedVersion = version;
                }
                return ids;
            }

            @Override
            public SeriesPoints read(MetricId id, long fromMillis, long toMillis) {
                return store.read(id, fromMillis, toMillis + 1, Integer.MAX_VALUE);
            }
        };
    }
}
