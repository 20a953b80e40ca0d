package io.vigil.telemetry;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The identity of one time series: a dotted metric name ({@code gpu.utilization}) and labels
 * ({@code gpu="0"}). Labels are kept sorted so that equal ids print and hash the same way.
 * Immutable and thread-safe.
 */
public record MetricId(String name, Map<String, String> labels) implements Comparable<MetricId> {

    public MetricId {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("metric name must not be blank");
        }
        labels = labels == null || labels.isEmpty()
                ? Map.of()
                : Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    public static MetricId of(String name) {
        return new MetricId(name, Map.of());
    }

    /** {@code of("host.net.rx_bytes_per_s", "if", "eth0")}: label keys and values alternate. */
    public static MetricId of(String name, String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in key/value pairs");
        }
        Map<String, String> labels = new TreeMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            labels.put(keyValues[i], keyValues[i + 1]);
        }
        return new MetricId(name, labels);
    }

    public MetricId withLabel(String key, String value) {
        Map<String, String> copy = new TreeMap<>(labels);
        copy.put(key, value);
        return new MetricId(name, copy);
    }

    public String label(String key) {
        return labels.get(key);
    }

    /**
     * Parses the form printed by {@link #toString()}: {@code name} or {@code name{k="v",k2="v2"}}.
     * Values may contain escaped quotes ({@code \"}) and backslashes.
     */
    public static MetricId parse(String text) {
        int brace = text.indexOf('{');
        if (brace < 0) {
            return of(text.trim());
        }
        if (!text.endsWith("}")) {
            throw new IllegalArgumentException("metric id '" + text + "' has '{' but does not end with '}'");
        }
        String name = text.substring(0, brace).trim();
        Map<String, String> labels = new TreeMap<>();
        String body = text.substring(brace + 1, text.length() - 1);
        int i = 0;
        while (i < body.length()) {
            int eq = body.indexOf('=', i);
            if (eq < 0 || eq + 1 >= body.length() || body.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("metric id '" + text + "': expected key=\"value\" at " + i);
            }
            String key = body.substring(i, eq).trim();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < body.length(); j++) {
                char c = body.charAt(j);
                if (c == '\\' && j + 1 < body.length()) {
                    value.append(body.charAt(++j));
                } else if (c == '"') {
                    break;
                } else {
                    value.append(c);
                }
            }
            if (j >= body.length()) {
                throw new IllegalArgumentException("metric id '" + text + "': unterminated value for " + key);
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (i < body.length() && body.charAt(i) == ',') {
                i++;
            }
        }
        return new MetricId(name, labels);
    }

    @Override
    public String toString() {
        if (labels.isEmpty()) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(e.getKey()).append("=\"")
                    .append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return sb.append('}').toString();
    }

    @Override
    public int compareTo(MetricId o) {
        return toString().compareTo(o.toString());
    }
}
