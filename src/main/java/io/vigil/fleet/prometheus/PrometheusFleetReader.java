package io.vigil.fleet.prometheus;

import io.vigil.fleet.FleetException;
import io.vigil.fleet.FleetGpu;
import io.vigil.fleet.FleetMetric;
import io.vigil.fleet.FleetNode;
import io.vigil.fleet.FleetProcess;
import io.vigil.fleet.FleetReader;
import io.vigil.fleet.FleetSnapshot;
import io.vigil.fleet.NodeHealth;
import io.vigil.fleet.PromQlQuery;
import io.vigil.fleet.prometheus.ExporterMapping.Expression;
import io.vigil.fleet.prometheus.ExporterMapping.GpuField;
import io.vigil.fleet.prometheus.ExporterMapping.MetricRule;
import io.vigil.fleet.prometheus.ExporterMapping.NodeField;
import io.vigil.telemetry.SeriesPoints;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.regex.Pattern;

/**
 * Reads the whole fleet from one Prometheus with a fixed number of requests whatever its size: one
 * instant query for every exporter gauge at once ({@code {__name__=~"DCGM_FI_DEV_GPU_UTIL|…"}}), one
 * per node expression (CPU and network rates), and {@code /api/v1/targets} for node health: five in
 * all with the built-in {@link ExporterMapping}, sent at once. An endpoint without the targets API
 * (Amazon Managed Service for Prometheus) gets its health from the {@code up} series instead. A
 * node whose target is down is {@link NodeHealth#DOWN} with Prometheus's last error and its GPUs
 * without readings (their identities remembered from earlier polls), never with stale numbers.
 *
 * <p>Nodes are named by the exporter's {@code Hostname}/{@code hostname} label, else by the scrape
 * instance's host; node_exporter's instance is joined to the GPU exporter's by that host.
 *
 * <p>{@link #read} is called by one source thread at a time; {@link #history} may run at the same
 * time from a background thread.
 */
public final class PrometheusFleetReader implements FleetReader {

    private static final Pattern UUID_TEXT = Pattern.compile("[A-Za-z0-9-]{1,128}");

    private final PrometheusClient client;
    private final ExporterMapping mapping;
    private final Map<String, List<MetricRule<GpuField>>> gpuRules = new HashMap<>();
    private final Map<String, List<MetricRule<NodeField>>> nodeRules = new HashMap<>();
    private final Map<MetricRule<GpuField>, Integer> rank = new HashMap<>();
    /** Instance host → node name, learned from GPU series that carry both (node_exporter has only the instance). */
    private final Map<String, String> nodeByHost = new ConcurrentHashMap<>();
    /** Each node's GPUs as last seen, without readings: shown for a DOWN node. */
    private final Map<String, List<FleetGpu>> lastGpus = new ConcurrentHashMap<>();
    private volatile boolean targetsUnsupported;

    public PrometheusFleetReader(PrometheusClient client, ExporterMapping mapping) {
        this.client = client;
        this.mapping = mapping;
        int i = 0;
        for (MetricRule<GpuField> r : mapping.gpuMetrics()) {
            gpuRules.computeIfAbsent(r.metric(), k -> new ArrayList<>()).add(r);
            rank.put(r, i++);
        }
        for (MetricRule<NodeField> r : mapping.nodeMetrics()) {
            nodeRules.computeIfAbsent(r.metric(), k -> new ArrayList<>()).add(r);
        }
    }

    @Override
    public String origin() {
        return "prometheus " + client.url();
    }

    /** The client, for PromQL rules over this endpoint. */
    public PromQlQuery promQl() {
        return client;
    }

    public PrometheusClient client() {
        return client;
    }

    private static final class GpuAcc {
        final String uuid;
        String node = "";
        int index = -1;
        String model = "";
        final Map<String, String> labels = new TreeMap<>();
        final EnumMap<GpuField, Double> values = new EnumMap<>(GpuField.class);
        final EnumMap<GpuField, Integer> valueRank = new EnumMap<>(GpuField.class);
        final Map<Integer, String[]> processNames = new TreeMap<>();
        final Map<Integer, Double> processMemory = new HashMap<>();

        GpuAcc(String uuid) {
            this.uuid = uuid;
        }
    }

    private static final class NodeAcc {
        final EnumMap<NodeField, Double> values = new EnumMap<>(NodeField.class);
    }

