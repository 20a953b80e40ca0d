package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.fleet.FleetFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil fleet} and {@code vigil status} against a real Prometheus scraping three GPU nodes. */
class FleetCommandTest {

    private static FleetFixture fleet;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        fleet = new FleetFixture();
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @BeforeEach
    void isolate() {
        System.setProperty("vigil.config.dir", dir.resolve("config").toString());
        System.setProperty("vigil.data.dir", dir.resolve("data").toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty("vigil.config.dir");
        System.clearProperty("vigil.data.dir");
        System.clearProperty("vigil.fleet.prometheusUrl");
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    /** `vigil fleet --json` until node_exporter rates are known on every node (they need two scrapes). */
    private JsonNode fleetJson() throws Exception {
        System.setProperty("vigil.fleet.prometheusUrl", fleet.prometheus.url().toString());
        ObjectMapper mapper = new ObjectMapper();
        JsonNode[] json = new JsonNode[1];
        List<String> runs = new ArrayList<>();
        fleet.prometheus.await("vigil fleet --json with every node's CPU", () -> {
            Run r = run("fleet", "--json");
            runs.add(r.code + " " + r.err);
            try {
                json[0] = mapper.readTree(r.out);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + r.out + r.err, e);
            }
            boolean ready = json[0].path("nodes").size() == 3;
            for (JsonNode n : json[0].path("nodes")) {
                ready &= n.path("cpuPercent").isNumber() && n.path("health").asText().equals("UP");
            }
            return ready && r.code == 0;
        });
        return json[0];
    }

    private static JsonNode byField(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (n.path(field).asText().equals(value)) {
                return n;
            }
        }
        throw new AssertionError("no " + field + "=" + value + " in " + array);
    }

    @Test
    void fleetJsonShowsEveryNodeGpuAndProcessInOneCall() throws Exception {
        JsonNode json = fleetJson();
        assertEquals(3, json.path("summary").path("nodes").asInt());
        assertEquals(3, json.path("summary").path("nodesUp").asInt());
        assertEquals(5, json.path("summary").path("gpus").asInt());
        assertEquals(61.5 + 352.25 + 88.1 + 341.77 + 690.5, json.path("summary").path("powerWatts").asDouble(), 1e-6);
        assertTrue(json.path("origin").asText().contains(fleet.prometheus.url().toString()));

        JsonNode a = byField(json.path("nodes"), "name", "gpu-a");
        assertEquals("lab", a.path("labels").path("cluster").asText());
        assertEquals(25, a.path("cpuPercent").asDouble(), 0.2);
        assertEquals(4.0e10, a.path("memoryUsedBytes").asDouble(), 1);
        JsonNode a1 = byField(a.path("gpus"), "uuid", "GPU-a6158b59-3c0e-4b1a-9d1c-0f6a1e2b3c41");
        assertEquals(1, a1.path("index").asInt());
        assertEquals(97, a1.path("utilizationPercent").asDouble(), 0);
        assertEquals(71, a1.path("temperatureC").asDouble(), 0);
        assertTrue(a1.path("powerLimitWatts").isNull(), "absent readings are null");
        assertEquals("trainer-0", a1.path("processes").get(0).path("pod").asText());

        JsonNode b1 = byField(byField(json.path("nodes"), "name", "127.0.0.3").path("gpus"), "index", "1");
        assertEquals("GPU-b0b0b0b0-0000-4000-8000-00000000000b", b1.path("uuid").asText());
        assertEquals(100, b1.path("utilizationPercent").asDouble(), 1e-9);
        JsonNode miner = b1.path("processes").get(0);
        assertEquals(31337, miner.path("pid").asInt());
        assertEquals("/tmp/.x/xmrig", miner.path("name").asText());
        assertEquals(8388608000L, miner.path("usedMemoryBytes").asLong());

        JsonNode c0 = byField(json.path("nodes"), "name", "gpu-c").path("gpus").get(0);
        assertEquals(79, c0.path("xidLast").asDouble(), 0);
        assertEquals("miner-7f\u001b[2J", c0.path("labels").path("pod").asText(), "JSON keeps the value, escaped");
    }

    @Test
    void textOutputEscapesWhatExportersSent() throws Exception {
        fleetJson();
        Run r = run("fleet");
        assertEquals(0, r.code, r.err);
        assertFalse(r.out.contains("\u001b"), "no raw escape character reaches the terminal");
        assertTrue(r.out.contains("pod default/miner-7f\\x1B[2J"), r.out);
        assertTrue(r.out.contains("pid 31337 /tmp/.x/xmrig  7.8 GiB"), "8388608000 bytes in GiB: " + r.out);
        assertTrue(r.out.contains("util 100 %"), r.out);
        assertTrue(r.out.lines().anyMatch(l -> l.matches(".* \\d+ °C +[\\d,.]+ W +mem [\\d.]+ [KMGT]iB .*")), r.out);
        assertTrue(r.out.contains("gpu-a") && r.out.contains("127.0.0.3") && r.out.contains("gpu-c"), r.out);
        Run json = run("fleet", "--json");
        assertFalse(json.out.contains("\u001b"), "nor through --json");
        assertTrue(json.out.contains("\\u001b") || json.out.contains("\\u001B"), json.out);
    }

    @Test
    void statusIncludesTheFleetSource() throws Exception {
        fleetJson();
        Run r = run("status", "--json");
        JsonNode source = byField(new ObjectMapper().readTree(r.out).path("sources"), "id", "fleet");
        assertEquals("OK", source.path("health").asText(), r.out);
        assertEquals(3, source.path("nodes").asInt());
        assertEquals(5, source.path("gpus").asInt());
        assertEquals(97, source.path("metrics")
                .path("gpu.utilization{gpu=\"GPU-a6158b59-3c0e-4b1a-9d1c-0f6a1e2b3c41\",node=\"gpu-a\"}").asDouble(), 0);
        Run text = run("status");
        assertFalse(text.out.contains("\u001b"), "fleet labels escaped in status text too");
    }

    @Test
    void withoutAPrometheusItSaysHowToConfigureOne() {
        Run r = run("fleet");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("VIGIL_PROMETHEUS_URL"), r.err);
        assertTrue(r.err.contains("settings.yaml"), r.err);
    }

    @Test
    void anUnreachablePrometheusExitsTwoNamingIt() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir.resolve("config"));
        Files.writeString(dir.resolve("config/settings.yaml"), "fleet:\n  endpoints:\n    - name: lab-west\n      url: http://127.0.0.1:"
                + port + "\n");
        Run r = run("fleet", "--json");
        assertEquals(2, r.code, r.out);
        assertTrue(r.err.contains("Prometheus 'lab-west' at http://127.0.0.1:" + port), r.err);
    }
}
