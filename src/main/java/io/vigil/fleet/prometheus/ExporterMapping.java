package io.vigil.fleet.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.fleet.FleetMetric;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which exporter metrics and labels give which GPU and node readings, read from the data file
 * {@code exporters.yaml} beside this class (dcgm-exporter, nvidia_gpu_exporter, node_exporter). A
 * new exporter metric is a line in that file, not code. Immutable.
 */
public record ExporterMapping(List<String> uuidLabels, List<String> indexLabels, List<String> modelLabels,
                              List<String> nodeLabels, Map<String, List<String>> keptLabels,
                              List<MetricRule<GpuField>> gpuMetrics, List<String> infoMetrics, Processes processes,
                              List<MetricRule<NodeField>> nodeMetrics, List<Expression> nodeExpressions) {

    public static final String RESOURCE = "exporters.yaml";

    /** A GPU reading a metric can give. */
    public enum GpuField {
        UTILIZATION_PERCENT("utilizationPercent"), MEMORY_USED_BYTES("memoryUsedBytes"),
        MEMORY_FREE_BYTES("memoryFreeBytes"), MEMORY_RESERVED_BYTES("memoryReservedBytes"),
        MEMORY_TOTAL_BYTES("memoryTotalBytes"), TEMPERATURE_C("temperatureC"), POWER_WATTS("powerWatts"),
        POWER_LIMIT_WATTS("powerLimitWatts"), ECC_ERRORS("eccErrors"), XID_LAST("xidLast");

        final String key;

        GpuField(String key) {
            this.key = key;
        }

        /** The field a chart of {@code metric} reads. */
        public static GpuField of(FleetMetric metric) {
            return switch (metric) {
                case UTILIZATION -> UTILIZATION_PERCENT;
                case TEMPERATURE -> TEMPERATURE_C;
                case POWER -> POWER_WATTS;
                case MEMORY_USED -> MEMORY_USED_BYTES;
                case ECC_ERRORS -> ECC_ERRORS;
                case XID -> XID_LAST;
            };
        }
    }

    /** A node reading. */
    public enum NodeField {
        CPU_PERCENT("cpuPercent"), MEMORY_TOTAL_BYTES("memoryTotalBytes"),
        MEMORY_AVAILABLE_BYTES("memoryAvailableBytes"), NETWORK_RX_BYTES_PER_S("networkRxBytesPerS"),
        NETWORK_TX_BYTES_PER_S("networkTxBytesPerS");

        final String key;

        NodeField(String key) {
            this.key = key;
        }
    }

    /** {@code metric × scale} gives {@code field}. */
    public record MetricRule<F>(F field, String metric, double scale) {
    }

    /** A PromQL expression, one value per {@code instance}, that gives a node field. */
    public record Expression(NodeField field, String expr) {
    }

    /** Process metrics: the info metric (labels pid and name), the memory metric, and their label names. */
    public record Processes(String infoMetric, String memoryMetric, String pidLabel, String nameLabel) {
    }

    public ExporterMapping {
        uuidLabels = List.copyOf(uuidLabels);
        indexLabels = List.copyOf(indexLabels);
        modelLabels = List.copyOf(modelLabels);
        nodeLabels = List.copyOf(nodeLabels);
        keptLabels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keptLabels));
        gpuMetrics = List.copyOf(gpuMetrics);
        infoMetrics = List.copyOf(infoMetrics);
        nodeMetrics = List.copyOf(nodeMetrics);
        nodeExpressions = List.copyOf(nodeExpressions);
    }

    /** The built-in mapping. */
    public static ExporterMapping builtIn() {
        try (InputStream in = ExporterMapping.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the exporter mapping " + RESOURCE + " is missing from the build");
            }
            return parse(new ObjectMapper(new YAMLFactory()).readTree(in), RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + ": " + e.getMessage(), e);
        }
    }

    static ExporterMapping parse(JsonNode root, String file) {
        JsonNode gpu = root.path("gpu");
        JsonNode node = root.path("node");
        Map<String, List<String>> kept = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = gpu.path("labels").fields();
        while (it.hasNext()) {
            var e = it.next();
            kept.put(e.getKey(), strings(e.getValue(), file + ": gpu.labels." + e.getKey()));
        }
        List<MetricRule<GpuField>> gpuMetrics = new ArrayList<>();
        for (JsonNode m : gpu.path("metrics")) {
            gpuMetrics.add(new MetricRule<>(field(GpuField.values(), m, file), metricName(m, file),
                    m.path("scale").asDouble(1)));
        }
        List<MetricRule<NodeField>> nodeMetrics = new ArrayList<>();
        for (JsonNode m : node.path("metrics")) {
            nodeMetrics.add(new MetricRule<>(field(NodeField.values(), m, file), metricName(m, file),
                    m.path("scale").asDouble(1)));
        }
        List<Expression> expressions = new ArrayList<>();
        for (JsonNode m : node.path("expressions")) {
            String expr = m.path("expr").asText("");
            if (expr.isBlank()) {
                throw new IllegalArgumentException(file + ": node.expressions entry without expr: " + m);
            }
            expressions.add(new Expression(field(NodeField.values(), m, file), expr));
        }
        JsonNode p = gpu.path("processes");
        return new ExporterMapping(strings(gpu.path("uuid"), file + ": gpu.uuid"),
                strings(gpu.path("index"), file + ": gpu.index"), strings(gpu.path("model"), file + ": gpu.model"),
                strings(gpu.path("node"), file + ": gpu.node"), kept, gpuMetrics,
                strings(gpu.path("info"), file + ": gpu.info"),
                new Processes(p.path("info").asText(""), p.path("memory").asText(""), p.path("pid").asText("pid"),
                        p.path("name").asText("process_name")),
                nodeMetrics, expressions);
    }

    private static List<String> strings(JsonNode n, String where) {
        if (n.isMissingNode() || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new IllegalArgumentException(where + ": expected a list of names, found " + n);
        }
        List<String> out = new ArrayList<>();
        n.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static String metricName(JsonNode m, String file) {
        String name = m.path("metric").asText("");
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException(file + ": '" + name + "' is not a Prometheus metric name (in " + m + ")");
        }
        return name;
    }

    private static <F extends Enum<F>> F field(F[] values, JsonNode m, String file) {
        String key = m.path("field").asText("");
        for (F f : values) {
            String k = f instanceof GpuField g ? g.key : ((NodeField) f).key;
            if (k.equals(key)) {
                return f;
            }
        }
        List<String> known = new ArrayList<>();
        for (F f : values) {
            known.add(f instanceof GpuField g ? g.key : ((NodeField) f).key);
        }
        throw new IllegalArgumentException(file + ": unknown field '" + key + "' in " + m + "; expected one of " + known);
    }

    /** Every plain metric name to fetch in the one fleet-wide gauge query, in file order. */
    public List<String> gaugeNames() {
        Set<String> names = new LinkedHashSet<>();
        gpuMetrics.forEach(r -> names.add(r.metric()));
        names.addAll(infoMetrics);
        if (!processes.infoMetric().isEmpty()) {
            names.add(processes.infoMetric());
        }
        if (!processes.memoryMetric().isEmpty()) {
            names.add(processes.memoryMetric());
        }
        nodeMetrics.forEach(r -> names.add(r.metric()));
        return List.copyOf(names);
    }

    /** The one selector of every gauge: {@code {__name__=~"A|B|…"}}. */
    public String gaugeSelector() {
        return "{__name__=~\"" + String.join("|", gaugeNames()) + "\"}";
    }

    /** The first of {@code candidates} present in {@code labels}, or empty. */
    static String first(Map<String, String> labels, List<String> candidates) {
        for (String c : candidates) {
            String v = labels.get(c);
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return "";
    }

    /**
     * A GPU UUID in one form: {@code GPU-<lowercase>} (NVML's), whether the exporter wrote
     * {@code GPU-3F…} or nvidia_gpu_exporter's {@code 3f…}; MIG UUIDs keep their {@code MIG-} prefix.
     */
    public static String normaliseUuid(String raw) {
        String u = raw.trim();
        if (u.isEmpty()) {
            return "";
        }
        String lower = u.toLowerCase(Locale.ROOT);
        if (lower.startsWith("gpu-")) {
            return "GPU-" + lower.substring(4);
        }
        if (lower.startsWith("mig-")) {
            return "MIG-" + lower.substring(4);
        }
        return "GPU-" + lower;
    }
}
