package io.vigil.rules;

import io.vigil.telemetry.MetricId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Picks series by metric name and labels: {@code gpu.utilization{gpu="*"}}. {@code *} matches any
 * run of characters in the name and in label values; labels not named match anything; a named label
 * must be present. Immutable and thread-safe.
 */
public record Selector(String namePattern, Map<String, String> labelPatterns) {

    public Selector {
        labelPatterns = Map.copyOf(labelPatterns);
    }

    /** Parses the text form; throws {@link IllegalArgumentException} with what was expected. */
    public static Selector parse(String text) {
        MetricId id;
        try {
            id = MetricId.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected a metric selector like gpu.utilization{gpu=\"*\"}: "
                    + e.getMessage());
        }
        if (!id.name().matches("[A-Za-z0-9_.*:-]+")) {
            throw new IllegalArgumentException("metric name '" + id.name()
                    + "' may only hold letters, digits, '.', '_', '-', ':' and '*'");
        }
        return new Selector(id.name(), new LinkedHashMap<>(id.labels()));
    }

    public boolean hasWildcardName() {
        return namePattern.indexOf('*') >= 0;
    }

    public boolean matchesName(String name) {
        return glob(namePattern, name);
    }

    public boolean matches(MetricId id) {
        if (!matchesName(id.name())) {
            return false;
        }
        for (var e : labelPatterns.entrySet()) {
            String v = id.labels().get(e.getKey());
            if (v == null || !glob(e.getValue(), v)) {
                return false;
            }
        }
        return true;
    }

    /** Series of {@code index} that match. */
    public List<MetricId> select(SeriesIndex index) {
        if (!hasWildcardName()) {
            // An exact label narrows the candidates through the index instead of testing every series.
            for (var e : labelPatterns.entrySet()) {
                if (e.getValue().indexOf('*') < 0) {
                    List<MetricId> out = new ArrayList<>();
                    for (MetricId id : index.withLabel(namePattern, e.getKey(), e.getValue())) {
                        if (matches(id)) {
                            out.add(id);
                        }
                    }
                    return out;
                }
            }
        }
        return select(index.byName());
    }

    /** Series of {@code byName} (ids grouped by metric name) that match. */
    public List<MetricId> select(Map<String, List<MetricId>> byName) {
        List<MetricId> out = new ArrayList<>();
        if (!hasWildcardName()) {
            for (MetricId id : byName.getOrDefault(namePattern, List.of())) {
                if (matches(id)) {
                    out.add(id);
                }
            }
            return out;
        }
        for (var e : byName.entrySet()) {
            if (matchesName(e.getKey())) {
                for (MetricId id : e.getValue()) {
                    if (matches(id)) {
                        out.add(id);
                    }
                }
            }
        }
        return out;
    }

    /** The labels that are fixed values (no wildcard): the identity of a "no data" instance. */
    public Map<String, String> fixedLabels() {
        Map<String, String> out = new LinkedHashMap<>();
        labelPatterns.forEach((k, v) -> {
            if (v.indexOf('*') < 0) {
                out.put(k, v);
            }
        });
        return out;
    }

    static boolean glob(String pattern, String text) {
        if (pattern.indexOf('*') < 0) {
            return pattern.equals(text);
        }
        if (pattern.equals("*")) {
            return true;
        }
        return Pattern.matches(regexOf(pattern), text);
    }

    private static String regexOf(String pattern) {
        String[] parts = pattern.split("\\*", -1);
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                re.append(".*");
            }
            re.append(Pattern.quote(parts[i]));
        }
        return re.toString();
    }

    @Override
    public String toString() {
        return new MetricId(namePattern, labelPatterns).toString();
    }
}
