package io.vigil.bench;

import com.sun.net.httpserver.HttpServer;
import io.vigil.fleet.FleetException;
import io.vigil.fleet.FleetSnapshot;
import io.vigil.fleet.FleetSource;
import io.vigil.fleet.PrometheusHarness;
import io.vigil.fleet.prometheus.ExporterMapping;
import io.vigil.fleet.prometheus.PrometheusClient;
import io.vigil.fleet.prometheus.PrometheusFleetReader;
import io.vigil.fleet.prometheus.RequestAuth;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.SeriesStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One fleet poll of 1,000 nodes × 8 GPUs through a real Prometheus, against the naive pattern of
 * one query per node: HTTP requests, wall time, bytes received and CPU (this JVM and Prometheus),
 * then the heap that fleet takes in the series store at the default window.
 *
 * <p>One generator target serves every host's series (dcgm-exporter shape with {@code Hostname} and
 * {@code instance} labels, and node_exporter's) with {@code honor_labels: true}, as the issue allows.
 * Run: {@code ./mvnw -Pbench verify -Dbench=fleet}.
 */
final class FleetBench {

    private static final String[] GPU_METRICS = {"DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_GPU_TEMP",
        "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_XID_ERRORS",
        "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL"};

    private FleetBench() {
    }

    static String node(int n) {
        return String.format(Locale.ROOT, "node-%04d", n);
    }

