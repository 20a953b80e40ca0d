package io.vigil.bench;

import io.vigil.gpu.GpuSource;
import io.vigil.gpu.nvml.FakeNvml;
import io.vigil.gpu.nvml.NvmlGpuReader;
import io.vigil.telemetry.SeriesStore;
import io.vigil.telemetry.SourceScheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * CPU cost of the GPU source at its default period (1 s) with 8 GPUs on the fake library: the
 * real scheduler (10 ticks/s, virtual-thread polls) feeding a SeriesStore, for {@code seconds} of
 * wall time. Prints the process CPU time used over the run (JIT and GC included) as a share of one
 * core, after a 30 s warm-up.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp … io.vigil.bench.GpuSourceCpuBench 60}
 */
public final class GpuSourceCpuBench {

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        FakeNvml.configure(Map.of("FAKE_NVML_GPU_COUNT", "8", "FAKE_NVML_PROCS", "0:self:100,3:self:200"));
        SeriesStore series = new SeriesStore();
        try (SourceScheduler scheduler = SourceScheduler.withVirtualThreads(Clock.systemUTC())) {
            scheduler.addListener(series);
            scheduler.register(new GpuSource(List.of(() -> NvmlGpuReader.open(FakeNvml.LIBRARY.toString())),
                    Duration.ofSeconds(1)));
            scheduler.start(Duration.ofMillis(100));
            Thread.sleep(30_000); // JIT warm-up and the series buffers allocated at the first poll
            long cpu0 = cpuNanos();
            long wall0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long cpu = cpuNanos() - cpu0;
            long wall = System.nanoTime() - wall0;
            System.out.printf("GPU source, 8 GPUs, 1 s period, %d s: process CPU %.1f ms = %.3f %% of one core; health %s%n",
                    seconds, cpu / 1e6, 100.0 * cpu / wall, scheduler.statuses().getFirst().health());
        }
        // Same JVM, nothing registered: the idle baseline of the JVM and scheduler ticking.
        try (SourceScheduler scheduler = SourceScheduler.withVirtualThreads(Clock.systemUTC())) {
            scheduler.start(Duration.ofMillis(100));
            Thread.sleep(2_000);
            long cpu0 = cpuNanos();
            long wall0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long cpu = cpuNanos() - cpu0;
            long wall = System.nanoTime() - wall0;
            System.out.printf("baseline, scheduler only, %d s: process CPU %.1f ms = %.3f %% of one core%n",
                    seconds, cpu / 1e6, 100.0 * cpu / wall);
        }
    }
}