    @Override
    public FleetSnapshot read(Instant now) throws FleetException {
        List<String> problems = new ArrayList<>();
        // The five requests go out at once (virtual threads): a poll waits for the slowest, not the sum.
        Future<List<PromQlQuery.Value>> gaugesAsked = async(() -> client.query(mapping.gaugeSelector(), null));
        Future<List<ScrapeTarget>> targetsAsked = targetsUnsupported ? null : async(client::targets);
        Map<NodeField, Future<List<PromQlQuery.Value>>> expressionsAsked = new EnumMap<>(NodeField.class);
        for (Expression e : mapping.nodeExpressions()) {
            expressionsAsked.put(e.field(), async(() -> client.query(e.expr(), null)));
        }
        List<PromQlQuery.Value> gauges = join(gaugesAsked);
        List<ScrapeTarget> targets = null;
        if (targetsAsked != null) {
            try {
                targets = join(targetsAsked);
            } catch (FleetException e) {
                switch (e.kind()) {
                    case UNREACHABLE, TIMEOUT -> throw e;
                    // No such API here (Amazon Managed Service for Prometheus has none): stop asking.
                    case BAD_RESPONSE, BAD_QUERY -> targetsUnsupported = true;
                    default -> problems.add(e.getMessage());
                }
            }
        }
        if (targets == null) {
            // Health from the up series instead (same request count): down without Prometheus's reason.
            targets = targetsFromUp(client.query("up", null));
            if (targetsUnsupported) {
                problems.add("Prometheus '" + client.name() + "' has no /api/v1/targets: node health comes from its up series");
            }
        }
        Map<NodeField, List<PromQlQuery.Value>> expressionValues = new EnumMap<>(NodeField.class);
        for (var asked : expressionsAsked.entrySet()) {
            try {
                expressionValues.put(asked.getKey(), join(asked.getValue()));
            } catch (FleetException ex) {
                if (ex.kind() == FleetException.Kind.AUTH || ex.kind() == FleetException.Kind.UNREACHABLE) {
                    throw ex;
                }
                problems.add(ex.getMessage());
            }
        }

        // GPUs first: their series teach which instance host is which node.
        Map<String, GpuAcc> gpus = new LinkedHashMap<>();
        int withoutUuid = 0;
        List<PromQlQuery.Value> nodeSeries = new ArrayList<>();
        ExporterMapping.Processes proc = mapping.processes();
        Set<String> infoMetrics = Set.copyOf(mapping.infoMetrics());
        for (PromQlQuery.Value v : gauges) {
            Map<String, String> labels = v.labels();
            String name = labels.getOrDefault("__name__", "");
            List<MetricRule<GpuField>> rules = gpuRules.get(name);
            boolean info = infoMetrics.contains(name);
            boolean procInfo = name.equals(proc.infoMetric());
            boolean procMem = name.equals(proc.memoryMetric());
            if (rules == null && !info && !procInfo && !procMem) {
                if (nodeRules.containsKey(name)) {
                    nodeSeries.add(v);
                }
                continue;
            }
            String uuid = ExporterMapping.normaliseUuid(ExporterMapping.first(labels, mapping.uuidLabels()));
            if (uuid.isEmpty()) {
                withoutUuid++;
                continue;
            }
            GpuAcc g = gpus.computeIfAbsent(uuid, GpuAcc::new);
            describe(g, labels);
            if (rules != null && Double.isFinite(v.value())) {
                for (MetricRule<GpuField> r : rules) {
                    int rk = rank.get(r);
                    Integer held = g.valueRank.get(r.field());
                    if (held == null || rk < held) {
                        g.values.put(r.field(), v.value() * r.scale());
                        g.valueRank.put(r.field(), rk);
                    }
                }
            }
            if (procInfo || procMem) {
                int pid = parsePid(labels.get(proc.pidLabel()));
                if (pid < 0) {
                    continue;
                }
                String pname = labels.getOrDefault(proc.nameLabel(), "");
                if (procInfo || !g.processNames.containsKey(pid)) {
                    g.processNames.put(pid, new String[] {pname});
                }
                if (procMem && Double.isFinite(v.value())) {
                    g.processMemory.put(pid, v.value());
                }
            }
        }
        if (withoutUuid > 0) {
            problems.add(withoutUuid + " GPU series without a UUID label were left out");
        }

        Map<String, NodeAcc> nodes = new TreeMap<>();
        for (GpuAcc g : gpus.values()) {
            nodes.computeIfAbsent(g.node, k -> new NodeAcc());
        }
        for (PromQlQuery.Value v : nodeSeries) {
            if (!Double.isFinite(v.value())) {
                continue;
            }
            NodeAcc n = nodes.computeIfAbsent(nodeOfHostSeries(v.labels()), k -> new NodeAcc());
            for (MetricRule<NodeField> r : nodeRules.get(v.labels().get("__name__"))) {
                n.values.putIfAbsent(r.field(), v.value() * r.scale());
            }
        }
        expressionValues.forEach((field, values) -> {
            for (PromQlQuery.Value v : values) {
                if (Double.isFinite(v.value())) {
                    nodes.computeIfAbsent(nodeOfHostSeries(v.labels()), k -> new NodeAcc()).values.putIfAbsent(field, v.value());
                }
            }
        });

        // Targets: which node each belongs to; a down target whose node was never seen still shows when
        // its scrape pool serves known nodes (an exporter down since before the first poll).
        Map<String, List<ScrapeTarget>> targetsByNode = new HashMap<>();
        Map<String, String> targetNode = new HashMap<>();
        Set<String> poolsWithNodes = new HashSet<>();
        for (ScrapeTarget t : targets) {
            String node = nodeOfTarget(t);
            targetNode.put(t.scrapeUrl() + "|" + t.scrapePool(), node);
            if (nodes.containsKey(node) || lastGpus.containsKey(node)) {
                poolsWithNodes.add(t.scrapePool());
            }
        }
        for (ScrapeTarget t : targets) {
            String node = targetNode.get(t.scrapeUrl() + "|" + t.scrapePool());
            boolean known = nodes.containsKey(node) || lastGpus.containsKey(node);
            if (known || (!t.health().equals("up") && poolsWithNodes.contains(t.scrapePool()))) {
                targetsByNode.computeIfAbsent(node, k -> new ArrayList<>()).add(t);
                nodes.computeIfAbsent(node, k -> new NodeAcc());
            }
        }

        Map<String, List<FleetGpu>> gpusByNode = new HashMap<>();
        for (GpuAcc g : gpus.values()) {
            gpusByNode.computeIfAbsent(g.node, k -> new ArrayList<>()).add(toGpu(g));
        }
        List<FleetNode> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (var e : nodes.entrySet()) {
            String name = e.getKey();
            seen.add(name);
            List<ScrapeTarget> ts = targetsByNode.getOrDefault(name, List.of());
            NodeHealth health = health(ts);
            String lastError = "";
            long lastScrape = 0;
            for (ScrapeTarget t : ts) {
                lastScrape = Math.max(lastScrape, t.lastScrapeMillis());
                if (!t.health().equals("up") && lastError.isEmpty() && !t.lastError().isEmpty()) {
                    lastError = t.scrapeUrl() + ": " + t.lastError();
                }
            }
            List<FleetGpu> nodeGpus = gpusByNode.getOrDefault(name, List.of());
            nodeGpus = new ArrayList<>(nodeGpus);
            nodeGpus.sort(Comparator.comparingInt(FleetGpu::index).thenComparing(FleetGpu::uuid));
            if (health == NodeHealth.DOWN) {
                out.add(new FleetNode(name, sharedLabels(ts), health, lastError, lastScrape, OptionalDouble.empty(),
                        OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                        lastGpus.getOrDefault(name, List.of())));
                continue;
            }
            if (!nodeGpus.isEmpty()) {
                lastGpus.put(name, nodeGpus.stream().map(PrometheusFleetReader::withoutReadings).toList());
            }
            NodeAcc n = e.getValue();
            OptionalDouble total = opt(n.values.get(NodeField.MEMORY_TOTAL_BYTES));
            OptionalDouble available = opt(n.values.get(NodeField.MEMORY_AVAILABLE_BYTES));
            OptionalDouble used = total.isPresent() && available.isPresent()
                    ? OptionalDouble.of(total.getAsDouble() - available.getAsDouble()) : OptionalDouble.empty();
            out.add(new FleetNode(name, sharedLabels(ts), health, lastError, lastScrape,
                    opt(n.values.get(NodeField.CPU_PERCENT)), used, total, opt(n.values.get(NodeField.NETWORK_RX_BYTES_PER_S)),
                    opt(n.values.get(NodeField.NETWORK_TX_BYTES_PER_S)), nodeGpus));
        }
        lastGpus.keySet().retainAll(seen);
        if (out.isEmpty()) {
            problems.add("Prometheus '" + client.name() + "' has none of the exporter metrics Vigil reads"
                    + " (dcgm-exporter, nvidia_gpu_exporter, node_exporter): does it scrape them?");
        }
        return new FleetSnapshot(now.toEpochMilli(), origin(), out, problems);
    }

