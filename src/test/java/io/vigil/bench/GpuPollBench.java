package io.vigil.bench;

import io.vigil.gpu.GpuSnapshot;
import io.vigil.gpu.NvidiaSmiGpuReader;
import io.vigil.gpu.nvml.FakeNvml;
import io.vigil.gpu.nvml.InitPerQueryPoller;
import io.vigil.gpu.nvml.NvmlGpuReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full poll of all metrics of 8 GPUs on the fake libnvidia-ml: through the FFM binding (NVML
 * initialized once), through the init/shutdown-per-query pattern, and through spawning a fake
 * {@code nvidia-smi} script (two spawns per poll, as {@link NvidiaSmiGpuReader} does). The limit is
 * {@code target/native/nvml_loop}, a C loop making the same calls (see docs/bench/gpu.md).
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp … org.openjdk.jmh.Main GpuPollBench}
 * from the project root after {@code ./mvnw test-compile}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class GpuPollBench {

    static final int GPUS = 8;

    private NvmlGpuReader reader;
    private InitPerQueryPoller initPerQuery;
    private NvidiaSmiGpuReader smi;
    private Path smiDir;
    private long t;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        FakeNvml.configure(Map.of("FAKE_NVML_GPU_COUNT", Integer.toString(GPUS), "FAKE_NVML_PROCS", "0:self:100,3:self:200"));
        reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString());
        initPerQuery = new InitPerQueryPoller(FakeNvml.LIBRARY.toString());
        smiDir = Files.createTempDirectory("bench-smi");
        StringBuilder gpus = new StringBuilder();
        for (int i = 0; i < GPUS; i++) {
            gpus.append(i).append(", GPU-1d3c5a7e-93b4-2f0a-6b1c-9e8d7f6a5b4").append(i)
                    .append(", NVIDIA A100-SXM4-80GB, 535.183.01, 87, 41, 61440, 81920, 63, 312.45, 400.00, 1410, 1593, "
                            + "[N/A], 0x0000000000000000, 0, 2, 0, 0\n");
        }
        Files.writeString(smiDir.resolve("gpus.csv"), gpus);
        Files.writeString(smiDir.resolve("apps.csv"), "GPU-1d3c5a7e-93b4-2f0a-6b1c-9e8d7f6a5b40, 48213, 58720\n");
        Path script = smiDir.resolve("nvidia-smi");
        Files.writeString(script, """
                #!/bin/sh
                here="$(dirname "$0")"
                case "$1" in
                  --query-gpu=*) cat "$here/gpus.csv" ;;
                  *) cat "$here/apps.csv" ;;
                esac
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        smi = NvidiaSmiGpuReader.open(script);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        reader.close();
        initPerQuery.close();
        smi.close();
    }

    @Benchmark
    public GpuSnapshot ffmPoll() throws Exception {
        return reader.read(++t);
    }

    @Benchmark
    public long initShutdownPerQuery() {
        return initPerQuery.poll();
    }

    @Benchmark
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 3, time = 3)
    public GpuSnapshot nvidiaSmiSpawn() throws Exception {
        return smi.read(++t);
    }
}
