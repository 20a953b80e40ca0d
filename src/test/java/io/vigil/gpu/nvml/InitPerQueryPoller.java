package io.vigil.gpu.nvml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * For the benchmark: the pattern OSHI's NVML support uses, where every query initializes NVML,
 * looks the device up, makes its one call and shuts NVML down again. Makes the same calls per GPU
 * as {@link NvmlGpuReader} (the library stays loaded, as with OSHI's JNA binding).
 */
public final class InitPerQueryPoller implements AutoCloseable {

    private final Nvml nvml;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment out = arena.allocate(64, 8);
    private final MemorySegment dev = arena.allocate(ADDRESS);
    private final MemorySegment count = arena.allocate(4, 4);
    private final MemorySegment procs = arena.allocate(24 * 32, 8);
    private final int gpus;

    public InitPerQueryPoller(String library) throws NvmlException {
        nvml = Nvml.load(library);
        nvml.init();
        nvml.deviceGetCount(out);
        gpus = out.get(JAVA_INT, 0);
        nvml.shutdown();
    }

    /** One full poll of every GPU; returns a checksum so the work cannot be optimized away. */
    public long poll() {
        long sum = 0;
        for (int i = 0; i < gpus; i++) {
            for (int query = 0; query < 16; query++) {
                nvml.init();
                nvml.deviceGetHandleByIndex(i, dev);
                MemorySegment d = dev.get(ADDRESS, 0);
                int rc = switch (query) {
                    case 0 -> nvml.deviceGetUtilizationRates(d, out);
                    case 1 -> nvml.deviceGetMemoryInfo(d, out);
                    case 2 -> nvml.deviceGetTemperature(d, out);
                    case 3 -> nvml.deviceGetPowerUsage(d, out);
                    case 4 -> nvml.deviceGetPowerManagementLimit(d, out);
                    case 5 -> nvml.deviceGetClockInfo(d, 1, out);
                    case 6 -> nvml.deviceGetClockInfo(d, 2, out);
                    case 7 -> nvml.deviceGetFanSpeed(d, out);
                    case 8 -> nvml.deviceGetCurrentClocksEventReasons(d, out);
                    case 9, 10, 11, 12 -> nvml.deviceGetTotalEccErrors(d, (query - 9) / 2, (query - 9) % 2, out);
                    case 13 -> {
                        count.set(JAVA_INT, 0, 32);
                        yield nvml.deviceGetComputeRunningProcesses(d, count, procs);
                    }
                    default -> {
                        count.set(JAVA_INT, 0, 32);
                        yield nvml.deviceGetGraphicsRunningProcesses(d, count, procs);
                    }
                };
                sum += rc + out.get(JAVA_LONG, 0);
                nvml.shutdown();
            }
        }
        return sum;
    }

    @Override
    public void close() {
        arena.close();
        nvml.close();
    }
}
