package io.vigil.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nvidia-smi's CSV as real cards print it, and a fake nvidia-smi script run as a real process. */
class NvidiaSmiGpuReaderTest {

    private static final long MIB = 1024L * 1024L;

    /** Two A100s on a DGX (ECC on, passively cooled: fan "[N/A]"). */
    static final String DGX_A100 = """
            0, GPU-1d3c5a7e-93b4-2f0a-6b1c-9e8d7f6a5b4c, NVIDIA A100-SXM4-80GB, 535.183.01, 87, 41, 61440, 81920, 63, 312.45, 400.00, 1410, 1593, [N/A], 0x0000000000000000, 0, 2, 0, 0
            1, GPU-7f2e4d6c-1a3b-5c4d-8e9f-0a1b2c3d4e5f, NVIDIA A100-SXM4-80GB, 535.183.01, 0, 0, 4, 81920, 31, 62.18, 400.00, 210, 1593, [N/A], 0x0000000000000001, 0, 0, 0, 0
            """;
    /** A GeForce card: no ECC ("[N/A]"), some fields "[Not Supported]". */
    static final String GEFORCE = """
            0, GPU-3a4b5c6d-7e8f-9a0b-1c2d-3e4f5a6b7c8d, NVIDIA GeForce RTX 3090, 550.54.14, 34, 12, 2210, 24576, 58, 118.73, 350.00, 1695, 9751, 44, 0x0000000000000004, [N/A], [N/A], [N/A], [N/A]
            """;
    static final String GEFORCE_NOT_SUPPORTED = """
            0, GPU-9c8b7a6f-5e4d-3c2b-1a09-f8e7d6c5b4a3, NVIDIA GeForce GTX 1050 Ti, 470.256.02, [Not Supported], [Not Supported], 312, 4096, 41, [Not Supported], [Not Supported], 139, 405, 35, 0x0000000000000001, [N/A], [N/A], [N/A], [N/A]
            """;
    static final String APPS = """
            GPU-1d3c5a7e-93b4-2f0a-6b1c-9e8d7f6a5b4c, 48213, 58720
            GPU-1d3c5a7e-93b4-2f0a-6b1c-9e8d7f6a5b4c, 48214, 2048
            GPU-3a4b5c6d-7e8f-9a0b-1c2d-3e4f5a6b7c8d, 2971, [N/A]
            """;

    @Test
    void parsesDataCenterCardsAndTheirProcesses() {
        GpuSnapshot s = NvidiaSmiGpuReader.parse(5, DGX_A100, APPS);
        assertEquals(List.of(), s.problems());
        assertEquals("535.183.01", s.driverVersion());
        assertEquals(2, s.gpus().size());
        GpuReading g0 = s.gpus().get(0);
        assertEquals("NVIDIA A100-SXM4-80GB", g0.name());
        assertEquals("GPU-1d3c5a7e-93b4-2f0a-6b1c-9e8d7f6a5b4c", g0.uuid());
        assertEquals(OptionalDouble.of(87), g0.utilizationPercent());
        assertEquals(OptionalLong.of(61440 * MIB), g0.memoryUsedBytes());
        assertEquals(OptionalLong.of(81920 * MIB), g0.memoryTotalBytes());
        assertEquals(OptionalDouble.of(312.45), g0.powerWatts());
        assertEquals(OptionalDouble.of(400), g0.powerLimitWatts());
        assertEquals(OptionalLong.of(1410), g0.smClockMhz());
        assertTrue(g0.fanPercent().isEmpty(), "[N/A] fan");
        assertEquals(OptionalLong.of(0), g0.clockEventReasons());
        assertEquals(OptionalLong.of(2), g0.eccCorrectedAggregate());
        assertEquals(List.of(48213, 48214), g0.processes().stream().map(GpuProcess::pid).toList());
        assertEquals(OptionalLong.of(58720 * MIB), g0.processes().getFirst().usedMemoryBytes());
        assertEquals(OptionalLong.of(1), s.gpus().get(1).clockEventReasons());
    }

