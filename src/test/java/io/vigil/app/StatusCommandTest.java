package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusCommandTest {

    @TempDir
    Path dir;

    @BeforeEach
    void isolate() {
        System.setProperty("vigil.config.dir", dir.resolve("config").toString());
        System.setProperty("vigil.data.dir", dir.resolve("data").toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty("vigil.config.dir");
        System.clearProperty("vigil.data.dir");
    }

    @Test
    void statusJsonParsesAndContainsTheHostMetrics() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"status", "--json"}, new PrintWriter(out), new PrintWriter(err));
        JsonNode json = new ObjectMapper().readTree(out.toString());
        JsonNode host = null;
        for (JsonNode s : json.path("sources")) {
            if (s.path("id").asText().equals("host")) {
                host = s;
            }
        }
        assertTrue(host != null, "host source listed: " + out);
        assertEquals("OK", host.path("health").asText());
        double cpu = host.path("metrics").path("host.cpu.percent").asDouble(-1);
        assertTrue(cpu >= 0 && cpu <= 100, "cpu in range: " + cpu);
        assertTrue(host.path("metrics").path("host.memory.total_bytes").asDouble() > 0);
        assertTrue(host.path("metrics").has("host.net.tx_bytes_per_s"));
        assertTrue(json.has("time") && json.has("host"));
        boolean anyDown = false;
        for (JsonNode s : json.path("sources")) {
            anyDown |= s.path("health").asText().equals("DOWN");
        }
        assertEquals(anyDown ? 2 : 0, code, err.toString());
    }

    private static JsonNode source(JsonNode json, String id) {
        for (JsonNode s : json.path("sources")) {
            if (s.path("id").asText().equals(id)) {
                return s;
            }
        }
        return null;
    }

    @Test
    void twoStatusRunsInARowPayForCostExplorerOnceAndSayAsOf() throws Exception {
        try (io.vigil.cloud.FakeAws aws = new io.vigil.cloud.FakeAws()) {
            // The SDK's own system properties: the default chain and endpoint resolve to the fake.
            System.setProperty("aws.endpointUrl", aws.uri().toString());
            System.setProperty("aws.accessKeyId", "AKIAFAKEFAKEFAKE0000");
            System.setProperty("aws.secretAccessKey", "fake/secret/for/tests");
            try {
                StringWriter first = new StringWriter();
                Main.run(new String[] {"status", "--json"}, new PrintWriter(first), new PrintWriter(new StringWriter()));
                JsonNode cost1 = source(new ObjectMapper().readTree(first.toString()), "cost");
                assertEquals("OK", cost1.path("health").asText(), first.toString());
                long paid = aws.requests().stream().filter(r -> r.path().equals("/")).count();
                assertEquals(6, paid, "first run: 3 cost pages, forecast, 2 anomaly pages");
                assertTrue(cost1.path("cost").path("todayUsd").isNumber());

                StringWriter second = new StringWriter();
                Main.run(new String[] {"status"}, new PrintWriter(second), new PrintWriter(new StringWriter()));
                assertEquals(paid, aws.requests().stream().filter(r -> r.path().equals("/")).count(),
                        "the second run pays for nothing: " + aws.requests());
                assertTrue(second.toString().contains("as of " + TerminalText.time(cost1.path("cost").path("asOf").asText())
                        + " (cached"), second.toString());
                // Text output reads in units: bytes with a binary prefix, money as "$1,521.25"; JSON keeps raw numbers.
                String text = second.toString();
                assertTrue(text.lines().anyMatch(l -> l.matches("\\s+host\\.memory\\.total_bytes\\s+[\\d.]+ GiB")), text);
                assertTrue(text.lines().anyMatch(l -> l.matches("\\s+cost\\.mtd\\s+\\$[\\d,]+\\.\\d\\d")), text);
                assertTrue(text.lines().noneMatch(l -> l.matches("\\s+host\\.memory\\.total_bytes\\s+\\d{6,}")), text);
                assertTrue(cost1.path("metrics").path("cost.mtd").isNumber(), "JSON keeps the raw number: " + first);

                StringWriter third = new StringWriter();
                Main.run(new String[] {"status", "--json", "--refresh"}, new PrintWriter(third),
                        new PrintWriter(new StringWriter()));
                assertTrue(aws.requests().stream().filter(r -> r.path().equals("/")).count() > paid,
                        "--refresh reads AWS");
                assertEquals(false, source(new ObjectMapper().readTree(third.toString()), "cost")
                        .path("cost").path("fromCache").asBoolean(true));
            } finally {
                System.clearProperty("aws.endpointUrl");
                System.clearProperty("aws.accessKeyId");
                System.clearProperty("aws.secretAccessKey");
            }
        }
    }

    @Test
    void withCloudOffNoAwsSourceRunsAndStatusSaysSo() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("config"));
        java.nio.file.Files.writeString(dir.resolve("config/settings.yaml"), "cloud:\n  enabled: false\n");
        StringWriter out = new StringWriter();
        Main.run(new String[] {"status", "--json"}, new PrintWriter(out), new PrintWriter(new StringWriter()));
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertEquals(null, source(json, "cost"), out.toString());
        assertEquals(null, source(json, "cloudwatch"));
        assertTrue(json.path("aws").asText().startsWith("off"), out.toString());
    }

    @Test
    void helpListsTheCommands() {
        StringWriter out = new StringWriter();
        int code = Main.run(new String[] {"--help"}, new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertEquals(0, code);
        assertTrue(out.toString().contains("status"), out.toString());
    }

    // --- live cost ---
    @Test
    void statusJsonCarriesTheLiveCostEstimate() throws Exception {
        io.vigil.gpu.nvml.FakeNvml.configure(java.util.Map.of("FAKE_NVML_GPU_COUNT", "2"));
        System.setProperty("vigil.gpu.nvmlLibrary", io.vigil.gpu.nvml.FakeNvml.LIBRARY.toString());
        System.setProperty("vigil.liveCost.instanceType", "g5.12xlarge");
        try {
            StringWriter out = new StringWriter();
            Main.run(new String[] {"status", "--json"}, new PrintWriter(out), new PrintWriter(new StringWriter()));
            JsonNode json = new ObjectMapper().readTree(out.toString());
            JsonNode live = json.path("liveCost");
            assertEquals("g5.12xlarge", live.path("instanceType").asText(), out.toString());
            assertEquals("set by hand (liveCost.instanceType)", live.path("instanceTypeFrom").asText());
            assertEquals(2, live.path("gpus").size(), out.toString());
            double perGpu = 5.672 / 4;
            // Price share of two GPUs plus their power at the default 0.12 USD/kWh: the readings say 150 + 200 W;
            // the energy counter (one second of that per poll, over the real time between the two polls) less.
            double usd = live.path("usdPerHour").asDouble();
            assertTrue(usd > 2 * perGpu + 0.001 && usd <= 2 * perGpu + 0.350246 * 0.12 + 1e-4, "usdPerHour: " + usd);
            JsonNode source = source(json, "live-cost");
            assertEquals("OK", source.path("health").asText(), out.toString());
            assertEquals(usd, source.path("metrics").path("cost.live_per_hour").asDouble(), 0.001);
        } finally {
            System.clearProperty("vigil.gpu.nvmlLibrary");
            System.clearProperty("vigil.liveCost.instanceType");
        }
    }
}
