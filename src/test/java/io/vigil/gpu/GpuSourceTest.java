package io.vigil.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.app.Settings;
import io.vigil.gpu.nvml.FakeNvml;
import io.vigil.gpu.nvml.NvmlGpuReader;
import io.vigil.telemetry.HealthState;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.SeriesStore;
import io.vigil.telemetry.SourceScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GPU source over the real FFM binding and the fake libnvidia-ml. */
class GpuSourceTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T03:00:00Z"));

    private static GpuSource source(String library) {
        return new GpuSource(List.of(() -> NvmlGpuReader.open(library)), Duration.ofSeconds(1));
    }

    /** The fake's UUID of GPU i: series are keyed by it (ADR 0131). */
    static String uuid(int i) {
        return String.format("GPU-5eed%04x-1c2d-4e5f-8a9b-000000abc%03x", i, i);
    }

    private static Map<String, Double> byName(PollResult r) {
        return r.samples().stream().collect(Collectors.toMap(s -> s.metric().toString(), Sample::value));
    }

    @Test
    void publishesEveryMetricUnderTheContractNames() {
        FakeNvml.configure(Map.of("FAKE_NVML_PROCS", "0:4242:1024,0:4243:2048", "FAKE_NVML_UNSUPPORTED", "2"));
        try (GpuSource gpu = source(FakeNvml.LIBRARY.toString())) {
            PollResult r = gpu.poll(clock.instant());
            assertEquals(HealthState.OK, r.health().state(), r.health().toString());
            Map<String, Double> m = byName(r);
            assertEquals(3.0, m.get("gpu.count"));
            assertEquals(1.0, m.get("gpu.index{gpu=\"" + uuid(1) + "\"}"), "the index, for display");
            assertFalse(m.keySet().stream().anyMatch(k -> k.contains("gpu=\"1\"")), "no series keyed by index");
            assertEquals(10.0, m.get("gpu.utilization{gpu=\"" + uuid(0) + "\"}"));
            assertEquals(40.0, m.get("gpu.utilization{gpu=\"" + uuid(1) + "\"}"));
            assertEquals(25.0, m.get("gpu.memory_utilization{gpu=\"" + uuid(1) + "\"}"));
            assertEquals(6.0 * (1L << 30), m.get("gpu.memory.used_bytes{gpu=\"" + uuid(1) + "\"}"));
            assertEquals(40.0 * (1L << 30), m.get("gpu.memory.total_bytes{gpu=\"" + uuid(1) + "\"}"));
            assertEquals(47.0, m.get("gpu.temperature_c{gpu=\"" + uuid(1) + "\"}"));
            assertEquals(200.123, m.get("gpu.power_watts{gpu=\"" + uuid(1) + "\"}"), 1e-9);
            assertEquals(400.0, m.get("gpu.power_limit_watts{gpu=\"" + uuid(1) + "\"}"));
            assertEquals(1765.0, m.get("gpu.clock.sm_mhz{gpu=\"" + uuid(1) + "\"}"));
            assertEquals(2519.0, m.get("gpu.clock.memory_mhz{gpu=\"" + uuid(1) + "\"}"));
            assertEquals(35.0, m.get("gpu.fan_percent{gpu=\"" + uuid(1) + "\"}"));
            assertEquals(4.0, m.get("gpu.throttle_reasons{gpu=\"" + uuid(1) + "\"}"));
            assertEquals(3.0, m.get("gpu.ecc.corrected{counter=\"volatile\",gpu=\"" + uuid(1) + "\"}"));
            assertEquals(13.0, m.get("gpu.ecc.corrected{counter=\"aggregate\",gpu=\"" + uuid(1) + "\"}"));
            assertEquals(110.0, m.get("gpu.ecc.uncorrected{counter=\"aggregate\",gpu=\"" + uuid(1) + "\"}"));
            assertEquals(0.0, m.get("gpu.lost{gpu=\"" + uuid(1) + "\"}"));
            assertEquals(2048.0 * (1 << 20), m.get("gpu.process.memory_bytes{gpu=\"" + uuid(0) + "\",pid=\"4243\"}"));
            assertFalse(m.containsKey("gpu.fan_percent{gpu=\"" + uuid(2) + "\"}"), "unsupported readings give no sample");
            assertFalse(m.containsKey("gpu.power_watts{gpu=\"" + uuid(2) + "\"}"));
            assertEquals(70.0, m.get("gpu.utilization{gpu=\"" + uuid(2) + "\"}"));
            assertEquals(List.of(4242, 4243), gpu.latest().gpus().getFirst().processes().stream().map(GpuProcess::pid).toList());
        }
    }

    @Test
    void withoutTheLibraryItIsDownWithThatReasonAndComesBackWhenTheDriverDoes(@TempDir Path dir) throws Exception {
        FakeNvml.configure(Map.of());
        Path library = dir.resolve("libnvidia-ml.so.1");
        try (GpuSource gpu = source(library.toString())) {
            PollResult first = gpu.poll(clock.instant());
            assertEquals(HealthState.DOWN, first.health().state());
            assertEquals("No NVIDIA driver found: " + library + " could not be loaded", first.health().reason());
            assertEquals(List.of(), first.samples());
            assertTrue(gpu.latest().gpus().isEmpty());

            Files.copy(FakeNvml.LIBRARY, library); // the driver gets installed
            clock.advance(Duration.ofMillis(500));
            assertEquals(HealthState.DOWN, gpu.poll(clock.instant()).health().state(), "backing off (1 s)");
            clock.advance(Duration.ofMillis(600));
            PollResult back = gpu.poll(clock.instant());
            assertEquals(HealthState.OK, back.health().state(), back.health().toString());
            assertEquals(3, gpu.latest().gpus().size());
        }
    }

    @Test
    void noSystemDriverGivesTheMessageAUserSees() {
        FakeNvml.configure(Map.of());
        // A library name looked up like the system's libnvidia-ml.so.1 but that no machine has, so the
        // test means the same with or without an NVIDIA driver installed.
        try (GpuSource gpu = source("libnvidia-ml-absent-vigil-test.so.1")) {
            PollResult r = gpu.poll(clock.instant());
            assertEquals(HealthState.DOWN, r.health().state());
            assertEquals("No NVIDIA driver found: libnvidia-ml-absent-vigil-test.so.1 could not be loaded",
                    r.health().reason());
        }
    }

    @Test
    void fallsBackToNvidiaSmiWhenNvmlCannotLoad(@TempDir Path dir) throws Exception {
        Path smi = NvidiaSmiGpuReaderTest.fakeNvidiaSmi(dir, NvidiaSmiGpuReaderTest.DGX_A100,
                NvidiaSmiGpuReaderTest.APPS, 0);
        GpuSource gpu = new GpuSource(List.of(() -> NvmlGpuReader.open(dir.resolve("none.so").toString()),
                () -> NvidiaSmiGpuReader.open(smi)), Duration.ofSeconds(1));
        try (gpu) {
            PollResult r = gpu.poll(clock.instant());
            assertEquals(HealthState.OK, r.health().state(), r.health().toString());
            assertEquals("nvidia-smi", gpu.latest().reader());
            assertEquals(87.0, byName(r).get("gpu.utilization{gpu=\"GPU-1d3c5a7e-93b4-2f0a-6b1c-9e8d7f6a5b4c\"}"));
        }
    }

    @Test
    void failingInitIsDownThenRecoversAfterBackoff() {
        FakeNvml.configure(Map.of("FAKE_NVML_INIT_FAIL", "9"));
        try (GpuSource gpu = source(FakeNvml.LIBRARY.toString())) {
            PollResult r = gpu.poll(clock.instant());
            assertEquals(HealthState.DOWN, r.health().state());
            assertTrue(r.health().reason().contains("DRIVER_NOT_LOADED"), r.health().reason());
            FakeNvml.configure(Map.of());
            clock.advance(Duration.ofSeconds(1));
            assertEquals(HealthState.OK, gpu.poll(clock.instant()).health().state());
        }
    }

    @Test
    void lostGpuDegradesTheSourceAndRecovers() {
        FakeNvml.configure(Map.of("FAKE_NVML_LOST_GPU", "2", "FAKE_NVML_LOST_AFTER", "1", "FAKE_NVML_LOST_FOR", "2"));
        try (GpuSource gpu = source(FakeNvml.LIBRARY.toString())) {
            assertEquals(HealthState.OK, gpu.poll(clock.instant()).health().state());
            clock.advance(Duration.ofSeconds(1));
            PollResult lost = gpu.poll(clock.instant());
            assertEquals(HealthState.DEGRADED, lost.health().state());
            assertEquals("GPU 2 (NVIDIA L4) is lost (fallen off the bus or needs a reset); retrying",
                    lost.health().reason());
            assertEquals(1.0, byName(lost).get("gpu.lost{gpu=\"" + uuid(2) + "\"}"));
            assertFalse(byName(lost).containsKey("gpu.utilization{gpu=\"" + uuid(2) + "\"}"));
            assertEquals(10.0, byName(lost).get("gpu.utilization{gpu=\"" + uuid(0) + "\"}"), "others keep flowing");
            clock.advance(Duration.ofSeconds(1));
            assertEquals(HealthState.DEGRADED, gpu.poll(clock.instant()).health().state(),
                    "re-initialised 1 s after the loss, inside the lost window: still lost");
            clock.advance(Duration.ofSeconds(1));
            assertEquals(HealthState.DEGRADED, gpu.poll(clock.instant()).health().state(),
                    "the window is over, but the GPU answers only after the next re-initialisation (backoff 2 s)");
            clock.advance(Duration.ofSeconds(1));
            PollResult back = gpu.poll(clock.instant());
            assertEquals(HealthState.OK, back.health().state());
            assertEquals(0.0, byName(back).get("gpu.lost{gpu=\"" + uuid(2) + "\"}"));
        }
    }

    @Test
    void statusDetailsListEveryGpuWithNaForUnsupported() {
        FakeNvml.configure(Map.of("FAKE_NVML_UNSUPPORTED", "1"));
        try (GpuSource gpu = source(FakeNvml.LIBRARY.toString())) {
            gpu.poll(clock.instant());
            Map<String, Object> d = gpu.statusDetails();
            assertEquals("nvml", d.get("reader"));
            assertEquals("580.95.05", d.get("driverVersion"));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> gpus = (List<Map<String, Object>>) d.get("gpus");
            assertEquals(3, gpus.size());
            assertEquals("NVIDIA A100-SXM4-40GB", gpus.get(1).get("name"));
            @SuppressWarnings("unchecked")
            Map<String, Object> readings = (Map<String, Object>) gpus.get(1).get("readings");
            assertEquals("n/a", readings.get("fanPercent"));
            assertEquals(40.0, readings.get("utilizationPercent"));
            assertEquals(List.of("power cap"), readings.get("clockEventReasons"));
        }
    }

    @Test
    void schedulerFeedsTheSeriesStoreAndTheSettingPointsAtTheLibrary() throws Exception {
        FakeNvml.configure(Map.of());
        Settings settings = Settings.load(Files.createTempFile("settings", ".yaml"),
                Map.of("VIGIL_NVML_LIB", FakeNvml.LIBRARY.toString()), Map.of());
        GpuSettings gs = settings.section("gpu", GpuSettings.class);
        assertEquals(FakeNvml.LIBRARY.toString(), gs.nvmlLibraryOrDefault());
        assertEquals(Duration.ofSeconds(1), gs.period());
        SeriesStore series = new SeriesStore(100);
        try (SourceScheduler scheduler = new SourceScheduler(clock, Executors.newVirtualThreadPerTaskExecutor())) {
            scheduler.addListener(series);
            scheduler.register(source(gs.nvmlLibraryOrDefault()));
            for (Future<?> f : scheduler.tick()) {
                f.get();
            }
            assertEquals(70.0, series.latest(MetricId.of("gpu.utilization", "gpu", uuid(2))));
            assertEquals(HealthState.OK, scheduler.statuses().getFirst().health().state());
        }
    }
}
