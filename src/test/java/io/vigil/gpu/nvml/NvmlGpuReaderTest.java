package io.vigil.gpu.nvml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gpu.ClockEventReasons;
import io.vigil.gpu.GpuProcess;
import io.vigil.gpu.GpuReading;
import io.vigil.gpu.GpuSnapshot;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The real FFM binding against the fake libnvidia-ml (C, same ABI as NVIDIA's). */
class NvmlGpuReaderTest {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    @Test
    void readsEveryGpuWithItsOwnValues() throws Exception {
        FakeNvml.configure(Map.of("FAKE_NVML_PROCS", "0:self:3072,2:4242:512"));
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString())) {
            assertEquals("nvmlInit_v2", reader.nvml().initSymbol());
            assertEquals("nvmlDeviceGetCurrentClocksEventReasons", reader.nvml().clockEventSymbol());
            assertEquals("nvmlDeviceGetComputeRunningProcesses_v3", reader.nvml().processSymbol());
            assertTrue(reader.nvml().hasMemoryInfoV2());
            GpuSnapshot s = reader.read(1_000);
            assertEquals("580.95.05", s.driverVersion());
            assertEquals(List.of(), s.problems());
            assertEquals(3, s.gpus().size());

            GpuReading h100 = s.gpus().get(0);
            assertEquals("NVIDIA H100 80GB HBM3", h100.name());
            assertEquals("GPU-5eed0000-1c2d-4e5f-8a9b-000000abc000", h100.uuid());
            assertFalse(h100.lost());
            assertEquals(OptionalDouble.of(10), h100.utilizationPercent());
            assertEquals(OptionalDouble.of(5), h100.memoryUtilizationPercent());
            assertEquals(OptionalLong.of(80 * GIB), h100.memoryTotalBytes());
            assertEquals(OptionalLong.of(3 * GIB), h100.memoryUsedBytes());
            assertEquals(OptionalDouble.of(40), h100.temperatureC());
            assertEquals(OptionalDouble.of(150.123), h100.powerWatts());
            assertEquals(OptionalDouble.of(700), h100.powerLimitWatts());
            assertEquals(OptionalLong.of(1755), h100.smClockMhz());
            assertEquals(OptionalLong.of(2619), h100.memoryClockMhz());
            assertEquals(OptionalDouble.of(30), h100.fanPercent());
            assertEquals(List.of("idle"), ClockEventReasons.words(h100.clockEventReasons().orElseThrow()));
            assertEquals(List.of(new GpuProcess((int) ProcessHandle.current().pid(), GpuProcess.Kind.COMPUTE,
                    OptionalLong.of(3072 * MIB))), h100.processes());

            GpuReading a100 = s.gpus().get(1);
            assertEquals("NVIDIA A100-SXM4-40GB", a100.name());
            assertEquals(OptionalDouble.of(40), a100.utilizationPercent());
            assertEquals(OptionalLong.of(40 * GIB), a100.memoryTotalBytes());
            assertEquals(OptionalDouble.of(47), a100.temperatureC());
            assertEquals(OptionalDouble.of(200.123), a100.powerWatts());
            assertEquals(List.of("power cap"), ClockEventReasons.words(a100.clockEventReasons().orElseThrow()));
            assertEquals(OptionalLong.of(3), a100.eccCorrectedVolatile());
            assertEquals(OptionalLong.of(13), a100.eccCorrectedAggregate());
            assertEquals(OptionalLong.of(0), a100.eccUncorrectedVolatile());
            assertEquals(OptionalLong.of(110), a100.eccUncorrectedAggregate());
            assertEquals(List.of(), a100.processes());

            GpuReading l4 = s.gpus().get(2);
            assertEquals("NVIDIA L4", l4.name());
            assertEquals(OptionalDouble.of(70), l4.utilizationPercent());
            assertEquals(OptionalLong.of(2419), l4.memoryClockMhz());
            assertEquals(List.of("thermal slowdown", "hardware thermal slowdown"),
                    ClockEventReasons.words(l4.clockEventReasons().orElseThrow()));
            assertEquals(4242, l4.processes().getFirst().pid());
        }
    }

    @Test
    void missingLibrarySaysNoDriverWasFound() {
        NvmlException e = assertThrows(NvmlException.class, () -> NvmlGpuReader.open("/nonexistent/libnvidia-ml.so.1"));
        assertEquals(NvmlReturn.LIBRARY_NOT_FOUND, e.code());
        assertEquals("No NVIDIA driver found: /nonexistent/libnvidia-ml.so.1 could not be loaded", e.getMessage());
    }

    @Test
    void failingInitIsTypedWithAnActionableMessage() {
        FakeNvml.configure(Map.of("FAKE_NVML_INIT_FAIL", "9"));
        NvmlException e = assertThrows(NvmlException.class, () -> NvmlGpuReader.open(FakeNvml.LIBRARY.toString()));
        assertEquals(NvmlReturn.DRIVER_NOT_LOADED, e.code());
        assertTrue(e.getMessage().contains("nvmlInit_v2 failed: DRIVER_NOT_LOADED (Driver Not Loaded)"), e.getMessage());
        assertTrue(e.getMessage().contains("kernel driver is not running"), e.getMessage());
    }

    @Test
    void olderDriverWithoutNewEntryPointsFallsBackAndReadsTheSameValues() throws Exception {
        FakeNvml.configure(Map.of());
        GpuSnapshot current;
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString())) {
            current = reader.read(1_000);
        }
        FakeNvml.configure(Map.of());
        try (NvmlGpuReader old = NvmlGpuReader.open(FakeNvml.OLD_LIBRARY.toString())) {
            assertEquals("nvmlDeviceGetCurrentClocksThrottleReasons", old.nvml().clockEventSymbol());
            assertEquals("nvmlDeviceGetComputeRunningProcesses_v2", old.nvml().processSymbol());
            assertFalse(old.nvml().hasMemoryInfoV2());
            GpuSnapshot s = old.read(1_000);
            assertEquals(List.of(), s.problems());
            assertEquals(current.gpus(), s.gpus(), "same readings through the older entry points");
        }
    }

    @Test
    void notSupportedOnOneGpuLeavesOnlyThoseReadingsEmpty() throws Exception {
        FakeNvml.configure(Map.of("FAKE_NVML_UNSUPPORTED", "1"));
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString())) {
            GpuSnapshot s = reader.read(1_000);
            GpuReading a100 = s.gpus().get(1);
            assertTrue(a100.fanPercent().isEmpty());
            assertTrue(a100.powerWatts().isEmpty());
            assertTrue(a100.powerLimitWatts().isEmpty());
            assertTrue(a100.temperatureC().isEmpty());
            assertTrue(a100.eccCorrectedVolatile().isEmpty());
            assertEquals(OptionalDouble.of(40), a100.utilizationPercent(), "the rest is still read");
            assertEquals(OptionalDouble.of(30), s.gpus().get(0).fanPercent());
            assertEquals(List.of(), s.problems(), "unsupported is not a problem");
        }
    }

    @Test
    void lostGpuIsMarkedAndComesBackAfterReinitialization() throws Exception {
        FakeNvml.configure(Map.of("FAKE_NVML_LOST_GPU", "1", "FAKE_NVML_LOST_AFTER", "2", "FAKE_NVML_LOST_FOR", "3"));
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString())) {
            boolean[] lost = new boolean[7];
            for (int poll = 1; poll <= 6; poll++) {
                GpuSnapshot s = reader.read(poll * 1_000L);
                lost[poll] = s.gpus().get(1).lost();
                assertFalse(s.gpus().get(0).lost(), "other GPUs are unaffected");
                assertFalse(s.gpus().get(2).lost());
                if (lost[poll]) {
                    assertEquals("NVIDIA A100-SXM4-40GB", s.gpus().get(1).name(), "a lost GPU keeps its identity");
                    assertTrue(s.gpus().get(1).utilizationPercent().isEmpty());
                }
            }
            assertFalse(lost[1]);
            assertFalse(lost[2]);
            assertTrue(lost[3]);
            assertTrue(lost[4]);
            assertTrue(lost[5]);
            assertFalse(lost[6], "back after 3 lost polls");
            assertEquals(OptionalDouble.of(40), reader.read(7_000).gpus().get(1).utilizationPercent());
        }
    }

    @Test
    void processesAppearAndDisappear() throws Exception {
        FakeNvml.configure(Map.of("FAKE_NVML_PROCS", "0:111:100:2-3,1:222:200",
                "FAKE_NVML_GRAPHICS_PROCS", "0:333:50:3-3"));
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString())) {
            GpuSnapshot first = reader.read(1_000);
            assertEquals(List.of(), pids(first, 0));
            assertEquals(List.of(222), pids(first, 1));
            assertEquals(List.of(111), pids(reader.read(2_000), 0));
            GpuSnapshot third = reader.read(3_000);
            assertEquals(List.of(111, 333), pids(third, 0));
            assertEquals(GpuProcess.Kind.GRAPHICS, third.gpus().get(0).processes().get(1).kind());
            assertEquals(List.of(), pids(reader.read(4_000), 0));
        }
    }

    @Test
    void processListLongerThanTheBufferIsReadWhole() throws Exception {
        StringBuilder spec = new StringBuilder();
        for (int pid = 1000; pid < 1100; pid++) {
            spec.append(spec.isEmpty() ? "" : ",").append("0:").append(pid).append(":1");
        }
        FakeNvml.configure(Map.of("FAKE_NVML_PROCS", spec.toString()));
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString())) {
            List<GpuProcess> procs = reader.read(1_000).gpus().getFirst().processes();
            assertEquals(64, procs.size(), "the fake holds at most 64 per GPU");
            assertEquals(1063, procs.getLast().pid());
        }
    }

    private static List<Integer> pids(GpuSnapshot s, int gpu) {
        return s.gpus().get(gpu).processes().stream().map(GpuProcess::pid).toList();
    }
}