    private static <T> Future<T> async(Callable<T> call) {
        FutureTask<T> task = new FutureTask<>(call);
        Thread.ofVirtual().name("fleet-query").start(task);
        return task;
    }

    private static <T> T join(Future<T> asked) throws FleetException {
        try {
            return asked.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof FleetException fe) {
                throw fe;
            }
            throw new FleetException(FleetException.Kind.BAD_RESPONSE, String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FleetException(FleetException.Kind.TIMEOUT, "interrupted while reading the fleet", e);
        }
    }

    /** {@code up} as scrape targets: 1 up, 0 down, with the job as scrape pool and the instance as URL. */
    static List<ScrapeTarget> targetsFromUp(List<PromQlQuery.Value> up) {
        List<ScrapeTarget> out = new ArrayList<>();
        for (PromQlQuery.Value v : up) {
            Map<String, String> labels = new HashMap<>(v.labels());
            labels.remove("__name__");
            boolean ok = v.value() == 1;
            out.add(new ScrapeTarget(labels, labels.getOrDefault("job", ""), "http://" + labels.getOrDefault("instance", "") + "/",
                    ok ? "up" : "down", ok ? "" : "the scrape failed (up == 0; this endpoint has no /api/v1/targets to say why)", 0));
        }
        return out;
    }

