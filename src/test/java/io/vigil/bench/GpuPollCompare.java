package io.vigil.bench;

import io.vigil.gpu.nvml.FakeNvml;
import io.vigil.gpu.nvml.NvmlGpuReader;
import java.util.Arrays;
import java.util.Map;

/**
 * One full poll of 8 GPUs on the fake libnvidia-ml, timed as the minimum and median over batches:
 * on a loaded machine the minimum of many short batches is the figure least disturbed by other
 * processes (JMH's averages there carry error bars larger than the value). Compare with
 * {@code target/native/nvml_loop} run the same way (see docs/bench/gpu.md).
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp … io.vigil.bench.GpuPollCompare [procUtil]}
 */
public final class GpuPollCompare {

    private GpuPollCompare() {
    }

    public static void main(String[] args) throws Exception {
        boolean procUtil = args.length > 0 && args[0].equals("procUtil");
        FakeNvml.configure(procUtil
                ? Map.of("FAKE_NVML_GPU_COUNT", "8", "FAKE_NVML_PROCS", "0:self:100,3:self:200",
                        "FAKE_NVML_PROC_UTIL", "0:self:80:20,3:self:10:5")
                : Map.of("FAKE_NVML_GPU_COUNT", "8", "FAKE_NVML_PROCS", "0:self:100,3:self:200"));
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString())) {
            long sink = 0;
            for (int i = 0; i < 300_000; i++) {
                sink += reader.read(i).gpus().size();
            }
            int batches = 40;
            int perBatch = 2_000;
            double[] ns = new double[batches];
            for (int b = 0; b < batches; b++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < perBatch; i++) {
                    sink += reader.read(i).gpus().size();
                }
                ns[b] = (System.nanoTime() - t0) / (double) perBatch;
            }
            Arrays.sort(ns);
            System.out.printf("ffm poll of 8 GPUs%s: min %.0f ns, median %.0f ns (sink %d)%n",
                    procUtil ? " with per-process utilization" : "", ns[0], ns[batches / 2], sink);
        }
    }
}
