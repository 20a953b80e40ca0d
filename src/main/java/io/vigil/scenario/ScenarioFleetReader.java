package io.vigil.scenario;

import io.vigil.fleet.FleetGpu;
import io.vigil.fleet.FleetMetric;
import io.vigil.fleet.FleetNode;
import io.vigil.fleet.FleetProcess;
import io.vigil.fleet.FleetReader;
import io.vigil.fleet.FleetSnapshot;
import io.vigil.fleet.NodeHealth;
import io.vigil.telemetry.SeriesPoints;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The demo's GPU fleet: 24 nodes × 8 GPUs in three Kubernetes clusters, as Prometheus with
 * dcgm-exporter and nvidia_gpu_exporter would report it. Training jobs run in pods all night, an
 * inference cluster follows a daily curve, a few GPUs sit idle but allocated to notebooks. In the
 * same night as the scenario's local incident, two nodes start mining ({@code xmrig} at 100 % and
 * near the power limit) and one node stops answering its scrapes for a stretch.
 *
 * <p>Every reading is a pure function of (node, GPU, metric, instant) driven by the scenario's loop
 * offset, so {@link #read} and {@link #history} agree and a replay is identical every time.
 * Stateless and thread-safe.
 */
public final class ScenarioFleetReader implements FleetReader {

    /** Where the story happens, as offsets from the scenario's start (22:00 in the built-in demo). */
    static final Duration MINER_B_FROM = Duration.ofHours(4).plusMinutes(20);
    static final Duration MINER_E_FROM = Duration.ofHours(4).plusMinutes(45);
    static final Duration MINING_UNTIL = Duration.ofHours(9).plusMinutes(40);
    static final Duration DOWN_FROM = Duration.ofHours(5);
    static final Duration DOWN_UNTIL = Duration.ofHours(7).plusMinutes(30);
    /** The two mining nodes and the node that goes DOWN. */
    public static final String MINER_NODE_1 = "gpu-b-06";
    public static final String MINER_NODE_2 = "gpu-e-04";
    public static final String DOWN_NODE = "gpu-a-07";
    private static final long STEP_MS = 15_000;
    private static final double GIB = 1024.0 * 1024 * 1024;

    private enum Job { TRAINING, INFERENCE, NOTEBOOK, FREE, MINER }

    private record ClusterSpec(String name, String prefix, int nodes, String model, double powerLimitW,
                               double memoryGiB, String region) {
    }

    private record GpuSpec(int index, String uuid, Job job, String pod, String namespace, String container,
                           String process, int pid, long minerFromMs) {
    }

    private record NodeSpec(String name, int ordinal, ClusterSpec cluster, List<GpuSpec> gpus) {
    }

    private static final List<ClusterSpec> CLUSTERS = List.of(
            new ClusterSpec("train-us-east-1a", "gpu-a", 10, "NVIDIA H100 80GB HBM3", 700, 80, "us-east-1"),
            new ClusterSpec("train-us-east-1b", "gpu-b", 8, "NVIDIA A100-SXM4-80GB", 400, 80, "us-east-1"),
            new ClusterSpec("infer-eu-west-1", "gpu-e", 6, "NVIDIA L40S", 350, 48, "eu-west-1"));

    private final Scenario scenario;
    private final List<NodeSpec> nodes;
    private final Map<String, NodeSpec> byName = new LinkedHashMap<>();

    public ScenarioFleetReader(Scenario scenario) {
        this.scenario = scenario;
        this.nodes = buildFleet();
        nodes.forEach(n -> byName.put(n.name(), n));
    }

    private static List<NodeSpec> buildFleet() {
        List<NodeSpec> out = new ArrayList<>();
        int ordinal = 0;
        for (ClusterSpec c : CLUSTERS) {
            for (int n = 1; n <= c.nodes(); n++) {
                String name = String.format(Locale.ROOT, "%s-%02d", c.prefix(), n);
                List<GpuSpec> gpus = new ArrayList<>();
                for (int g = 0; g < 8; g++) {
                    gpus.add(gpu(c, name, ordinal, n, g));
                }
                out.add(new NodeSpec(name, ordinal++, c, gpus));
            }
        }
        return List.copyOf(out);
    }

    private static GpuSpec gpu(ClusterSpec c, String node, int ordinal, int n, int g) {
        String uuid = String.format(Locale.ROOT, "GPU-%08x-%04x-4%03x-8%03x-%012x", 0x5ca1ab1eL + ordinal,
                ordinal * 31 + g, g, ordinal, (long) ordinal * 8 + g + 0xf1ee7000L);
        int pid = 40_000 + ordinal * 100 + g;
        if (node.equals(MINER_NODE_1)) {
            return new GpuSpec(g, uuid, Job.MINER, "metrics-agent-x7k2p", "kube-system", "agent", "xmrig", pid,
                    MINER_B_FROM.toMillis());
        }
        if (node.equals(MINER_NODE_2)) {
            return new GpuSpec(g, uuid, Job.MINER, "jupyter-dev-5", "research", "notebook", "xmrig", pid,
                    MINER_E_FROM.toMillis());
        }
        if (c.prefix().equals("gpu-e")) {
            // Inference: vLLM replicas of two models on six GPUs, a notebook on one, one free.
            if (g == 7) {
                return new GpuSpec(g, uuid, Job.FREE, "", "", "", "", 0, 0);
            }
            if (g == 6) {
                return new GpuSpec(g, uuid, Job.NOTEBOOK, "jupyter-" + (n % 2 == 0 ? "alice" : "bob"), "research",
                        "notebook", "jupyter-lab", pid, 0);
            }
            String model = g < 3 ? "llama-70b-chat" : "mistral-7b-instruct";
            return new GpuSpec(g, uuid, Job.INFERENCE, "vllm-" + model + "-" + (char) ('a' + n) + g, "serving",
                    "vllm", "vllm", pid, 0);
        }
        if (c.prefix().equals("gpu-b") && n >= 5) {
            // A half-used cluster: notebooks holding GPUs they do not use, and free GPUs.
            return g < 2 ? new GpuSpec(g, uuid, Job.NOTEBOOK, "jupyter-team-" + n, "research", "notebook",
                    "jupyter-lab", pid, 0) : new GpuSpec(g, uuid, Job.FREE, "", "", "", "", 0, 0);
        }
        String job = c.prefix().equals("gpu-a") ? "llama-pretrain" : "vision-finetune";
        return new GpuSpec(g, uuid, Job.TRAINING, job + "-worker-" + n, c.prefix().equals("gpu-a") ? "llm" : "vision",
                "trainer", "torchrun", pid, 0);
    }

    @Override
    public String origin() {
        return "scenario " + scenario.name() + " (demo fleet)";
    }

    @Override
    public FleetSnapshot read(Instant now) {
        long t = now.toEpochMilli();
        long offset = scenario.offsetMillis(now);
        List<FleetNode> out = new ArrayList<>(nodes.size());
        for (NodeSpec n : nodes) {
            out.add(node(n, t, offset));
        }
        return new FleetSnapshot(t, origin(), out, List.of());
    }

    private FleetNode node(NodeSpec n, long t, long offset) {
        Map<String, String> labels = Map.of("cluster", n.cluster().name(), "region", n.cluster().region(),
                "job", "dcgm-exporter", "instance", n.name() + ":9400");
        if (down(n, offset)) {
            long lastScrape = t - (offset - DOWN_FROM.toMillis());
            return new FleetNode(n.name(), labels, NodeHealth.DOWN, "Get \"http://" + n.name()
                    + ":9400/metrics\": dial tcp 10.1.0." + (10 + n.ordinal()) + ":9400: connect: no route to host",
                    lastScrape, OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                    OptionalDouble.empty(), OptionalDouble.empty(), List.of());
        }
        List<FleetGpu> gpus = new ArrayList<>();
        double busy = 0;
        for (GpuSpec g : n.gpus()) {
            FleetGpu gpu = gpu(n, g, t, offset);
            gpus.add(gpu);
            busy += gpu.utilizationPercent().orElse(0);
        }
        double cpu = Math.min(100, 6 + busy / 8 * 0.35 + 2 * noise(n.ordinal(), 99, 0, t));
        double memTotal = 2048 * GIB;
        return new FleetNode(n.name(), labels, NodeHealth.UP, "", t - Math.floorMod(t, STEP_MS), OptionalDouble.of(cpu),
                OptionalDouble.of(memTotal * (0.18 + busy / 800 * 0.4)), OptionalDouble.of(memTotal),
                OptionalDouble.of(40e6 + busy * 2e5), OptionalDouble.of(12e6 + busy * 5e4), gpus);
    }

    private static boolean down(NodeSpec n, long offset) {
        return n.name().equals(DOWN_NODE) && offset >= DOWN_FROM.toMillis() && offset < DOWN_UNTIL.toMillis();
    }

    private FleetGpu gpu(NodeSpec n, GpuSpec g, long t, long offset) {
        Job job = effectiveJob(g, offset);
        ClusterSpec c = n.cluster();
        double util = utilization(n, g, job, t, offset);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("modelName", c.model());
        labels.put("pci_bus_id", String.format(Locale.ROOT, "00000000:%02X:00.0", 0x18 + g.index() * 0x10));
        labels.put("device", "nvidia" + g.index());
        List<FleetProcess> processes = List.of();
        if (job != Job.FREE) {
            labels.put("pod", g.pod());
            labels.put("namespace", g.namespace());
            labels.put("container", g.container());
            processes = List.of(new FleetProcess(g.pid(), g.process(),
                    OptionalLong.of((long) memoryUsed(n, g, job, t)), g.pod(), g.namespace(), g.container()));
        }
        boolean faulty = n.name().equals("gpu-a-03") && g.index() == 5;
        return new FleetGpu(n.name(), g.uuid(), g.index(), c.model(), labels, OptionalDouble.of(util),
                OptionalDouble.of(memoryUsed(n, g, job, t)), OptionalDouble.of(c.memoryGiB() * GIB),
                OptionalDouble.of(temperature(n, g, power(n, g, util, job, t), t)),
                OptionalDouble.of(power(n, g, util, job, t)),
                OptionalDouble.of(c.powerLimitW()), OptionalDouble.of(faulty ? 2 : 0),
                OptionalDouble.of(faulty ? 48 : 0), processes);
    }

    private static Job effectiveJob(GpuSpec g, long offset) {
        if (g.job() == Job.MINER) {
            // Before and after its night the node is a free one: the attacker used idle capacity.
            return offset >= g.minerFromMs() && offset < MINING_UNTIL.toMillis() ? Job.MINER : Job.FREE;
        }
        return g.job();
    }

    private static double utilization(NodeSpec n, GpuSpec g, Job job, long t, long offset) {
        double v = switch (job) {
            case TRAINING -> 86 + 6 * Math.sin(2 * Math.PI * offset / 2_400_000.0 + n.ordinal())
                    + 4 * noise(n.ordinal(), g.index(), 1, t);
            case INFERENCE -> 38 + 24 * Math.sin(2 * Math.PI * offset / 10_800_000.0 + g.index() * 0.3)
                    + 8 * noise(n.ordinal(), g.index(), 1, t);
            case NOTEBOOK -> 1.5 + 1.2 * noise(n.ordinal(), g.index(), 1, t);
            case FREE -> 0;
            case MINER -> 99.5 + 0.5 * noise(n.ordinal(), g.index(), 1, t);
        };
        return Math.max(0, Math.min(100, v));
    }

    private static double temperature(NodeSpec n, GpuSpec g, double powerWatts, long t) {
        // Heat follows power. The A100 nodes of cluster b sit in an older, warmer row: a miner at the
        // power limit there runs above 90 °C, training stays below the 85 °C warning.
        double ambient = n.cluster().prefix().equals("gpu-b") ? 34 : 29;
        return ambient + 60 * powerWatts / n.cluster().powerLimitW() + 1.5 * noise(n.ordinal(), g.index(), 2, t);
    }

    private static double power(NodeSpec n, GpuSpec g, double util, Job job, long t) {
        double limit = n.cluster().powerLimitW();
        double idle = limit * 0.09;
        double share = job == Job.MINER ? 0.97 : job == Job.INFERENCE ? 0.7 : 0.82;
        return Math.min(limit, idle + (limit * share - idle) * util / 100 + limit * 0.02 * noise(n.ordinal(), g.index(), 3, t));
    }

    private static double memoryUsed(NodeSpec n, GpuSpec g, Job job, long t) {
        double total = n.cluster().memoryGiB() * GIB;
        double share = switch (job) {
            case TRAINING -> 0.92;
            case INFERENCE -> 0.9; // vLLM reserves most of the memory up front
            case NOTEBOOK -> 0.11;
            case FREE -> 0.006;
            case MINER -> 0.05; // miners need little memory: high power, low memory is their shape
        };
        return total * Math.max(0, share + 0.01 * noise(n.ordinal(), g.index(), 4, t));
    }

    /** Deterministic noise in [-1, 1], one value per 15 s step (a scrape interval). */
    private static double noise(int node, int gpu, int metric, long t) {
        long h = (Math.floorDiv(t, STEP_MS) * 0x9E3779B97F4A7C15L) ^ (node * 0xC2B2AE3D27D4EB4FL) ^ (gpu * 0x165667B19E3779F9L)
                ^ (metric * 0x27D4EB2F165667C5L);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (h >>> 11) * 0x1.0p-53 * 2 - 1;
    }

    @Override
    public SeriesPoints history(String node, String gpuUuid, FleetMetric metric, Instant start, Instant end,
                                int maxPoints) {
        NodeSpec n = byName.get(node);
        GpuSpec g = n == null ? null : n.gpus().stream().filter(x -> x.uuid().equals(gpuUuid)).findFirst().orElse(null);
        if (g == null || !end.isAfter(start) || maxPoints < 1) {
            return SeriesPoints.EMPTY;
        }
        long from = start.toEpochMilli();
        long to = end.toEpochMilli();
        // Like query_range: a step no finer than the scrape interval and at most maxPoints points,
        // ending at `end` so the newest point is the reading read(end) gives.
        long step = Math.max(STEP_MS, (long) Math.ceil((double) (to - from) / maxPoints));
        int size = (int) Math.min(maxPoints, (to - from) / step + 1);
        long[] times = new long[size];
        double[] values = new double[size];
        int k = 0;
        for (int i = size - 1; i >= 0; i--) {
            long t = to - i * step;
            long offset = scenario.offsetMillis(Instant.ofEpochMilli(t));
            if (down(n, offset)) {
                continue; // no samples while the node was not scraped: a gap, not a number
            }
            times[k] = t;
            values[k] = value(n, g, metric, t, offset);
            k++;
        }
        return new SeriesPoints(times, values, k);
    }

    private double value(NodeSpec n, GpuSpec g, FleetMetric metric, long t, long offset) {
        Job job = effectiveJob(g, offset);
        double util = utilization(n, g, job, t, offset);
        return switch (metric) {
            case UTILIZATION -> util;
            case TEMPERATURE -> temperature(n, g, power(n, g, util, job, t), t);
            case POWER -> power(n, g, util, job, t);
            case MEMORY_USED -> memoryUsed(n, g, job, t);
            case ECC_ERRORS -> n.name().equals("gpu-a-03") && g.index() == 5 ? 2 : 0;
            case XID -> n.name().equals("gpu-a-03") && g.index() == 5 ? 48 : 0;
        };
    }
}