    private void describe(GpuAcc g, Map<String, String> labels) {
        if (g.node.isEmpty()) {
            String node = ExporterMapping.first(labels, mapping.nodeLabels());
            String host = instanceHost(labels.getOrDefault("instance", ""));
            if (!node.isEmpty() && !host.isEmpty()) {
                nodeByHost.put(host, node);
            }
            g.node = !node.isEmpty() ? node : !host.isEmpty() ? nodeByHost.getOrDefault(host, host) : "unknown";
        }
        if (g.index < 0) {
            String idx = ExporterMapping.first(labels, mapping.indexLabels());
            try {
                g.index = idx.isEmpty() ? -1 : Integer.parseInt(idx.trim());
            } catch (NumberFormatException e) {
                g.index = -1;
            }
        }
        if (g.model.isEmpty()) {
            g.model = ExporterMapping.first(labels, mapping.modelLabels());
        }
        mapping.keptLabels().forEach((key, candidates) -> {
            if (!g.labels.containsKey(key)) {
                String v = ExporterMapping.first(labels, candidates);
                if (!v.isEmpty()) {
                    g.labels.put(key, v);
                }
            }
        });
    }

    private String nodeOfHostSeries(Map<String, String> labels) {
        String node = ExporterMapping.first(labels, mapping.nodeLabels());
        if (!node.isEmpty()) {
            return node;
        }
        String host = instanceHost(labels.getOrDefault("instance", ""));
        return nodeByHost.getOrDefault(host, host.isEmpty() ? "unknown" : host);
    }

    private String nodeOfTarget(ScrapeTarget t) {
        String node = ExporterMapping.first(t.labels(), mapping.nodeLabels());
        if (!node.isEmpty()) {
            return node;
        }
        String host = instanceHost(t.labels().getOrDefault("instance", ""));
        if (host.isEmpty()) {
            host = instanceHost(java.net.URI.create(t.scrapeUrl()).getAuthority() == null ? ""
                    : java.net.URI.create(t.scrapeUrl()).getAuthority());
        }
        return nodeByHost.getOrDefault(host, host);
    }

    /** {@code host:port}, {@code [::1]:9100} or {@code host} → the host. */
    static String instanceHost(String instance) {
        if (instance.startsWith("[")) {
            int end = instance.indexOf(']');
            return end > 0 ? instance.substring(1, end) : instance;
        }
        int colon = instance.lastIndexOf(':');
        return colon > 0 && instance.indexOf(':') == colon ? instance.substring(0, colon) : instance;
    }

    private static NodeHealth health(List<ScrapeTarget> targets) {
        if (targets.isEmpty()) {
            return NodeHealth.UP; // its series are there, so something scraped them just now
        }
        boolean unknown = false;
        for (ScrapeTarget t : targets) {
            if (t.health().equals("down")) {
                return NodeHealth.DOWN;
            }
            unknown |= !t.health().equals("up");
        }
        return unknown ? NodeHealth.UNKNOWN : NodeHealth.UP;
    }

    private static Map<String, String> sharedLabels(List<ScrapeTarget> targets) {
        if (targets.isEmpty()) {
            return Map.of();
        }
        Map<String, String> shared = new TreeMap<>(targets.getFirst().labels());
        for (ScrapeTarget t : targets) {
            shared.entrySet().removeIf(e -> !e.getValue().equals(t.labels().get(e.getKey())));
        }
        shared.remove("instance");
        shared.keySet().removeIf(k -> k.startsWith("__"));
        return shared;
    }

