package io.vigil.gpu.nvml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gpu.GpuProcess;
import io.vigil.gpu.GpuSnapshot;
import io.vigil.gpu.GpuSource;
import io.vigil.gpu.XidEvent;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * XID events, per-process utilization and energy through the real FFM binding against the fake
 * libnvidia-ml, with events injected through the fake's own exported functions.
 */
class NvmlDeepSignalsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String UUID_1 = "GPU-5eed0001-1c2d-4e5f-8a9b-000000abc001";

    @AfterEach
    void clearFaults() {
        FakeNvml.unsetenv("FAKE_NVML_INIT_FAIL");
    }

    @Test
    void anInjectedXidBecomesOneSampleAndOneEventWithItsUuidAndMeaning() throws Exception {
        FakeNvml.configure(Map.of("FAKE_NVML_GPU_COUNT", "2"));
        GpuSource source = new GpuSource(List.of(() -> NvmlGpuReader.open(FakeNvml.LIBRARY.toString(),
                java.time.Clock.systemUTC(), Duration.ofMillis(200))), Duration.ofSeconds(1));
        try (source) {
            source.poll(Instant.ofEpochSecond(1_000));
            // Queued in the fake until the event thread's set waits for it, armed or not yet.
            FakeNvml.injectXid(1, 79);
            List<Sample> xids = new ArrayList<>();
            long t = 1_001;
            long[] second = {t};
            io.vigil.Eventually.holdsWithin(DEADLINE, () -> {
                xids.addAll(xidSamples(source.poll(Instant.ofEpochSecond(second[0]++))));
                return !source.latest().events().isEmpty();
            });
            t = second[0];
            // Later polls must not publish the same event again.
            for (int i = 0; i < 3; i++) {
                xids.addAll(xidSamples(source.poll(Instant.ofEpochSecond(t++))));
            }
            assertEquals(1, xids.size(), "one gpu.xid sample per event: " + xids);
            Sample s = xids.getFirst();
            assertEquals("79", s.metric().label("xid"));
            assertEquals(UUID_1, s.metric().label("gpu"), "keyed by UUID");
            assertEquals(UUID_1, s.metric().label("uuid"));
            assertEquals(1.0, s.value());
            XidEvent e = source.latest().events().getFirst();
            assertEquals(XidEvent.Kind.XID, e.kind());
            assertEquals(UUID_1, e.uuid());
            @SuppressWarnings("unchecked")
            Map<String, Object> event = ((List<Map<String, Object>>) source.statusDetails().get("events")).getFirst();
            assertEquals("GPU has fallen off the bus", event.get("meaning"));
            assertEquals("critical", event.get("severity"));
            assertEquals(UUID_1, event.get("uuid"));
            assertEquals("GPU 1 (" + UUID_1 + ") / XID 79: GPU has fallen off the bus", event.get("text"));
            assertTrue(((String) event.get("advice")).contains("drain the node"), (String) event.get("advice"));
        }
    }

    @Test
    void theEventThreadSurvivesTheDriverGoingAwayAndDeliversAgainAfterReinit() throws Exception {
        FakeNvml.configure(Map.of("FAKE_NVML_GPU_COUNT", "2"));
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString(), java.time.Clock.systemUTC(),
                Duration.ofMillis(200))) {
            NvmlEventWatcher w = reader.eventWatcher();
            await("armed", () -> w.state() == NvmlEventWatcher.State.ARMED);
            FakeNvml.injectXid(0, 13);
            await("the first XID arrives", () -> reader.read(1).events().size() == 1);

            // The driver goes away and cannot be initialised for a while.
            FakeNvml.setenv("FAKE_NVML_INIT_FAIL", "9");
            FakeNvml.driverReset();
            await("the watcher notices and waits", () -> w.state() == NvmlEventWatcher.State.DOWN);
            assertTrue(w.reason().contains("DRIVER_NOT_LOADED") || w.reason().contains("UNINITIALIZED"), w.reason());

            FakeNvml.unsetenv("FAKE_NVML_INIT_FAIL");
            await("the watcher re-arms after re-init", () -> w.state() == NvmlEventWatcher.State.ARMED && w.arms() >= 2);
            FakeNvml.injectXid(1, 43);
            await("the XID after recovery arrives", () -> reader.read(2).events().size() == 2);
            XidEvent e = reader.read(3).events().get(1);
            assertEquals(43, e.xid());
            assertEquals(1, e.gpu());
            assertEquals(UUID_1, e.uuid());
        }
    }

    @Test
    void theEventThreadLetsGoDuringTheReadersReinitAndArmsAgainAfterIt() throws Exception {
        // GPU 1 is lost from its 2nd poll for 1 poll; it answers only after a real re-initialisation.
        FakeNvml.configure(Map.of("FAKE_NVML_GPU_COUNT", "2", "FAKE_NVML_LOST_GPU", "1",
                "FAKE_NVML_LOST_AFTER", "1", "FAKE_NVML_LOST_FOR", "1"));
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString(), java.time.Clock.systemUTC(),
                Duration.ofMillis(200))) {
            NvmlEventWatcher w = reader.eventWatcher();
            await("armed", () -> w.state() == NvmlEventWatcher.State.ARMED);
            long armsBefore = w.arms();
            assertTrue(!reader.read(1_000).gpus().get(1).lost());
            assertTrue(reader.read(2_000).gpus().get(1).lost());
            // The re-initialisation 1 s later: the watcher's own reference must go too, or NVML
            // never really shuts down and the GPU stays lost.
            assertTrue(!reader.read(3_000).gpus().get(1).lost(), "back after the re-initialisation");
            await("the watcher re-arms after the reader's re-init",
                    () -> w.state() == NvmlEventWatcher.State.ARMED && w.arms() > armsBefore);
            FakeNvml.injectXid(1, 31);
            await("an XID after the re-init arrives", () -> reader.read(4_000).events().size() == 1);
            assertEquals(UUID_1, reader.read(5_000).events().getFirst().uuid());
        }
    }

    @Test
    void perProcessUtilizationAndEnergyAreRead() throws Exception {
        FakeNvml.configure(Map.of("FAKE_NVML_GPU_COUNT", "2", "FAKE_NVML_PROCS", "0:111:1000,0:222:2000",
                "FAKE_NVML_PROC_UTIL", "0:111:3:1,0:222:91:40"));
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString())) {
            GpuSnapshot s = reader.read(1_000);
            List<GpuProcess> procs = s.gpus().get(0).processes();
            assertEquals(2, procs.size());
            assertEquals(OptionalDouble.of(3), procs.get(0).smUtilPercent());
            assertEquals(OptionalDouble.of(1), procs.get(0).memUtilPercent());
            assertEquals(OptionalDouble.of(91), procs.get(1).smUtilPercent());
            assertEquals(OptionalDouble.of(40), procs.get(1).memUtilPercent());
            // Energy: 1e6 mJ per index + 150.123 W for each poll so far (one).
            assertEquals(1_000_000L + 150_123L, s.gpus().get(0).energyMillijoules().orElseThrow());
            assertEquals(2_000_000L + 200_123L, s.gpus().get(1).energyMillijoules().orElseThrow());
            GpuSnapshot next = reader.read(2_000);
            assertEquals(1_000_000L + 2 * 150_123L, next.gpus().get(0).energyMillijoules().orElseThrow());
            assertEquals(List.of(), next.problems());
        }
    }

    @Test
    void perProcessUtilizationComesFromTheNewerCallWhereTheDriverHasItAndFromTheOlderOneOtherwise() throws Exception {
        Map<String, String> procs = Map.of("FAKE_NVML_GPU_COUNT", "2", "FAKE_NVML_PROCS", "0:111:1000,0:222:2000",
                "FAKE_NVML_PROC_UTIL", "0:111:3:1,0:222:91:40");
        FakeNvml.configure(procs);
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString())) {
            assertEquals(List.of("111 3.0/1.0", "222 91.0/40.0"), utilization(reader.read(1_000)));
            assertEquals(NvmlGpuReader.ProcessUtilizationApi.PROCESSES_UTILIZATION_INFO, reader.processUtilizationApi());
        }
        // The symbol is there, the call is not: the older call gives the same numbers.
        Map<String, String> refusing = new java.util.HashMap<>(procs);
        refusing.put("FAKE_NVML_NO_PROC_UTIL_INFO", "1");
        FakeNvml.configure(refusing);
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString())) {
            GpuSnapshot s = reader.read(1_000);
            assertEquals(List.of("111 3.0/1.0", "222 91.0/40.0"), utilization(s));
            assertEquals(NvmlGpuReader.ProcessUtilizationApi.PROCESS_UTILIZATION, reader.processUtilizationApi());
            assertEquals(List.of(), s.problems());
        }
        // An older driver without the symbol at all.
        FakeNvml.configure(procs);
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.OLD_LIBRARY.toString())) {
            assertTrue(!reader.nvml().hasProcessesUtilizationInfo());
            assertEquals(List.of("111 3.0/1.0", "222 91.0/40.0"), utilization(reader.read(1_000)));
            assertEquals(NvmlGpuReader.ProcessUtilizationApi.PROCESS_UTILIZATION, reader.processUtilizationApi());
        }
    }

    @Test
    void theNamedLayoutsMatchNvmlsStructs() {
        assertEquals(40, NvmlGpuReader.PROCESS_UTILIZATION_INFO.byteSize());
        assertEquals(24, NvmlGpuReader.PROCESSES_UTILIZATION_INFO.byteSize());
        assertEquals(0x01000018, NvmlGpuReader.PROCESSES_UTILIZATION_INFO_V1);
        assertEquals(8, NvmlGpuReader.PROCESS_UTILIZATION_INFO.byteOffset(
                java.lang.foreign.MemoryLayout.PathElement.groupElement("pid")));
        assertEquals(32, NvmlGpuReader.PROCESS_UTILIZATION_SAMPLE.byteSize());
    }

    private static List<String> utilization(GpuSnapshot s) {
        return s.gpus().get(0).processes().stream().map(p -> p.pid() + " " + p.smUtilPercent().orElse(-1) + "/"
                + p.memUtilPercent().orElse(-1)).toList();
    }

    @Test
    void migInstancesAreListedWithTheirUuidsAndMemoryAndNoPerProcessSamples() throws Exception {
        FakeNvml.configure(Map.of("FAKE_NVML_GPU_COUNT", "2", "FAKE_NVML_MIG_GPU", "1",
                "FAKE_NVML_PROCS", "1:333:500", "FAKE_NVML_PROC_UTIL", "1:333:50:10"));
        GpuSource source = new GpuSource(List.of(() -> NvmlGpuReader.open(FakeNvml.LIBRARY.toString())),
                Duration.ofSeconds(1));
        try (source) {
            source.poll(Instant.ofEpochSecond(1_000));
            GpuSnapshot s = source.latest();
            assertEquals(List.of(), s.problems());
            assertEquals(java.util.Optional.of(false), s.gpus().get(0).mig().enabled());
            io.vigil.gpu.GpuReading.Mig mig = s.gpus().get(1).mig();
            assertEquals(java.util.Optional.of(true), mig.enabled());
            assertEquals(7, mig.maxInstances());
            assertEquals(List.of(
                    new io.vigil.gpu.MigInstance(0, "MIG-5eed0001-7a1b-5c2d-9e3f-000000000d00",
                            java.util.OptionalLong.of(1L << 30), java.util.OptionalLong.of(10L << 30)),
                    new io.vigil.gpu.MigInstance(1, "MIG-5eed0001-7a1b-5c2d-9e3f-000000000d01",
                            java.util.OptionalLong.of(2L << 30), java.util.OptionalLong.of(10L << 30))),
                    mig.instances());
            assertTrue(s.gpus().get(1).processes().getFirst().smUtilPercent().isEmpty(),
                    "no per-process samples on a MIG-enabled GPU");
            @SuppressWarnings("unchecked")
            Map<String, Object> gpu1 = ((List<Map<String, Object>>) source.statusDetails().get("gpus")).get(1);
            @SuppressWarnings("unchecked")
            Map<String, Object> migJson = (Map<String, Object>) gpu1.get("mig");
            assertEquals(true, migJson.get("enabled"));
            assertEquals(2, ((List<?>) migJson.get("instances")).size());
        }
    }

    @Test
    void anOldDriverWithoutTheseCallsSaysSoAndStillPolls() throws Exception {
        FakeNvml.configure(Map.of("FAKE_NVML_UNSUPPORTED", "0"));
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString())) {
            GpuSnapshot s = reader.read(1_000);
            assertTrue(s.gpus().get(0).energyMillijoules().isEmpty(), "energy unsupported on GPU 0");
            assertTrue(s.gpus().get(1).energyMillijoules().isPresent());
            assertEquals(List.of(), s.problems());
        }
    }

    private static List<Sample> xidSamples(PollResult r) {
        return r.samples().stream().filter(s -> s.metric().name().equals("gpu.xid")).toList();
    }

    /** A condition that may throw (reads NVML). */
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Check condition) throws Exception {
        io.vigil.Eventually.until(what, DEADLINE, condition::holds);
    }
}
