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
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp … io.vigil.bench.GpuPollCompare
 * [noProcUtil|procUtil|procUtilLegacy|eventIdle SECONDS]}
 */
public final class GpuPollCompare {

    private GpuPollCompare() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("eventIdle")) {
            eventThreadIdle(args.length > 1 ? Integer.parseInt(args[1]) : 60);
            return;
        }
        // Modes: (none) processes on 2 GPUs, per-process call answers NOT_FOUND; procUtil: it returns
        // samples; procUtilLegacy: samples through the older call (the newer one refused);
        // noProcUtil: the per-process call not made at all (the poll without the feature).
        String mode = args.length > 0 ? args[0] : "";
        Map<String, String> fake = new java.util.HashMap<>(Map.of("FAKE_NVML_GPU_COUNT", "8",
                "FAKE_NVML_PROCS", "0:self:100,3:self:200"));
        if (mode.startsWith("procUtil")) {
            fake.put("FAKE_NVML_PROC_UTIL", "0:self:80:20,3:self:10:5");
        }
        if (mode.equals("procUtilLegacy")) {
            fake.put("FAKE_NVML_NO_PROC_UTIL_INFO", "1");
        }
        FakeNvml.configure(fake);
        boolean procUtil = !mode.isEmpty();
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString())) {
            reader.perProcessUtilization(!mode.equals("noProcUtil"));
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
            System.out.printf("ffm poll of 8 GPUs [%s, %s]: min %.0f ns, median %.0f ns (sink %d)%n",
                    procUtil ? mode : "NOT_FOUND", reader.processUtilizationApi(), ns[0], ns[batches / 2], sink);
        }
    }

    /** CPU time of the idle event thread ("nvml-events", 1 s bounded waits) over {@code seconds}. */
    private static void eventThreadIdle(int seconds) throws Exception {
        FakeNvml.configure(Map.of("FAKE_NVML_GPU_COUNT", "8"));
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString())) {
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            Thread events = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("nvml-events")).findFirst().orElseThrow();
            Thread.sleep(3_000);
            long cpu0 = mx.getThreadCpuTime(events.threadId());
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long cpu = mx.getThreadCpuTime(events.threadId()) - cpu0;
            double wall = (System.nanoTime() - t0) / 1e9;
            System.out.printf("idle event thread: %.3f ms CPU over %.0f s = %.0f ms CPU per hour (%s, %d arms)%n",
                    cpu / 1e6, wall, cpu / 1e6 * 3600 / wall, reader.eventWatcher().state(), reader.eventWatcher().arms());
        }
    }
}
