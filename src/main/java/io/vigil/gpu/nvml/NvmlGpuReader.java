package io.vigil.gpu.nvml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.vigil.gpu.GpuProcess;
import io.vigil.gpu.GpuReader;
import io.vigil.gpu.GpuReading;
import io.vigil.gpu.GpuSnapshot;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Reads every GPU through NVML. Initializes NVML once and keeps the device handles (unlike a
 * init/shutdown per query); every call's return code becomes a typed result: NOT_SUPPORTED /
 * NO_PERMISSION make that one reading empty ("n/a"), GPU_IS_LOST / RESET_REQUIRED mark the GPU
 * lost, UNINITIALIZED / DRIVER_NOT_LOADED throw {@link NvmlException} so the source goes DOWN and
 * re-opens with backoff. A lost GPU triggers a re-initialization (shutdown, init, fresh handles)
 * with exponential backoff until it answers again.
 *
 * <p>Scratch buffers for out-parameters are allocated once. Not thread-safe: one poll at a time.
 */
public final class NvmlGpuReader implements GpuReader {

    private static final int NAME_BUFFER = 96;
    private static final int UUID_BUFFER = 96;
    private static final int DRIVER_BUFFER = 80;
    private static final int PROCESS_INFO_BYTES = 24;
    private static final long MAX_REINIT_BACKOFF_MS = 60_000;

    private final Nvml nvml;
    private final Arena scratch = Arena.ofShared();
    private final MemorySegment u32 = scratch.allocate(8, 8);
    private final MemorySegment u64 = scratch.allocate(8, 8);
    private final MemorySegment utilization = scratch.allocate(8, 8);
    private final MemorySegment memory = scratch.allocate(40, 8);
    private final MemorySegment temperature = scratch.allocate(12, 8);
    private final MemorySegment deviceOut = scratch.allocate(ADDRESS);
    private final MemorySegment text = scratch.allocate(128, 8);
    private final MemorySegment processCount = scratch.allocate(4, 4);
    private MemorySegment processes;
    private int processCapacity = 32;

    private String driverVersion = "";
    private MemorySegment[] devices = new MemorySegment[0];
    private String[] names = new String[0];
    private String[] uuids = new String[0];
    private boolean initialized;
    private long nextReinitMillis = Long.MAX_VALUE;
    private long reinitBackoffMs = 1000;

    private NvmlGpuReader(Nvml nvml) {
        this.nvml = nvml;
        this.processes = scratch.allocate((long) PROCESS_INFO_BYTES * processCapacity, 8);
    }

