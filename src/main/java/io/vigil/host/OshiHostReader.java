package io.vigil.host;

import io.vigil.telemetry.Sample;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.hardware.VirtualMemory;

/**
 * CPU, load, memory, swap and network throughput of this machine, read through OSHI. Rates are
 * computed between two polls, so the first poll reports CPU and network only from the second on.
 * The network totals count each byte once (physical interfaces only, see {@link NetworkInterfaces});
 * every interface keeps its own series. On Linux the interface counters come straight from
 * {@code /sys/class/net} ({@link InterfaceCounters}); OSHI elsewhere.
 *
 * <p>Not thread-safe; the scheduler never polls one source twice at once.
 */
public final class OshiHostReader implements HostMetricsReader {

    private final HardwareAbstractionLayer hardware;
    private final CentralProcessor processor;
    private long[] previousTicks;
    private final InterfaceRates rates;
    /** Direct {@code /sys} counters on Linux; null where there is no {@code /sys/class/net} (OSHI then). */
    private final InterfaceCounters counters;

    public OshiHostReader(SystemInfo systemInfo) {
        this(systemInfo, NetworkInterfaces.forThisMachine());
    }

    /** {@code interfaces}: which interfaces make up the host network totals (see {@link NetworkInterfaces}). */
    public OshiHostReader(SystemInfo systemInfo, NetworkInterfaces interfaces) {
        this(systemInfo, interfaces, Path.of("/sys/class/net"));
    }

    OshiHostReader(SystemInfo systemInfo, NetworkInterfaces interfaces, Path sysClassNet) {
        this.hardware = systemInfo.getHardware();
        this.processor = hardware.getProcessor();
        this.rates = new InterfaceRates(interfaces);
        this.counters = InterfaceCounters.isSupported(sysClassNet) ? new InterfaceCounters(sysClassNet) : null;
    }

    @Override
    public Reading read(Instant now) {
        long t = now.toEpochMilli();
        List<Sample> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();

        long[] ticks = processor.getSystemCpuLoadTicks();
        if (previousTicks != null) {
            double load = processor.getSystemCpuLoadBetweenTicks(previousTicks);
            out.add(Sample.of(HostMetrics.CPU_PERCENT, t, clampPercent(load * 100.0)));
        }
        previousTicks = ticks;

        double[] loads = processor.getSystemLoadAverage(3);
        if (loads[0] >= 0) {
            out.add(Sample.of(HostMetrics.LOAD_1M, t, loads[0]));
            out.add(Sample.of(HostMetrics.LOAD_5M, t, loads[1]));
            out.add(Sample.of(HostMetrics.LOAD_15M, t, loads[2]));
        } else {
            problems.add("load average unavailable on this OS");
        }

        GlobalMemory memory = hardware.getMemory();
        long total = memory.getTotal();
        long used = total - memory.getAvailable();
        out.add(Sample.of(HostMetrics.MEMORY_TOTAL_BYTES, t, total));
        out.add(Sample.of(HostMetrics.MEMORY_USED_BYTES, t, used));
        if (total > 0) {
            out.add(Sample.of(HostMetrics.MEMORY_PERCENT, t, clampPercent(100.0 * used / total)));
        }
        VirtualMemory swap = memory.getVirtualMemory();
        out.add(Sample.of(HostMetrics.SWAP_TOTAL_BYTES, t, swap.getSwapTotal()));
        out.add(Sample.of(HostMetrics.SWAP_USED_BYTES, t, Math.min(swap.getSwapUsed(), swap.getSwapTotal())));

        try {
            readNetwork(t, out);
        } catch (RuntimeException | IOException e) {
            problems.add("network counters unreadable: " + e.getMessage());
        }
        return new Reading(out, problems);
    }

    private void readNetwork(long t, List<Sample> out) throws IOException {
        Map<String, long[]> byName;
        if (counters != null) {
            byName = counters.read();
        } else {
            byName = new HashMap<>();
            for (NetworkIF nif : hardware.getNetworkIFs(true)) {
                byName.put(nif.getName(), new long[] {nif.getBytesRecv(), nif.getBytesSent()});
            }
        }
        rates.update(t, System.nanoTime(), byName, out);
    }

    private static double clampPercent(double v) {
        return Math.max(0, Math.min(100, v));
    }
}