    @Test
    void bracketedFieldsBecomeEmptyReadings() {
        GpuSnapshot s = NvidiaSmiGpuReader.parse(5, GEFORCE + GEFORCE_NOT_SUPPORTED.replace("0, GPU-9c", "1, GPU-9c"), APPS);
        GpuReading rtx = s.gpus().get(0);
        assertEquals(OptionalDouble.of(44), rtx.fanPercent());
        assertEquals(List.of("power cap"), ClockEventReasons.words(rtx.clockEventReasons().orElseThrow()));
        assertTrue(rtx.eccCorrectedVolatile().isEmpty());
        assertTrue(rtx.processes().getFirst().usedMemoryBytes().isEmpty(), "[N/A] process memory");
        GpuReading old = s.gpus().get(1);
        assertTrue(old.utilizationPercent().isEmpty(), "[Not Supported] utilization");
        assertTrue(old.powerWatts().isEmpty());
        assertEquals(OptionalDouble.of(41), old.temperatureC());
        assertEquals(List.of(), s.problems());
    }

    @Test
    void malformedLinesAreReportedWithTheirLineAndSkipped() {
        GpuSnapshot s = NvidiaSmiGpuReader.parse(5, "garbage line\n" + GEFORCE, "");
        assertEquals(1, s.gpus().size());
        assertEquals(1, s.problems().size());
        assertTrue(s.problems().getFirst().startsWith("nvidia-smi, line 1: expected 19 fields"), s.problems().getFirst());
    }

    @Test
    void runsAFakeNvidiaSmiFoundOnThePath(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path script = fakeNvidiaSmi(bin, DGX_A100, APPS, 0);
        String path = dir.resolve("empty") + File.pathSeparator + bin + File.pathSeparator + "/usr/bin";
        assertEquals(script, NvidiaSmiGpuReader.findOnPath(path, "nvidia-smi").orElseThrow());
        try (NvidiaSmiGpuReader reader = NvidiaSmiGpuReader.open(script)) {
            GpuSnapshot s = reader.read(42);
            assertEquals("nvidia-smi", s.reader());
            assertEquals(42, s.epochMillis());
            assertEquals(2, s.gpus().size());
            assertEquals(2, s.gpus().getFirst().processes().size());
        }
        List<String> calls = Files.readAllLines(bin.resolve("calls.log"));
        assertTrue(calls.contains("--query-gpu=" + NvidiaSmiGpuReader.GPU_FIELDS + " --format=csv,noheader,nounits"),
                calls.toString());
    }

    @Test
    void failingNvidiaSmiSaysWhy(@TempDir Path dir) throws Exception {
        Path script = fakeNvidiaSmi(dir, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. "
                + "Make sure that the latest NVIDIA driver is installed and running.\n", "", 9);
        GpuUnavailableException e = assertThrows(GpuUnavailableException.class, () -> NvidiaSmiGpuReader.open(script));
        assertTrue(e.getMessage().startsWith("nvidia-smi failed (exit 9): NVIDIA-SMI has failed because it couldn't "
                + "communicate with the NVIDIA driver"), e.getMessage());
        assertEquals("nvidia-smi not found or not executable: " + dir.resolve("nope"),
                assertThrows(GpuUnavailableException.class, () -> NvidiaSmiGpuReader.open(dir.resolve("nope"))).getMessage());
    }

    /** Writes an executable {@code nvidia-smi} shell script that answers the two queries with canned CSV. */
    static Path fakeNvidiaSmi(Path dir, String gpuCsv, String appCsv, int exitCode) throws Exception {
        Files.writeString(dir.resolve("gpus.csv"), gpuCsv);
        Files.writeString(dir.resolve("apps.csv"), appCsv);
        Path script = dir.resolve("nvidia-smi");
        Files.writeString(script, """
                #!/bin/sh
                here="$(dirname "$0")"
                echo "$*" >> "$here/calls.log"
                case "$1" in
                  --query-gpu=*) cat "$here/gpus.csv" ;;
                  --query-compute-apps=*) cat "$here/apps.csv" ;;
                  *) echo "unknown option $1"; exit 2 ;;
                esac
                exit %d
                """.formatted(exitCode));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }
}