    /**
     * Loads NVML from {@code library} (a name or a path), initializes it and reads the GPU list.
     *
     * @throws NvmlException with a message a user can act on when the library, an entry point or
     *     the driver is missing
     */
    public static NvmlGpuReader open(String library) throws NvmlException {
        Nvml nvml = Nvml.load(library);
        NvmlGpuReader reader = new NvmlGpuReader(nvml);
        try {
            reader.initialize();
            return reader;
        } catch (NvmlException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "nvml";
    }

    /** The binding underneath, for tests of which entry points were chosen. */
    public Nvml nvml() {
        return nvml;
    }

    public String driverVersion() {
        return driverVersion;
    }

    private void initialize() throws NvmlException {
        int rc = nvml.init();
        if (rc != NvmlReturn.SUCCESS) {
            throw new NvmlException(rc, NvmlException.describe(nvml.initSymbol(), rc, nvml.errorString(rc)));
        }
        initialized = true;
        driverVersion = nvml.systemGetDriverVersion(text, DRIVER_BUFFER) == NvmlReturn.SUCCESS ? text.getString(0) : "";
        rc = nvml.deviceGetCount(u32);
        if (rc != NvmlReturn.SUCCESS) {
            throw new NvmlException(rc, NvmlException.describe("nvmlDeviceGetCount", rc, nvml.errorString(rc)));
        }
        int count = u32.get(JAVA_INT, 0);
        String[] oldNames = names;
        String[] oldUuids = uuids;
        devices = new MemorySegment[count];
        names = new String[count];
        uuids = new String[count];
        for (int i = 0; i < count; i++) {
            rc = nvml.deviceGetHandleByIndex(i, deviceOut);
            // A GPU that is lost at start has no handle; it stays listed, as lost, and is retried.
            devices[i] = rc == NvmlReturn.SUCCESS ? deviceOut.get(ADDRESS, 0) : null;
            // A GPU still lost at a re-initialization keeps the identity it had before.
            String known = i < oldNames.length ? oldNames[i] : "GPU " + i;
            names[i] = devices[i] != null && nvml.deviceGetName(devices[i], text, NAME_BUFFER) == NvmlReturn.SUCCESS
                    ? text.getString(0) : known;
            String knownUuid = i < oldUuids.length ? oldUuids[i] : "";
            uuids[i] = devices[i] != null && nvml.deviceGetUuid(devices[i], text, UUID_BUFFER) == NvmlReturn.SUCCESS
                    ? text.getString(0) : knownUuid;
        }
    }

    @Override
    public GpuSnapshot read(long epochMillis) throws NvmlException {
        if (epochMillis >= nextReinitMillis) {
            reinitialize();
        }
        List<String> problems = new ArrayList<>();
        List<GpuReading> gpus = new ArrayList<>(devices.length);
        boolean anyLost = false;
        for (int i = 0; i < devices.length; i++) {
            GpuReading r = devices[i] == null ? GpuReading.lost(i, names[i], uuids[i]) : readGpu(i, problems);
            anyLost |= r.lost();
            gpus.add(r);
        }
        if (anyLost) {
            if (nextReinitMillis == Long.MAX_VALUE) {
                nextReinitMillis = epochMillis + reinitBackoffMs;
            }
        } else {
            nextReinitMillis = Long.MAX_VALUE;
            reinitBackoffMs = 1000;
        }
        return new GpuSnapshot(epochMillis, name(), driverVersion, gpus, problems);
    }

    private void reinitialize() throws NvmlException {
        reinitBackoffMs = Math.min(reinitBackoffMs * 2, MAX_REINIT_BACKOFF_MS);
        nextReinitMillis = Long.MAX_VALUE;
        if (initialized) {
            nvml.shutdown();
            initialized = false;
        }
        initialize();
    }

    /** Thrown inside {@link #readGpu} when a call says the GPU is lost. */
    private static final class Lost extends Exception {
        Lost() {
            super(null, null, false, false);
        }
    }

    private GpuReading readGpu(int i, List<String> problems) throws NvmlException {
        MemorySegment dev = devices[i];
        try {
            int rc = nvml.deviceGetUtilizationRates(dev, utilization);
            OptionalDouble util = ok(rc, i, "utilization", problems)
                    ? OptionalDouble.of(Integer.toUnsignedLong(utilization.get(JAVA_INT, 0))) : OptionalDouble.empty();
            OptionalDouble memUtil = rc == NvmlReturn.SUCCESS
                    ? OptionalDouble.of(Integer.toUnsignedLong(utilization.get(JAVA_INT, 4))) : OptionalDouble.empty();

            rc = nvml.deviceGetMemoryInfo(dev, memory);
            OptionalLong memTotal = OptionalLong.empty();
            OptionalLong memUsed = OptionalLong.empty();
            if (ok(rc, i, "memory", problems)) {
                boolean v2 = nvml.hasMemoryInfoV2();
                memTotal = OptionalLong.of(memory.get(JAVA_LONG, v2 ? 8 : 0));
                memUsed = OptionalLong.of(memory.get(JAVA_LONG, v2 ? 32 : 16));
            }

            rc = nvml.deviceGetTemperature(dev, temperature);
            OptionalDouble temp = ok(rc, i, "temperature", problems)
                    ? OptionalDouble.of(temperature.get(JAVA_INT, 8)) : OptionalDouble.empty();

            OptionalDouble power = ok(nvml.deviceGetPowerUsage(dev, u32), i, "power", problems)
                    ? OptionalDouble.of(Integer.toUnsignedLong(u32.get(JAVA_INT, 0)) / 1000.0) : OptionalDouble.empty();
            OptionalDouble limit = ok(nvml.deviceGetPowerManagementLimit(dev, u32), i, "power limit", problems)
                    ? OptionalDouble.of(Integer.toUnsignedLong(u32.get(JAVA_INT, 0)) / 1000.0) : OptionalDouble.empty();
            OptionalLong sm = ok(nvml.deviceGetClockInfo(dev, 1, u32), i, "SM clock", problems)
                    ? OptionalLong.of(Integer.toUnsignedLong(u32.get(JAVA_INT, 0))) : OptionalLong.empty();
            OptionalLong mem = ok(nvml.deviceGetClockInfo(dev, 2, u32), i, "memory clock", problems)
                    ? OptionalLong.of(Integer.toUnsignedLong(u32.get(JAVA_INT, 0))) : OptionalLong.empty();
            OptionalDouble fan = ok(nvml.deviceGetFanSpeed(dev, u32), i, "fan", problems)
                    ? OptionalDouble.of(Integer.toUnsignedLong(u32.get(JAVA_INT, 0))) : OptionalDouble.empty();
            OptionalLong reasons = ok(nvml.deviceGetCurrentClocksEventReasons(dev, u64), i, "clock events", problems)
                    ? OptionalLong.of(u64.get(JAVA_LONG, 0)) : OptionalLong.empty();
            OptionalLong cv = ecc(dev, 0, 0, i, problems);
            OptionalLong ca = ecc(dev, 0, 1, i, problems);
            OptionalLong uv = ecc(dev, 1, 0, i, problems);
            OptionalLong ua = ecc(dev, 1, 1, i, problems);

            List<GpuProcess> procs = new ArrayList<>();
            readProcesses(dev, i, GpuProcess.Kind.COMPUTE, procs, problems);
            readProcesses(dev, i, GpuProcess.Kind.GRAPHICS, procs, problems);
            return new GpuReading(i, names[i], uuids[i], false, util, memUtil, memUsed, memTotal, temp, power, limit,
                    sm, mem, fan, reasons, cv, ca, uv, ua, procs);
        } catch (Lost lost) {
            return GpuReading.lost(i, names[i], uuids[i]);
        }
    }

    private OptionalLong ecc(MemorySegment dev, int errorType, int counterType, int gpu, List<String> problems)
            throws NvmlException, Lost {
        return ok(nvml.deviceGetTotalEccErrors(dev, errorType, counterType, u64), gpu, "ECC errors", problems)
                ? OptionalLong.of(u64.get(JAVA_LONG, 0)) : OptionalLong.empty();
    }

    private void readProcesses(MemorySegment dev, int gpu, GpuProcess.Kind kind, List<GpuProcess> out,
                               List<String> problems) throws NvmlException, Lost {
        // The list can grow between the size query and the read: retry with a larger buffer.
        for (int attempt = 0; attempt < 4; attempt++) {
            processCount.set(JAVA_INT, 0, processCapacity);
            int rc = kind == GpuProcess.Kind.COMPUTE
                    ? nvml.deviceGetComputeRunningProcesses(dev, processCount, processes)
                    : nvml.deviceGetGraphicsRunningProcesses(dev, processCount, processes);
            if (rc == NvmlReturn.INSUFFICIENT_SIZE) {
                processCapacity = Math.max(processCapacity * 2, processCount.get(JAVA_INT, 0) * 2);
                processes = scratch.allocate((long) PROCESS_INFO_BYTES * processCapacity, 8);
                continue;
            }
            if (!ok(rc, gpu, kind.name().toLowerCase(java.util.Locale.ROOT) + " processes", problems)) {
                return;
            }
            int n = Math.min(processCount.get(JAVA_INT, 0), processCapacity);
            for (int k = 0; k < n; k++) {
                long base = (long) k * PROCESS_INFO_BYTES;
                int pid = processes.get(JAVA_INT, base);
                long used = processes.get(JAVA_LONG, base + 8);
                // NVML reports NVML_VALUE_NOT_AVAILABLE (all ones) when it cannot say (e.g. WDDM).
                out.add(new GpuProcess(pid, kind, used == -1L ? OptionalLong.empty() : OptionalLong.of(used)));
            }
            return;
        }
        problems.add("GPU " + gpu + " " + kind.name().toLowerCase(java.util.Locale.ROOT)
                + " processes: the list kept growing while it was read");
    }

    /** True on SUCCESS; empty reading on unsupported; throws on lost or fatal codes. */
    private boolean ok(int rc, int gpu, String what, List<String> problems) throws NvmlException, Lost {
        if (rc == NvmlReturn.SUCCESS) {
            return true;
        }
        if (NvmlReturn.isUnsupported(rc)) {
            return false;
        }
        if (NvmlReturn.isLost(rc)) {
            throw new Lost();
        }
        if (NvmlReturn.isFatal(rc)) {
            throw new NvmlException(rc, NvmlException.describe("reading GPU " + gpu + " " + what, rc, nvml.errorString(rc)));
        }
        problems.add("GPU " + gpu + " " + what + ": " + NvmlReturn.name(rc));
        return false;
    }

    @Override
    public void close() {
        try {
            if (initialized) {
                nvml.shutdown();
                initialized = false;
            }
        } finally {
            scratch.close();
            nvml.close();
        }
    }
}