    private static int parsePid(String text) {
        try {
            return text == null ? -1 : Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static OptionalDouble opt(Double v) {
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    private static FleetGpu toGpu(GpuAcc g) {
        OptionalDouble total = opt(g.values.get(GpuField.MEMORY_TOTAL_BYTES));
        Double used = g.values.get(GpuField.MEMORY_USED_BYTES);
        Double free = g.values.get(GpuField.MEMORY_FREE_BYTES);
        if (total.isEmpty() && used != null && free != null) {
            total = OptionalDouble.of(used + free + g.values.getOrDefault(GpuField.MEMORY_RESERVED_BYTES, 0.0));
        }
        List<FleetProcess> processes = new ArrayList<>();
        g.processNames.forEach((pid, name) -> {
            Double mem = g.processMemory.get(pid);
            processes.add(new FleetProcess(pid, name[0], mem == null ? OptionalLong.empty() : OptionalLong.of(mem.longValue()),
                    "", "", ""));
        });
        String pod = g.labels.getOrDefault("pod", "");
        if (!pod.isEmpty()) {
            // dcgm-exporter names the pod holding the GPU, not its processes.
            processes.add(new FleetProcess(0, "", OptionalLong.empty(), pod, g.labels.getOrDefault("namespace", ""),
                    g.labels.getOrDefault("container", "")));
        }
        return new FleetGpu(g.node, g.uuid, g.index, g.model, g.labels, opt(g.values.get(GpuField.UTILIZATION_PERCENT)),
                opt(used), total, opt(g.values.get(GpuField.TEMPERATURE_C)), opt(g.values.get(GpuField.POWER_WATTS)),
                opt(g.values.get(GpuField.POWER_LIMIT_WATTS)), opt(g.values.get(GpuField.ECC_ERRORS)),
                opt(g.values.get(GpuField.XID_LAST)), processes);
    }

    private static FleetGpu withoutReadings(FleetGpu g) {
        OptionalDouble none = OptionalDouble.empty();
        return new FleetGpu(g.node(), g.uuid(), g.index(), g.model(), g.labels(), none, none, none, none, none, none,
                none, none, List.of());
    }

    /**
     * One GPU's history from {@code query_range}, at most {@code maxPoints} points (the step respects
     * Prometheus's 11,000-point limit). The GPU is found by UUID in whichever form its exporter writes.
     */
    @Override
    public SeriesPoints history(String node, String gpuUuid, FleetMetric metric, Instant start, Instant end,
                                int maxPoints) throws FleetException {
        String expr = historyQuery(gpuUuid, metric);
        Duration step = RangeStep.choose(start, end, maxPoints);
        List<RangeSeries> series = client.queryRange(expr, start, end, step);
        return series.isEmpty() ? SeriesPoints.EMPTY : series.getFirst().points();
    }

    /** {@code max((M{UUID=~"(?i)(GPU-)?<hex>"} * scale) or …)} over every metric that gives the field. */
    String historyQuery(String gpuUuid, FleetMetric metric) throws FleetException {
        if (gpuUuid == null || !UUID_TEXT.matcher(gpuUuid).matches()) {
            // The UUID came from an exporter: never let it shape the query.
            throw new FleetException(FleetException.Kind.BAD_QUERY, "'" + gpuUuid + "' is not a GPU UUID");
        }
        String bare = ExporterMapping.normaliseUuid(gpuUuid).substring(4);
        String prefix = gpuUuid.regionMatches(true, 0, "MIG-", 0, 4) ? "MIG-" : "GPU-";
        String re = "(?i)(" + prefix + ")?" + bare;
        GpuField field = GpuField.of(metric);
        List<String> terms = new ArrayList<>();
        for (MetricRule<GpuField> r : mapping.gpuMetrics()) {
            if (r.field() != field) {
                continue;
            }
            for (String label : mapping.uuidLabels()) {
                terms.add("(" + r.metric() + "{" + label + "=~\"" + re + "\"}" + (r.scale() == 1 ? "" : " * " + r.scale()) + ")");
            }
        }
        if (terms.isEmpty()) {
            throw new FleetException(FleetException.Kind.BAD_QUERY, "no exporter metric gives " + metric);
        }
        return "max(" + String.join(" or ", terms) + ")";
    }

    @Override
    public void close() {
        // The HTTP client holds no resources that outlive its requests.
    }
}
