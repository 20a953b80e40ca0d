package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.alerts.AlertManager;
import io.vigil.gpu.nvml.FakeNvml;
import io.vigil.rules.Evaluation;
import io.vigil.rules.InstancePhase;
import io.vigil.rules.RuleInstance;
import io.vigil.rules.Severity;
import io.vigil.store.Database;
import io.vigil.telemetry.ManualClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil status --json} through {@code Main}, with the fake libnvidia-ml as the GPU driver, a
 * real database holding an open exfiltration alert and a real evidence folder: every GPU security
 * key is there, next to the keys that were there before.
 */
class StatusSecurityJsonTest {

    @TempDir
    Path dir;

    @BeforeEach
    void isolate() throws Exception {
        System.setProperty("vigil.config.dir", dir.resolve("config").toString());
        System.setProperty("vigil.data.dir", dir.resolve("data").toString());
        Files.createDirectories(dir.resolve("config"));
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("config/settings.yaml"), "gpu:\n  nvmlLibrary: \"" + FakeNvml.LIBRARY + "\"\n");
        FakeNvml.configure(Map.of("FAKE_NVML_GPU_COUNT", "2", "FAKE_NVML_PROCS", "0:111:1000",
                "FAKE_NVML_PROC_UTIL", "0:111:91:40", "FAKE_NVML_MIG_GPU", "1"));
    }

    @AfterEach
    void restore() {
        System.clearProperty("vigil.config.dir");
        System.clearProperty("vigil.data.dir");
        FakeNvml.configure(Map.of());
    }

    private JsonNode status() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Main.run(new String[] {"status", "--json"}, new PrintWriter(out), new PrintWriter(err));
        return new ObjectMapper().readTree(out.toString());
    }

    private static JsonNode gpuSource(JsonNode json) {
        for (JsonNode s : json.path("sources")) {
            if (s.path("id").asText().equals("gpu")) {
                return s;
            }
        }
        throw new AssertionError("no gpu source in " + json);
    }

    @Test
    void gpuKeysPerProcessUtilizationMigEnergyEventsAndIdentity() throws Exception {
        JsonNode gpu = gpuSource(status());
        assertEquals("OK", gpu.path("health").asText(), gpu.toString());
        JsonNode g0 = gpu.path("gpus").get(0);
        assertEquals(0, g0.path("index").asInt());
        assertEquals("GPU-5eed0000-1c2d-4e5f-8a9b-000000abc000", g0.path("uuid").asText());
        JsonNode p = g0.path("processes").get(0);
        assertEquals(111, p.path("pid").asInt());
        assertEquals(91.0, p.path("smUtilPercent").asDouble(), "per-process SM %");
        assertEquals(40.0, p.path("memUtilPercent").asDouble(), "per-process memory %");
        assertTrue(g0.path("readings").path("energyJoules").isNumber(), "energy: " + g0.path("readings"));
        JsonNode mig = gpu.path("gpus").get(1).path("mig");
        assertTrue(mig.path("enabled").asBoolean());
        assertEquals(2, mig.path("instances").size());
        assertEquals("MIG-5eed0001-7a1b-5c2d-9e3f-000000000d00", mig.path("instances").get(0).path("uuid").asText());
        assertTrue(gpu.path("events").isArray(), "recent XID events (text and UUID; see NvmlDeepSignalsTest)");
        assertTrue(gpu.path("limitations").isArray());
        assertEquals(0.0, gpu.path("metrics").path("gpu.index{gpu=\"GPU-5eed0000-1c2d-4e5f-8a9b-000000abc000\"}")
                .asDouble(-1), "series keyed by UUID, the index as a value");
        assertEquals(2.0, gpu.path("metrics").path("gpu.count").asDouble(-1));
    }

    @Test
    void securityKeysOpenExfiltrationAlertsAndVerifiedEvidenceCaptures() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-30T03:00:00Z"));
        try (Database db = Database.open(dir.resolve("data/vigil.db"))) {
            AlertManager m = new AlertManager(db, clock, id -> Optional.empty(), Duration.ZERO);
            m.reconcile(new Evaluation(clock.instant(), List.of(
                    new RuleInstance("exfiltration.suspected", Map.of("pid", "4242"),
                            Map.of("pid", "4242", "files", "/data/models/llama.safetensors",
                                    "remotes", "127.0.0.1:9", "bytes", "73400320"),
                            "pid 4242 (python) / /data/models/llama.safetensors -> 127.0.0.1:9", Severity.WARNING,
                            36_700_160, InstancePhase.FIRING, clock.instant(), clock.instant(), "host.net.tx_bytes_per_s"),
                    new RuleInstance("gpu-lost", Map.of("gpu", "GPU-x"), Map.of(), "GPU 0", Severity.CRITICAL, 1,
                            InstancePhase.FIRING, clock.instant(), clock.instant(), "gpu.lost")), Map.of()));
        }
        Path good = capture(dir.resolve("data/evidence/run-1/pid-4242"), "cmdline", "python -m serve\n");
        Path bad = capture(dir.resolve("data/evidence/run-2/pid-4243"), "cmdline", "xmrig\n");
        Files.writeString(bad.resolve("cmdline"), "edited afterwards\n");

        JsonNode json = status();
        assertTrue(json.has("sources") && json.has("time") && json.has("host"), "the keys from before stay");
        JsonNode sec = json.path("security");
        JsonNode exfil = sec.path("exfiltrationSuspected");
        assertEquals(1, exfil.size(), "only the open exfiltration alert: " + exfil);
        assertEquals("/data/models/llama.safetensors", exfil.get(0).path("labels").path("files").asText());
        assertEquals("127.0.0.1:9", exfil.get(0).path("labels").path("remotes").asText());
        assertEquals("FIRING", exfil.get(0).path("state").asText());
        JsonNode caps = sec.path("evidenceCaptures");
        assertEquals(2, caps.size(), caps.toString());
        JsonNode goodJson = find(caps, "run-1");
        assertTrue(goodJson.path("verified").asBoolean(), goodJson.toString());
        assertEquals(1, goodJson.path("files").asInt());
        assertEquals(sha256(Files.readAllBytes(good.resolve("evidence-manifest.sha256"))),
                goodJson.path("sha256").asText(), "the digest the audit chain holds");
        JsonNode badJson = find(caps, "run-2");
        assertFalse(badJson.path("verified").asBoolean());
        assertEquals("cmdline: changed since the capture", badJson.path("problems").get(0).asText());
    }

    private static JsonNode find(JsonNode caps, String run) {
        for (JsonNode c : caps) {
            if (c.path("manifest").asText().startsWith(run)) {
                return c;
            }
        }
        throw new AssertionError("no capture of " + run + " in " + caps);
    }

    /** A capture as CaptureEvidenceAction writes it: the file and a manifest of "sha256  name" lines. */
    private static Path capture(Path folder, String name, String content) throws Exception {
        Files.createDirectories(folder);
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        Files.write(folder.resolve(name), b);
        Files.writeString(folder.resolve("evidence-manifest.sha256"), sha256(b) + "  " + name + "\n");
        return folder;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