    /** The generator's scrape: every node's GPUs and host, counters from the clock with explicit timestamps. */
    static byte[] scrape(int nodes, int gpus) {
        long now = System.currentTimeMillis();
        double t = now / 1000.0;
        StringBuilder b = new StringBuilder(nodes * gpus * GPU_METRICS.length * 230);
        for (String m : GPU_METRICS) {
            b.append("# TYPE ").append(m).append(" gauge\n");
            for (int n = 0; n < nodes; n++) {
                for (int g = 0; g < gpus; g++) {
                    double v = switch (m) {
                        case "DCGM_FI_DEV_GPU_UTIL" -> (n * 7 + g * 13) % 101;
                        case "DCGM_FI_DEV_GPU_TEMP" -> 30 + (n + g) % 55;
                        case "DCGM_FI_DEV_POWER_USAGE" -> 60 + (n * 3 + g) % 600;
                        case "DCGM_FI_DEV_FB_USED" -> (n * 97 + g) % 81920;
                        case "DCGM_FI_DEV_FB_FREE" -> 81920 - (n * 97 + g) % 81920;
                        default -> 0;
                    };
                    b.append(m).append("{gpu=\"").append(g).append("\",UUID=\"GPU-").append(String.format(Locale.ROOT,
                            "%08x-0000-4000-8000-%012x", n, g)).append("\",device=\"nvidia").append(g)
                            .append("\",modelName=\"NVIDIA H100 80GB HBM3\",Hostname=\"").append(node(n))
                            .append("\",DCGM_FI_DRIVER_VERSION=\"570.86.15\",instance=\"").append(node(n))
                            .append(":9400\",job=\"dcgm\"} ").append(v).append('\n');
                }
            }
        }
        b.append("# TYPE node_cpu_seconds_total counter\n");
        for (int n = 0; n < nodes; n++) {
            for (int cpu = 0; cpu < 2; cpu++) {
                b.append("node_cpu_seconds_total{cpu=\"").append(cpu).append("\",mode=\"idle\",instance=\"").append(node(n))
                        .append(":9100\",job=\"node\"} ").append(String.format(Locale.ROOT, "%.3f", t * 0.5)).append(' ')
                        .append(now).append('\n');
            }
        }
        for (String m : List.of("node_network_receive_bytes_total", "node_network_transmit_bytes_total")) {
            b.append("# TYPE ").append(m).append(" counter\n");
            for (int n = 0; n < nodes; n++) {
                b.append(m).append("{device=\"eth0\",instance=\"").append(node(n)).append(":9100\",job=\"node\"} ")
                        .append(String.format(Locale.ROOT, "%.0f", t * 1000)).append(' ').append(now).append('\n');
            }
        }
        for (String m : List.of("node_memory_MemTotal_bytes", "node_memory_MemAvailable_bytes")) {
            b.append("# TYPE ").append(m).append(" gauge\n");
            for (int n = 0; n < nodes; n++) {
                b.append(m).append("{instance=\"").append(node(n)).append(":9100\",job=\"node\"} ")
                        .append(m.contains("Total") ? "6.8719476736e+11" : "4.0e+11").append('\n');
            }
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** CPU seconds of a process from /proc (utime + stime), or NaN where there is none. */
    static double processCpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // USER_HZ
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static double jvmCpuSeconds() {
        return processCpuSeconds(ProcessHandle.current().pid());
    }

    record Measured(long requests, long bytes, double wallMs, double jvmCpuMs, double promCpuMs) {
    }

    interface Poll {
        void run() throws FleetException;
    }

    static Measured measure(PrometheusClient client, long promPid, Poll poll) throws FleetException {
        long r0 = client.requestCount();
        long b0 = client.bytesReceived();
        double c0 = jvmCpuSeconds();
        double p0 = processCpuSeconds(promPid);
        long t0 = System.nanoTime();
        poll.run();
        long t1 = System.nanoTime();
        return new Measured(client.requestCount() - r0, client.bytesReceived() - b0, (t1 - t0) / 1e6,
                (jvmCpuSeconds() - c0) * 1000, (processCpuSeconds(promPid) - p0) * 1000);
    }

    static Measured median(List<Measured> runs) {
        double[] wall = runs.stream().mapToDouble(Measured::wallMs).sorted().toArray();
        double[] cpu = runs.stream().mapToDouble(Measured::jvmCpuMs).sorted().toArray();
        double[] prom = runs.stream().mapToDouble(Measured::promCpuMs).sorted().toArray();
        Measured first = runs.getFirst();
        return new Measured(first.requests(), first.bytes(), wall[wall.length / 2], cpu[cpu.length / 2], prom[prom.length / 2]);
    }

    static void run(int nodes) throws Exception {
        int gpus = 8;
        HttpServer generator = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        generator.createContext("/metrics", ex -> {
            byte[] body = scrape(nodes, gpus);
            ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        generator.start();
        String target = "127.0.0.1:" + generator.getAddress().getPort();
        System.out.printf("fleet: generator serves %d nodes x %d GPUs, %.1f MB per scrape%n", nodes, gpus,
                scrape(nodes, gpus).length / 1e6);
        try (PrometheusHarness prom = PrometheusHarness.start(List.of(
                new PrometheusHarness.Job("generator", List.of(target), java.util.Map.of(), true, "10s")))) {
            long baseline = usedHeapAfterGc();
            PrometheusClient client = new PrometheusClient("bench", prom.url(), HttpClient.newHttpClient(), RequestAuth.NONE,
                    Duration.ofSeconds(120));
            PrometheusFleetReader reader = new PrometheusFleetReader(client, ExporterMapping.builtIn());
            FleetSnapshot[] last = new FleetSnapshot[1];
            prom.await("every GPU and node rate in Prometheus", () -> {
                try {
                    last[0] = reader.read(Instant.now());
                    return last[0].gpus().size() == nodes * gpus
                            && last[0].nodes().stream().allMatch(n -> n.cpuPercent().isPresent() && n.networkRxBytesPerS().isPresent());
                } catch (FleetException e) {
                    return false;
                }
            });
            System.out.printf("fleet: %d nodes, %d GPUs read; nodes %s%n", last[0].nodes().size(), last[0].gpus().size(),
                    last[0].nodes().size() == nodes + 1 ? "(+1: the generator target's own host)" : "");

            List<Measured> fleetPolls = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                fleetPolls.add(measure(client, prom.pid(), () -> last[0] = reader.read(Instant.now())));
            }
            Measured fleet = median(fleetPolls);

            ExporterMapping mapping = ExporterMapping.builtIn();
            String gaugeNames = String.join("|", mapping.gaugeNames());
            Measured naive = measure(client, prom.pid(), () -> {
                client.targets();
                for (int n = 0; n < nodes; n++) {
                    String host = node(n);
                    client.query("{__name__=~\"" + gaugeNames + "\",Hostname=\"" + host + "\"}", null);
                    client.query("{__name__=~\"" + gaugeNames + "\",instance=\"" + host + ":9100\"}", null);
                    client.query("100 * (1 - avg by (instance) (irate(node_cpu_seconds_total{mode=\"idle\",instance=\"" + host
                            + ":9100\"}[1m])))", null);
                    client.query("sum by (instance) (irate(node_network_receive_bytes_total{instance=\"" + host
                            + ":9100\"}[1m]))", null);
                    client.query("sum by (instance) (irate(node_network_transmit_bytes_total{instance=\"" + host
                            + ":9100\"}[1m]))", null);
                }
            });
            System.out.printf("fleet poll (median of 5): %d requests, %.0f ms wall, %.1f MB received, %.0f ms CPU in Vigil,"
                    + " %.0f ms CPU in Prometheus%n", fleet.requests(), fleet.wallMs(), fleet.bytes() / 1e6, fleet.jvmCpuMs(),
                    fleet.promCpuMs());
            System.out.printf("naive one-query-per-node poll: %d requests, %.0f ms wall, %.1f MB received, %.0f ms CPU in Vigil,"
                    + " %.0f ms CPU in Prometheus%n", naive.requests(), naive.wallMs(), naive.bytes() / 1e6, naive.jvmCpuMs(),
                    naive.promCpuMs());
            System.out.printf("ratio naive / fleet: requests %.0fx, wall %.1fx, bytes %.2fx, CPU Vigil %.1fx, CPU Prometheus %.1fx%n",
                    naive.requests() / (double) fleet.requests(), naive.wallMs() / fleet.wallMs(),
                    naive.bytes() / (double) fleet.bytes(), naive.jvmCpuMs() / fleet.jvmCpuMs(),
                    naive.promCpuMs() / fleet.promCpuMs());
            heap(reader, last[0], baseline);
        } finally {
            generator.stop(0);
        }
    }

    /**
     * Heap of the fleet in the console at the default window (15 min at 15 s: 62 points a series):
     * the series store filled by 62 polls' samples, the latest snapshot and the reader's state.
     */
    static void heap(PrometheusFleetReader reader, FleetSnapshot snapshot, long baseline) throws Exception {
        FleetSource source = new FleetSource(new io.vigil.fleet.FleetReader() {
            @Override
            public String origin() {
                return reader.origin();
            }

            @Override
            public FleetSnapshot read(Instant now) {
                return new FleetSnapshot(now.toEpochMilli(), snapshot.origin(), snapshot.nodes(), snapshot.problems());
            }

            @Override
            public io.vigil.telemetry.SeriesPoints history(String node, String gpuUuid, io.vigil.fleet.FleetMetric metric,
                                                            Instant start, Instant end, int maxPoints) {
                return io.vigil.telemetry.SeriesPoints.EMPTY;
            }
        }, Duration.ofSeconds(15));
        long before = usedHeapAfterGc();
        SeriesStore store = new SeriesStore(); // the default fleet window: 15 min at 15 s
        Instant t = Instant.parse("2026-11-30T00:00:00Z");
        int series = 0;
        for (int i = 0; i < SeriesStore.FLEET_CAPACITY + 10; i++) {
            PollResult r = source.poll(t.plusSeconds(15L * i));
            for (Sample s : r.samples()) {
                store.append(s);
            }
            series = store.seriesCount();
        }
        long after = usedHeapAfterGc();
        System.out.printf("fleet heap at the default window: %d series x %d points: series store %.1f MiB (arrays %.1f MiB);"
                        + " with the latest snapshot and the reader's state %.1f MiB; target < 250 MB%n", series,
                SeriesStore.FLEET_CAPACITY, (after - before) / 1048576.0, store.retainedBytes() / 1048576.0,
                (after - baseline) / 1048576.0);
        if (store.seriesCount() == 0 || source.latest().gpus().isEmpty()) {
            throw new AssertionError("nothing measured");
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
