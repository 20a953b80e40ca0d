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

    @Test
    void helpListsTheCommands() {
        StringWriter out = new StringWriter();
        int code = Main.run(new String[] {"--help"}, new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertEquals(0, code);
        assertTrue(out.toString().contains("status"), out.toString());
    }
}
