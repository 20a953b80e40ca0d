package io.vigil.fleet.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.fleet.FleetException;
import io.vigil.fleet.FleetFixture;
import io.vigil.fleet.FleetGpu;
import io.vigil.fleet.FleetMetric;
import io.vigil.fleet.FleetNode;
import io.vigil.fleet.FleetProcess;
import io.vigil.fleet.FleetSnapshot;
import io.vigil.fleet.NodeHealth;
import io.vigil.telemetry.SeriesPoints;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fleet read from a real Prometheus scraping exporters in the real text format. */
class PrometheusFleetReaderTest {

    private static final double MIB = 1024 * 1024;
    private static FleetFixture fleet;
    private static PrometheusClient client;
    private static PrometheusFleetReader reader;

    @BeforeAll
    static void start() {
        fleet = new FleetFixture();
        client = new PrometheusClient("lab", fleet.prometheus.url(), HttpClient.newHttpClient(), RequestAuth.NONE,
                Duration.ofSeconds(20));
        reader = new PrometheusFleetReader(client, ExporterMapping.builtIn());
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    /** Reads until {@code condition} holds (rates need two scrapes), within the harness's deadline. */
    private static FleetSnapshot readUntil(String what, Predicate<FleetSnapshot> condition) {
        FleetSnapshot[] last = new FleetSnapshot[1];
        fleet.prometheus.await(what, () -> {
            try {
                last[0] = reader.read(Instant.now());
                return condition.test(last[0]);
            } catch (FleetException e) {
                throw new AssertionError(e.getMessage(), e);
            }
        });
        return last[0];
    }

    private static boolean allRatesKnown(FleetSnapshot s) {
        return s.nodes().size() == 3 && s.nodes().stream().allMatch(n -> n.cpuPercent().isPresent()
                && n.networkRxBytesPerS().isPresent() && n.health() == NodeHealth.UP);
    }

    private static FleetNode node(FleetSnapshot s, String name) {
        return s.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no node " + name + " in " + s.nodes().stream().map(FleetNode::name).toList()));
    }

    private static FleetGpu gpu(FleetNode n, String uuid) {
        return n.gpus().stream().filter(g -> g.uuid().equals(uuid)).findFirst()
                .orElseThrow(() -> new AssertionError("no GPU " + uuid + " on " + n.name()));
    }

    private static void near(double expected, java.util.OptionalDouble actual, double tolerance, String what) {
        assertTrue(actual.isPresent(), what + " missing");
        assertEquals(expected, actual.getAsDouble(), tolerance, what);
    }

    @Test
    void showsEveryNodeAndGpuWithTheExportersValues() {
        FleetSnapshot s = readUntil("every node with its rates", PrometheusFleetReaderTest::allRatesKnown);
        assertEquals(List.of("127.0.0.3", "gpu-a", "gpu-c"), s.nodes().stream().map(FleetNode::name).toList());
        assertEquals(5, s.gpus().size());
        assertTrue(s.origin().startsWith("prometheus http://127.0.0.1:"), s.origin());

        FleetNode a = node(s, "gpu-a");
        assertEquals(Map.of("cluster", "lab"), a.labels());
        assertTrue(a.lastScrapeMillis() > 0);
        near(25, a.cpuPercent(), 0.2, "gpu-a CPU % from node_exporter idle rate");
        near(1000, a.networkRxBytesPerS(), 1, "rx without lo");
        near(250, a.networkTxBytesPerS(), 1, "tx without lo");
        near(4.0e10, a.memoryUsedBytes(), 1, "memory used = total - available");
        near(6.4e10, a.memoryTotalBytes(), 1, "memory total");
        assertEquals(List.of(0, 1), a.gpus().stream().map(FleetGpu::index).toList());
        FleetGpu a1 = gpu(a, "GPU-a6158b59-3c0e-4b1a-9d1c-0f6a1e2b3c41");
        assertEquals("NVIDIA A100-SXM4-80GB", a1.model());
        near(97, a1.utilizationPercent(), 0, "dcgm util");
        near(71, a1.temperatureC(), 0, "dcgm temp");
        near(352.25, a1.powerWatts(), 1e-9, "dcgm power");
        near(60000 * MIB, a1.memoryUsedBytes(), 0, "FB_USED MiB to bytes");
        near((60000 + 21037) * MIB, a1.memoryTotalBytes(), 0, "used + free");
        near(2, a1.eccErrors(), 0, "DBE volatile");
        near(0, a1.xidLast(), 0, "no XID");
        assertEquals("trainer-0", a1.labels().get("pod"), "older pod_name label");
        assertEquals("ml", a1.labels().get("namespace"));
        assertEquals("pytorch", a1.labels().get("container"));
        assertEquals("550.54.15", a1.labels().get("driver"));
        assertEquals(List.of(new FleetProcess(0, "", java.util.OptionalLong.empty(), "trainer-0", "ml", "pytorch")),
                a1.processes());
        FleetGpu a0 = gpu(a, "GPU-a6158b59-3c0e-4b1a-9d1c-0f6a1e2b3c40");
        assertFalse(a0.labels().containsKey("pod"), "an empty pod label is no pod");
        assertTrue(a0.processes().isEmpty());
        assertTrue(a0.powerLimitWatts().isEmpty(), "dcgm's default counters have no power limit");

        FleetNode b = node(s, "127.0.0.3");
        near(25, b.cpuPercent(), 0.2, "node_exporter joined to the GPU exporter by host");
        FleetGpu b1 = gpu(b, "GPU-b0b0b0b0-0000-4000-8000-00000000000b");
        assertEquals(1, b1.index());
        assertEquals("NVIDIA L40S", b1.model());
        near(100, b1.utilizationPercent(), 1e-9, "ratio 1 is 100 %");
        near(8.589934592e9, b1.memoryUsedBytes(), 0, "bytes");
        near(4.8305799168e10, b1.memoryTotalBytes(), 0, "total");
        near(350, b1.powerLimitWatts(), 0, "limit");
        near(100 * 341.77 / 350, b1.powerPercentOfLimit(), 1e-9, "power % of limit");
        FleetGpu b0 = gpu(b, "GPU-b0b0b0b0-0000-4000-8000-00000000000a");
        near(12, b0.utilizationPercent(), 1e-9, "0.12 ratio");
        assertEquals("00000000:01:00.0", b0.labels().get("pci_bus_id"), "from nvidia_smi_gpu_info");

        FleetGpu c0 = gpu(node(s, "gpu-c"), "GPU-c0ffee00-1111-2222-3333-444455556666");
        near(79, c0.xidLast(), 0, "XID 79");
        near((4096 + 76000 + 320) * MIB, c0.memoryTotalBytes(), 0, "used + free + reserved");
        assertEquals("miner-7f\u001b[2J", c0.labels().get("pod"), "labels arrive as the exporter sent them");
        assertEquals("00000000:18:00.0", c0.labels().get("pci_bus_id"));
    }

    @Test
    void processesFromComputeAppInfoAppearOnTheirGpu() {
        FleetSnapshot s = readUntil("every node", PrometheusFleetReaderTest::allRatesKnown);
        FleetNode b = node(s, "127.0.0.3");
        List<FleetProcess> onB1 = gpu(b, "GPU-b0b0b0b0-0000-4000-8000-00000000000b").processes();
        assertEquals(1, onB1.size(), onB1.toString());
        assertEquals(31337, onB1.getFirst().pid());
        assertEquals("/tmp/.x/xmrig", onB1.getFirst().name());
        assertEquals(8388608000L, onB1.getFirst().usedMemoryBytes().getAsLong());
        List<FleetProcess> onB0 = gpu(b, "GPU-b0b0b0b0-0000-4000-8000-00000000000a").processes();
        assertEquals(List.of(4242), onB0.stream().map(FleetProcess::pid).toList());
        assertEquals("/usr/bin/python3", onB0.getFirst().name());
        for (FleetNode n : s.nodes()) {
            if (!n.name().equals("127.0.0.3")) {
                assertTrue(n.gpus().stream().flatMap(g -> g.processes().stream()).noneMatch(p -> p.pid() == 31337),
                        "the miner only on its own node");
            }
        }
    }

    @Test
    void onePollIsAFixedNumberOfRequests() throws FleetException {
        readUntil("every node", PrometheusFleetReaderTest::allRatesKnown);
        long before = client.requestCount();
        reader.read(Instant.now());
        assertEquals(5, client.requestCount() - before, "gauges, 3 node expressions, targets");
    }

    @Test
    void aStoppedExporterTurnsItsNodeDownAndBackUp() {
        readUntil("every node", PrometheusFleetReaderTest::allRatesKnown);
        fleet.smiB.stop();
        try {
            FleetSnapshot down = readUntil("127.0.0.3 down", s -> node(s, "127.0.0.3").health() == NodeHealth.DOWN);
            FleetNode b = node(down, "127.0.0.3");
            assertTrue(b.lastError().contains(fleet.smiB.target()), "says which exporter: " + b.lastError());
            assertTrue(b.lastError().toLowerCase().contains("refused"), b.lastError());
            assertEquals(2, b.gpus().size(), "the GPUs stay listed");
            assertTrue(b.gpus().stream().allMatch(g -> g.utilizationPercent().isEmpty() && g.processes().isEmpty()),
                    "never stale numbers");
            assertTrue(b.cpuPercent().isEmpty(), "no host numbers either");
            assertEquals(NodeHealth.UP, node(down, "gpu-a").health(), "the others stay up");
        } finally {
            fleet.smiB.restart();
        }
        FleetSnapshot up = readUntil("127.0.0.3 up again", s -> node(s, "127.0.0.3").health() == NodeHealth.UP
                && gpu(node(s, "127.0.0.3"), "GPU-b0b0b0b0-0000-4000-8000-00000000000b").utilizationPercent().isPresent());
        assertEquals("", node(up, "127.0.0.3").lastError());
    }

    /**
     * An endpoint without {@code /api/v1/targets}, as Amazon Managed Service for Prometheus is: the
     * real Prometheus behind a proxy that answers that path 404 and passes everything else on.
     */
    @Test
    void withoutATargetsApiHealthComesFromTheUpSeries() throws Exception {
        readUntil("every node", PrometheusFleetReaderTest::allRatesKnown);
        HttpClient http = HttpClient.newHttpClient();
        com.sun.net.httpserver.HttpServer proxy = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 4);
        proxy.createContext("/", ex -> {
            byte[] body;
            int status;
            if (ex.getRequestURI().getPath().equals("/api/v1/targets")) {
                status = 404;
                body = "404 page not found".getBytes();
            } else {
                var forward = java.net.http.HttpRequest.newBuilder(fleet.prometheus.url().resolve(ex.getRequestURI().toString()))
                        .method(ex.getRequestMethod(), java.net.http.HttpRequest.BodyPublishers.ofByteArray(ex.getRequestBody().readAllBytes()));
                String type = ex.getRequestHeaders().getFirst("Content-Type");
                if (type != null) {
                    forward.header("Content-Type", type);
                }
                try {
                    var r = http.send(forward.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                    status = r.statusCode();
                    body = r.body();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    status = 502;
                    body = new byte[0];
                }
            }
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (var out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        proxy.start();
        try {
            PrometheusClient viaProxy = new PrometheusClient("amp-like", URI.create("http://127.0.0.1:"
                    + proxy.getAddress().getPort()), http, RequestAuth.NONE, Duration.ofSeconds(20));
            PrometheusFleetReader amp = new PrometheusFleetReader(viaProxy, ExporterMapping.builtIn());
            FleetSnapshot first = amp.read(Instant.now());
            assertEquals(3, first.nodes().size());
            assertTrue(first.nodes().stream().allMatch(n -> n.health() == NodeHealth.UP), first.nodes().toString());
            assertTrue(first.problems().stream().anyMatch(p -> p.contains("has no /api/v1/targets")), first.problems().toString());
            long before = viaProxy.requestCount();
            amp.read(Instant.now());
            assertEquals(5, viaProxy.requestCount() - before, "up instead of targets, not asked again");

            fleet.smiB.stop();
            try {
                fleet.prometheus.await("127.0.0.3 down through up", () -> {
                    try {
                        return node(amp.read(Instant.now()), "127.0.0.3").health() == NodeHealth.DOWN;
                    } catch (FleetException e) {
                        throw new AssertionError(e.getMessage(), e);
                    }
                });
                FleetNode b = node(amp.read(Instant.now()), "127.0.0.3");
                assertTrue(b.lastError().contains("up == 0"), b.lastError());
                assertTrue(b.gpus().stream().allMatch(g -> g.utilizationPercent().isEmpty()));
            } finally {
                fleet.smiB.restart();
            }
            readUntil("127.0.0.3 up again", s -> node(s, "127.0.0.3").health() == NodeHealth.UP);
        } finally {
            proxy.stop(0);
        }
    }

    @Test
    void historyComesFromQueryRangeAtTheRequestedResolution() throws FleetException {
        readUntil("every node", PrometheusFleetReaderTest::allRatesKnown);
        Instant end = Instant.now();
        Instant start = end.minusSeconds(30);
        SeriesPoints dcgm = reader.history("gpu-a", "GPU-a6158b59-3c0e-4b1a-9d1c-0f6a1e2b3c41", FleetMetric.UTILIZATION,
                start, end, 8);
        assertFalse(dcgm.isEmpty());
        assertTrue(dcgm.size() <= 8, "at most the points asked for: " + dcgm.size());
        assertEquals(97, dcgm.max(), 0);
        // nvidia_gpu_exporter's lowercase uuid without "GPU-", asked for in NVML's form, and scaled.
        SeriesPoints smi = reader.history("127.0.0.3", "GPU-B0B0B0B0-0000-4000-8000-00000000000A",
                FleetMetric.UTILIZATION, start, end, 100);
        assertEquals(12, smi.max(), 1e-9);
        SeriesPoints mem = reader.history("gpu-a", "GPU-a6158b59-3c0e-4b1a-9d1c-0f6a1e2b3c41", FleetMetric.MEMORY_USED,
                start, end, 100);
        assertEquals(60000 * MIB, mem.max(), 0);
    }

    @Test
    void aHostileUuidNeverShapesAQuery() {
        FleetException e = assertThrows(FleetException.class, () -> reader.history("gpu-a",
                "x\"} or vector(1) or {a=\"", FleetMetric.UTILIZATION, Instant.now().minusSeconds(60), Instant.now(), 10));
        assertEquals(FleetException.Kind.BAD_QUERY, e.kind());
    }

    @Test
    void aBadQueryNamesTheEndpointAndPrometheusReason() {
        FleetException e = assertThrows(FleetException.class, () -> client.query("sum(rate(", null));
        assertEquals(FleetException.Kind.BAD_QUERY, e.kind());
        assertTrue(e.getMessage().contains("Prometheus 'lab' at " + fleet.prometheus.url()), e.getMessage());
        assertTrue(e.getMessage().contains("bad_data"), e.getMessage());
    }

    @Test
    void nanAndInfinitySurviveAsValues() throws FleetException {
        assertTrue(Double.isNaN(client.query("NaN", null).getFirst().value()));
        assertEquals(Double.POSITIVE_INFINITY, client.query("vector(+Inf)", null).getFirst().value());
        assertEquals(Double.NEGATIVE_INFINITY, client.query("-Inf", null).getFirst().value());
    }

    @Test
    void seriesListsLabelSetsOfMatchingSeries() throws FleetException {
        readUntil("every node", PrometheusFleetReaderTest::allRatesKnown);
        List<Map<String, String>> series = client.series(List.of("DCGM_FI_DEV_GPU_UTIL"),
                Instant.now().minusSeconds(300), Instant.now());
        assertEquals(3, series.size(), series.toString());
        assertTrue(series.stream().allMatch(l -> l.get("__name__").equals("DCGM_FI_DEV_GPU_UTIL")));
    }

    @Test
    void anUnreachablePrometheusSaysWhereAndWhatToCheck() throws Exception {
        int closedPort;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        PrometheusClient nowhere = new PrometheusClient("prod", URI.create("http://127.0.0.1:" + closedPort),
                HttpClient.newHttpClient(), RequestAuth.NONE, Duration.ofSeconds(5));
        FleetException e = assertThrows(FleetException.class,
                () -> new PrometheusFleetReader(nowhere, ExporterMapping.builtIn()).read(Instant.now()));
        assertEquals(FleetException.Kind.UNREACHABLE, e.kind());
        assertTrue(e.getMessage().startsWith("Prometheus 'prod' at http://127.0.0.1:" + closedPort), e.getMessage());
        assertTrue(e.getMessage().contains("fleet endpoint 'prod'"), e.getMessage());
    }
}
