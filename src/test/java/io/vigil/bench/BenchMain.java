package io.vigil.bench;

import io.vigil.host.HostSource;
import io.vigil.host.HostProcessSource;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import oshi.SystemInfo;

/**
 * Runs Vigil's benchmarks and prints their figures: {@code ./mvnw -Pbench verify -Dbench=REGEX}.
 * With no regex: every JMH benchmark, the series-store heap measurement and the host sampling cost.
 * Arguments: a JMH include regex, or {@code heap}, {@code host}, {@code dashboard}, {@code redaction},
 * {@code soak} (7-day accelerated soak), {@code jmh-only}, {@code fleet-grid} (heat grid redraw),
 * {@code host-polls} (CPU and allocation per poll of each host reader),
 * {@code cost} (live cost estimate vs billing data on the demo night),
 * {@code fleet} (1,000 nodes x 8 GPUs through a real Prometheus: {@code -Dbench=fleet}, or {@code fleet:NODES}).
 */
public final class BenchMain {

    public static void main(String[] args) throws Exception {
        String what = args.length == 0 || args[0].isBlank() ? "all" : args[0];
        System.out.println("Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java "
                + System.getProperty("java.vm.version"));
        if (what.equals("all") || what.equals("heap")) {
            seriesStoreHeap();
        }
        if (what.equals("all") || what.equals("host")) {
            hostSamplingCost();
        }
        if (what.equals("host-polls")) { // CPU and allocation per poll of each host reader (docs/bench/host-polls.md)
            HostPollBench.run(30);
        }
        if (what.equals("all") || what.equals("dashboard")) {
            DashboardFrameBench.run();
        }
        if (what.equals("all") || what.equals("redaction")) {
            RedactionBench.run();
        }
        if (what.equals("soak")) {
            SoakBench.main();
        }
        if (what.equals("all") || what.equals("fleet-grid")) {
            FleetGridBench.run();
        }
        if (what.equals("cost")) { // live cost estimate vs billing data on the demo night (docs/bench/cost.md)
            io.vigil.app.CostLeadBench.run();
        }
        if (what.equals("fleet") || what.startsWith("fleet:")) { // fleet, or fleet:NODES
            FleetBench.run(what.contains(":") ? Integer.parseInt(what.substring(what.indexOf(':') + 1)) : 1000);
        }
        if (!what.equals("heap") && !what.equals("host") && !what.equals("dashboard") && !what.equals("soak")
                && !what.equals("redaction") && !what.startsWith("fleet") && !what.equals("cost")
                && !what.equals("host-polls")) {
            String include = what.equals("all") || what.equals("jmh-only") ? "io.vigil.bench..*Bench" : what;
            new Runner(new OptionsBuilder().include(include).build()).run();
        }
        javafx.application.Platform.exit();
    }

    /** 8 GPUs × 10 metrics × 24 h at 1 s, measured as heap growth after a full GC. */
    static void seriesStoreHeap() {
        long before = usedHeapAfterGc();
        SeriesStore store = new SeriesStore();
        for (int gpu = 0; gpu < 8; gpu++) {
            for (int m = 0; m < 10; m++) {
                MetricId id = MetricId.of("gpu.metric" + m, "gpu", String.valueOf(gpu));
                for (int s = 0; s < SeriesStore.DAY_OF_SECONDS; s++) {
                    store.append(id, s * 1000L, s);
                }
            }
        }
        long after = usedHeapAfterGc();
        System.out.printf("series-store heap: 80 series x 86,400 points = %.1f MiB of heap (arrays %.1f MiB); target < 150 MB%n",
                (after - before) / 1048576.0, store.retainedBytes() / 1048576.0);
        if (store.ids().size() != 80) {
            throw new AssertionError();
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /**
     * CPU time of the host sources at their default periods (host 2 s, processes 5 s), from the
     * polling thread's CPU clock, as a share of one core.
     */
    static void hostSamplingCost() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        SystemInfo si = new SystemInfo();
        HostSource host = HostSource.forThisMachine(si, Duration.ofSeconds(2));
        HostProcessSource processes = HostProcessSource.forThisMachine(si, Duration.ofSeconds(5));
        for (int i = 0; i < 5; i++) { // warm up
            host.poll(Instant.now());
            processes.poll(Instant.now());
        }
        int n = 20;
        long t0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            host.poll(Instant.now());
        }
        long hostNanos = (threads.getCurrentThreadCpuTime() - t0) / n;
        t0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            processes.poll(Instant.now());
        }
        long procNanos = (threads.getCurrentThreadCpuTime() - t0) / n;
        double share = hostNanos / 2e9 + procNanos / 5e9;
        System.out.printf("host sampling: host poll %.2f ms CPU, process poll (%d processes) %.2f ms CPU; "
                        + "at 2 s / 5 s periods = %.3f %% of one core (target < 1 %%)%n",
                hostNanos / 1e6, processes.latest().processes().size(), procNanos / 1e6, share * 100);
    }
}
