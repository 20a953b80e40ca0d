package io.vigil.rules;

import io.vigil.telemetry.MetricId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The series known at one tick, grouped by name, with label indexes built on first use so that a
 * thousand rules each naming one series do not each scan a thousand series. Built per tick; not
 * thread-safe.
 */
public final class SeriesIndex {

    private final Map<String, List<MetricId>> byName = new HashMap<>();
    private final Map<String, Map<String, List<MetricId>>> byLabel = new HashMap<>();

    public SeriesIndex(List<MetricId> ids) {
        for (MetricId id : ids) {
            byName.computeIfAbsent(id.name(), k -> new ArrayList<>()).add(id);
        }
    }

    public Map<String, List<MetricId>> byName() {
        return byName;
    }

    /** Series named {@code name} whose label {@code key} is exactly {@code value}. */
    public List<MetricId> withLabel(String name, String key, String value) {
        Map<String, List<MetricId>> index = byLabel.computeIfAbsent(name + '\u0000' + key, k -> {
            Map<String, List<MetricId>> m = new HashMap<>();
            for (MetricId id : byName.getOrDefault(name, List.of())) {
                String v = id.labels().get(key);
                if (v != null) {
                    m.computeIfAbsent(v, x -> new ArrayList<>()).add(id);
                }
            }
            return m;
        });
        return index.getOrDefault(value, List.of());
    }
}
