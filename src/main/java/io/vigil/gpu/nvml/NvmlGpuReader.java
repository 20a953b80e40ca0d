package io.vigil.gpu.nvml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.vigil.gpu.GpuProcess;
import io.vigil.gpu.GpuReader;
import io.vigil.gpu.GpuReading;
import io.vigil.gpu.GpuSnapshot;
import io.vigil.gpu.XidEvent;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads every GPU through NVML. Initializes NVML once and keeps the device handles (unlike a
 * init/shutdown per query); every call's return code becomes a typed result: NOT_SUPPORTED /
 * NO_PERMISSION make that one reading empty ("n/a"), GPU_IS_LOST / RESET_REQUIRED mark the GPU
 * lost, UNINITIALIZED / DRIVER_NOT_LOADED throw {@link NvmlException} so the source goes DOWN and
 * re-opens with backoff. A lost GPU triggers a re-initialization (shutdown, init, fresh handles)
 * with exponential backoff until it answers again.
 *
 * <p>Per-process SM and memory utilization come from {@code nvmlDeviceGetProcessUtilization} (only
 * samples newer than the previous poll's); energy from {@code nvmlDeviceGetTotalEnergyConsumption}.
 * Driver error events (XIDs, ECC) arrive on an {@link NvmlEventWatcher} thread and are handed to
 * the next snapshot.
 *
 * <p>Scratch buffers for out-parameters are allocated once. Not thread-safe: one poll at a time.
 */
public final class NvmlGpuReader implements GpuReader {

    private static final int NAME_BUFFER = 96;
    private static final int UUID_BUFFER = 96;
    private static final int DRIVER_BUFFER = 80;
    private static final int PROCESS_INFO_BYTES = 24;
    private static final long MAX_REINIT_BACKOFF_MS = 60_000;

    /** {@code nvmlProcessUtilizationSample_t}, 32 bytes. */
    static final StructLayout PROCESS_UTILIZATION_SAMPLE = MemoryLayout.structLayout(
            JAVA_INT.withName("pid"),
            MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("timeStamp"),
            JAVA_INT.withName("smUtil"),
            JAVA_INT.withName("memUtil"),
            JAVA_INT.withName("encUtil"),
            JAVA_INT.withName("decUtil")).withName("nvmlProcessUtilizationSample_t");
    private static final VarHandle SAMPLE_PID = sampleField("pid");
    private static final VarHandle SAMPLE_TIME = sampleField("timeStamp");
    private static final VarHandle SAMPLE_SM = sampleField("smUtil");
    private static final VarHandle SAMPLE_MEM = sampleField("memUtil");

    private static VarHandle sampleField(String name) {
        return PROCESS_UTILIZATION_SAMPLE.arrayElementVarHandle(MemoryLayout.PathElement.groupElement(name));
    }

    /**
     * {@code nvmlProcessUtilizationInfo_v1_t}, 40 bytes: the newer per-process sample, with the JPEG
     * and optical-flow engines; the timestamp comes first, and the struct is padded to 8.
     */
    static final StructLayout PROCESS_UTILIZATION_INFO = MemoryLayout.structLayout(
            JAVA_LONG.withName("timeStamp"),
            JAVA_INT.withName("pid"),
            JAVA_INT.withName("smUtil"),
            JAVA_INT.withName("memUtil"),
            JAVA_INT.withName("encUtil"),
            JAVA_INT.withName("decUtil"),
            JAVA_INT.withName("jpgUtil"),
            JAVA_INT.withName("ofaUtil"),
            MemoryLayout.paddingLayout(4)).withName("nvmlProcessUtilizationInfo_v1_t");
    private static final VarHandle INFO_PID = infoField("pid");
    private static final VarHandle INFO_TIME = infoField("timeStamp");
    private static final VarHandle INFO_SM = infoField("smUtil");
    private static final VarHandle INFO_MEM = infoField("memUtil");

    private static VarHandle infoField(String name) {
        return PROCESS_UTILIZATION_INFO.arrayElementVarHandle(MemoryLayout.PathElement.groupElement(name));
    }

    /**
     * {@code nvmlProcessesUtilizationInfo_v1_t}, 24 bytes: the versioned container of
     * {@code nvmlDeviceGetProcessesUtilizationInfo}. The caller sets version, the array's capacity,
     * the last-seen time and the array; NVML writes the count back.
     */
    static final StructLayout PROCESSES_UTILIZATION_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("version"),
            JAVA_INT.withName("processSamplesCount"),
            JAVA_LONG.withName("lastSeenTimeStamp"),
            ADDRESS.withName("procUtilArray")).withName("nvmlProcessesUtilizationInfo_v1_t");
    /** {@code NVML_STRUCT_VERSION(ProcessesUtilizationInfo, 1)}: the size with the version in the top byte. */
    static final int PROCESSES_UTILIZATION_INFO_V1 = (int) PROCESSES_UTILIZATION_INFO.byteSize() | (1 << 24);
    private static final VarHandle PUI_VERSION = puiField("version");
    private static final VarHandle PUI_COUNT = puiField("processSamplesCount");
    private static final VarHandle PUI_LAST_SEEN = puiField("lastSeenTimeStamp");
    private static final VarHandle PUI_ARRAY = puiField("procUtilArray");

    private static VarHandle puiField(String name) {
        return PROCESSES_UTILIZATION_INFO.varHandle(MemoryLayout.PathElement.groupElement(name));
    }

    /** The per-process utilization call a driver answered with. */
    public enum ProcessUtilizationApi {
        /** {@code nvmlDeviceGetProcessesUtilizationInfo} (versioned struct; newer drivers). */
        PROCESSES_UTILIZATION_INFO,
        /** {@code nvmlDeviceGetProcessUtilization} (the older call). */
        PROCESS_UTILIZATION,
        /** Not asked yet, or neither answered. */
        NONE
    }

    private final Nvml nvml;
    private final Clock clock;
    private final ConcurrentLinkedQueue<XidEvent> incoming = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<XidEvent> recentEvents = new ArrayDeque<>();
    /** Event numbers rise across readers, so a re-opened reader's events are never taken for old ones. */
    private static final AtomicLong EVENT_SEQ = new AtomicLong();
    private NvmlEventWatcher watcher;
    private final Arena scratch = Arena.ofShared();
    private MemorySegment samples;
    private int sampleCapacity = 32;
    private final MemorySegment utilInfo = scratch.allocate(PROCESSES_UTILIZATION_INFO);
    private MemorySegment infoSamples;
    private int infoCapacity = 32;
    /** False once the driver refused the newer call (NOT_SUPPORTED, version mismatch): the older one is used. */
    private boolean tryInfoApi = true;
    private volatile ProcessUtilizationApi lastUtilizationApi = ProcessUtilizationApi.NONE;
    private long[] lastSeenMicros = new long[0];
    private final MemorySegment u32 = scratch.allocate(8, 8);
    private final MemorySegment u64 = scratch.allocate(8, 8);
    private final MemorySegment utilization = scratch.allocate(8, 8);
    private final MemorySegment memory = scratch.allocate(40, 8);
    private final MemorySegment temperature = scratch.allocate(12, 8);
    private final MemorySegment deviceOut = scratch.allocate(ADDRESS);
    private final MemorySegment text = scratch.allocate(128, 8);
    private final MemorySegment processCount = scratch.allocate(4, 4);
    private final MemorySegment migPending = scratch.allocate(4, 4);
    private MemorySegment processes;
    private int processCapacity = 32;

    private String driverVersion = "";
    private MemorySegment[] devices = new MemorySegment[0];
    private String[] names = new String[0];
    private String[] uuids = new String[0];
    private boolean initialized;
    private long nextReinitMillis = Long.MAX_VALUE;
    private long reinitBackoffMs = 1000;

    private NvmlGpuReader(Nvml nvml, Clock clock) {
        this.nvml = nvml;
        this.clock = clock;
        this.processes = scratch.allocate((long) PROCESS_INFO_BYTES * processCapacity, 8);
        this.samples = scratch.allocate(PROCESS_UTILIZATION_SAMPLE, sampleCapacity);
        this.infoSamples = scratch.allocate(PROCESS_UTILIZATION_INFO, infoCapacity);
    }

    private volatile boolean perProcessUtilization = true;

    /**
     * Whether polls ask for per-process utilization (on by default). Off, GPU processes carry no SM
     * or memory share: the baseline the poll benchmark compares against (docs/bench/gpu.md).
     */
    public void perProcessUtilization(boolean on) {
        perProcessUtilization = on;
    }

    /** Which per-process utilization call the last poll's samples came from. */
    public ProcessUtilizationApi processUtilizationApi() {
        return lastUtilizationApi;
    }

    /**
     * Loads NVML from {@code library} (a name or a path), initializes it and reads the GPU list.
     *
     * @throws NvmlException with a message a user can act on when the library, an entry point or
     *     the driver is missing
     */
    public static NvmlGpuReader open(String library) throws NvmlException {
        return open(library, Clock.systemUTC(), Duration.ofSeconds(1));
    }

    /**
     * As {@link #open(String)}, stamping events with {@code clock} and bounding each native event
     * wait by {@code eventWait} (how long {@link #close()} may wait for the event thread).
     */
    public static NvmlGpuReader open(String library, Clock clock, Duration eventWait) throws NvmlException {
        Nvml nvml = Nvml.load(library);
        NvmlGpuReader reader = new NvmlGpuReader(nvml, clock);
        try {
            reader.initialize();
            if (nvml.hasEvents()) {
                reader.watcher = new NvmlEventWatcher(nvml, reader.incoming::add, clock, eventWait, EVENT_SEQ);
            }
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

    /** The event thread, or null when the driver has no event API. */
    public NvmlEventWatcher eventWatcher() {
        return watcher;
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
        lastSeenMicros = new long[count];
        names = new String[count];
        uuids = new String[count];
        for (int i = 0; i < count; i++) {
            rc = nvml.deviceGetHandleByIndex(i, deviceOut);
            // A GPU that is lost at start has no handle; it stays listed, as lost, and is retried.
            devices[i] = rc == NvmlReturn.SUCCESS ? deviceOut.get(ADDRESS, 0) : null;
            names[i] = devices[i] != null && nvml.deviceGetName(devices[i], text, NAME_BUFFER) == NvmlReturn.SUCCESS
                    ? text.getString(0) : null;
            uuids[i] = devices[i] != null && nvml.deviceGetUuid(devices[i], text, UUID_BUFFER) == NvmlReturn.SUCCESS
                    ? text.getString(0) : null;
        }
        keepIdentityOfUnreadable(oldNames, oldUuids);
    }

    /**
     * A GPU still lost at a re-initialization cannot say who it is; it keeps the identity of a card
     * that was there before and is not among those that answered. The re-initialization may have
     * renumbered the GPUs, so that card is found by UUID, not by index (ADR 0131): the unreadable
     * slots take the missing UUIDs in their old order; by index only when that is all there is.
     */
    private void keepIdentityOfUnreadable(String[] oldNames, String[] oldUuids) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String u : uuids) {
            if (u != null) {
                seen.add(u);
            }
        }
        List<Integer> missing = new ArrayList<>();
        for (int k = 0; k < oldUuids.length; k++) {
            if (!oldUuids[k].isEmpty() && !seen.contains(oldUuids[k])) {
                missing.add(k);
            }
        }
        int next = 0;
        for (int i = 0; i < uuids.length; i++) {
            if (uuids[i] != null) {
                if (names[i] == null) {
                    names[i] = "GPU " + i;
                }
                continue;
            }
            int from = next < missing.size() ? missing.get(next++) : -1;
            if (from < 0 && i < oldUuids.length && oldUuids[i].isEmpty()) {
                from = i; // no UUIDs to go by: the old index
            }
            uuids[i] = from >= 0 ? oldUuids[from] : "";
            if (names[i] == null) {
                names[i] = from >= 0 && from < oldNames.length ? oldNames[from] : "GPU " + i;
            }
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
        for (XidEvent e; (e = incoming.poll()) != null; ) {
            recentEvents.addLast(e);
            if (recentEvents.size() > GpuSnapshot.MAX_EVENTS) {
                recentEvents.removeFirst();
            }
        }
        List<String> limitations = List.of();
        if (watcher == null) {
            limitations = List.of("XID events: this driver has no NVML event API");
        } else if (watcher.state() == NvmlEventWatcher.State.DOWN) {
            limitations = List.of("XID events: " + watcher.reason());
        }
        return new GpuSnapshot(epochMillis, name(), driverVersion, gpus, problems, List.copyOf(recentEvents),
                limitations);
    }

    private void reinitialize() throws NvmlException {
        reinitBackoffMs = Math.min(reinitBackoffMs * 2, MAX_REINIT_BACKOFF_MS);
        nextReinitMillis = Long.MAX_VALUE;
        // NVML shuts down only when its last init reference goes: the event thread lets go of its
        // own first, or this "re-initialisation" would re-initialise nothing (ADR 0130).
        NvmlEventWatcher w = watcher;
        if (w != null && !w.pause(w.pauseTimeout())) {
            w.resume();
            return; // stuck in a driver call: never shut down under it; the next lost poll retries
        }
        try {
            if (initialized) {
                nvml.shutdown();
                initialized = false;
            }
            initialize();
        } finally {
            if (w != null) {
                w.resume();
            }
        }
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

            OptionalLong energy = ok(nvml.deviceGetTotalEnergyConsumption(dev, u64), i, "energy", problems)
                    ? OptionalLong.of(u64.get(JAVA_LONG, 0)) : OptionalLong.empty();

            List<GpuProcess> procs = new ArrayList<>();
            readProcesses(dev, i, GpuProcess.Kind.COMPUTE, procs, problems);
            readProcesses(dev, i, GpuProcess.Kind.GRAPHICS, procs, problems);
            GpuReading.Mig mig = mig(dev, i, problems);
            // Per-process samples are not given on MIG-enabled GPUs; don't ask.
            if (perProcessUtilization && !procs.isEmpty() && !mig.enabled().orElse(false)) {
                procs = withUtilization(dev, i, procs, problems);
            }
            return new GpuReading(i, names[i], uuids[i], false, util, memUtil, memUsed, memTotal, temp, power, limit,
                    sm, mem, fan, reasons, cv, ca, uv, ua, procs, energy, mig);
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

    /** MIG mode and, when on, each populated instance with its UUID and memory slice. */
    private GpuReading.Mig mig(MemorySegment dev, int gpu, List<String> problems) throws NvmlException, Lost {
        if (!ok(nvml.deviceGetMigMode(dev, u32, migPending), gpu, "MIG mode", problems)) {
            return GpuReading.Mig.UNKNOWN;
        }
        if (u32.get(JAVA_INT, 0) != 1) {
            return new GpuReading.Mig(java.util.Optional.of(false), 0, List.of());
        }
        int max = ok(nvml.deviceGetMaxMigDeviceCount(dev, u32), gpu, "MIG device count", problems)
                ? u32.get(JAVA_INT, 0) : 0;
        List<io.vigil.gpu.MigInstance> instances = new ArrayList<>();
        for (int k = 0; k < max; k++) {
            int rc = nvml.deviceGetMigDeviceHandleByIndex(dev, k, deviceOut);
            if (rc == NvmlReturn.NOT_FOUND || rc == NvmlReturn.INVALID_ARGUMENT) {
                continue; // an empty slot
            }
            if (!ok(rc, gpu, "MIG device " + k, problems)) {
                continue;
            }
            MemorySegment migDev = deviceOut.get(ADDRESS, 0);
            String uuid = nvml.deviceGetUuid(migDev, text, UUID_BUFFER) == NvmlReturn.SUCCESS ? text.getString(0) : "";
            OptionalLong used = OptionalLong.empty();
            OptionalLong total = OptionalLong.empty();
            if (nvml.deviceGetMemoryInfo(migDev, memory) == NvmlReturn.SUCCESS) {
                boolean v2 = nvml.hasMemoryInfoV2();
                total = OptionalLong.of(memory.get(JAVA_LONG, v2 ? 8 : 0));
                used = OptionalLong.of(memory.get(JAVA_LONG, v2 ? 32 : 16));
            }
            instances.add(new io.vigil.gpu.MigInstance(k, uuid, used, total));
        }
        return new GpuReading.Mig(java.util.Optional.of(true), max, instances);
    }

    /**
     * The processes with their SM and memory utilization from the samples newer than the last poll's
     * (the newest sample per pid), through {@code nvmlDeviceGetProcessesUtilizationInfo} where the
     * driver has it and {@code nvmlDeviceGetProcessUtilization} otherwise. No sample (NOT_FOUND: idle
     * since then, or unsupported) leaves them empty. Only asked when the GPU has processes, so an
     * idle GPU costs no extra call.
     */
    private List<GpuProcess> withUtilization(MemorySegment dev, int gpu, List<GpuProcess> procs, List<String> problems)
            throws NvmlException, Lost {
        Map<Integer, long[]> byPid = new HashMap<>();
        boolean got = tryInfoApi && nvml.hasProcessesUtilizationInfo() && samplesFromInfo(dev, gpu, byPid, problems);
        if (!got && !samplesFromLegacy(dev, gpu, byPid, problems)) {
            return procs;
        }
        List<GpuProcess> out = new ArrayList<>(procs.size());
        for (GpuProcess p : procs) {
            long[] s = byPid.get(p.pid());
            out.add(s == null ? p : new GpuProcess(p.pid(), p.kind(), p.usedMemoryBytes(),
                    OptionalDouble.of(Math.min(100, s[1])), OptionalDouble.of(Math.min(100, s[2]))));
        }
        return out;
    }

    /**
     * The newer call. True when it answered (samples in {@code byPid}, or none: NOT_FOUND); false
     * when the older call should be asked instead.
     */
    private boolean samplesFromInfo(MemorySegment dev, int gpu, Map<Integer, long[]> byPid, List<String> problems)
            throws NvmlException, Lost {
        int rc = NvmlReturn.INSUFFICIENT_SIZE;
        for (int attempt = 0; attempt < 4 && rc == NvmlReturn.INSUFFICIENT_SIZE; attempt++) {
            PUI_VERSION.set(utilInfo, 0L, PROCESSES_UTILIZATION_INFO_V1);
            PUI_COUNT.set(utilInfo, 0L, infoCapacity);
            PUI_LAST_SEEN.set(utilInfo, 0L, lastSeenMicros[gpu]);
            PUI_ARRAY.set(utilInfo, 0L, infoSamples);
            rc = nvml.deviceGetProcessesUtilizationInfo(dev, utilInfo);
            if (rc == NvmlReturn.INSUFFICIENT_SIZE) {
                infoCapacity = Math.max(infoCapacity * 2, (int) PUI_COUNT.get(utilInfo, 0L) * 2);
                infoSamples = scratch.allocate(PROCESS_UTILIZATION_INFO, infoCapacity);
            }
        }
        if (rc == NvmlReturn.NOT_SUPPORTED || rc == NvmlReturn.FUNCTION_NOT_FOUND
                || rc == NvmlReturn.ARGUMENT_VERSION_MISMATCH) {
            tryInfoApi = false; // this driver has the symbol but not the call: the older one from now on
            return false;
        }
        lastUtilizationApi = ProcessUtilizationApi.PROCESSES_UTILIZATION_INFO;
        if (rc == NvmlReturn.NOT_FOUND || rc == NvmlReturn.INSUFFICIENT_SIZE
                || !ok(rc, gpu, "process utilization", problems)) {
            return true;
        }
        int n = Math.min((int) PUI_COUNT.get(utilInfo, 0L), infoCapacity);
        long newest = lastSeenMicros[gpu];
        for (int k = 0; k < n; k++) {
            long ts = (long) INFO_TIME.get(infoSamples, 0L, (long) k);
            newest = keepNewest(byPid, (int) INFO_PID.get(infoSamples, 0L, (long) k), ts,
                    (int) INFO_SM.get(infoSamples, 0L, (long) k), (int) INFO_MEM.get(infoSamples, 0L, (long) k), newest);
        }
        lastSeenMicros[gpu] = newest;
        return true;
    }

    /** The older call. False when it gave nothing to use. */
    private boolean samplesFromLegacy(MemorySegment dev, int gpu, Map<Integer, long[]> byPid, List<String> problems)
            throws NvmlException, Lost {
        int rc = NvmlReturn.INSUFFICIENT_SIZE;
        for (int attempt = 0; attempt < 4 && rc == NvmlReturn.INSUFFICIENT_SIZE; attempt++) {
            processCount.set(JAVA_INT, 0, sampleCapacity);
            rc = nvml.deviceGetProcessUtilization(dev, samples, processCount, lastSeenMicros[gpu]);
            if (rc == NvmlReturn.INSUFFICIENT_SIZE) {
                sampleCapacity = Math.max(sampleCapacity * 2, processCount.get(JAVA_INT, 0) * 2);
                samples = scratch.allocate(PROCESS_UTILIZATION_SAMPLE, sampleCapacity);
            }
        }
        if (rc != NvmlReturn.FUNCTION_NOT_FOUND) {
            lastUtilizationApi = ProcessUtilizationApi.PROCESS_UTILIZATION;
        }
        if (rc == NvmlReturn.NOT_FOUND || rc == NvmlReturn.INSUFFICIENT_SIZE
                || !ok(rc, gpu, "process utilization", problems)) {
            return false;
        }
        int n = Math.min(processCount.get(JAVA_INT, 0), sampleCapacity);
        long newest = lastSeenMicros[gpu];
        for (int k = 0; k < n; k++) {
            long ts = (long) SAMPLE_TIME.get(samples, 0L, (long) k);
            newest = keepNewest(byPid, (int) SAMPLE_PID.get(samples, 0L, (long) k), ts,
                    (int) SAMPLE_SM.get(samples, 0L, (long) k), (int) SAMPLE_MEM.get(samples, 0L, (long) k), newest);
        }
        lastSeenMicros[gpu] = newest;
        return true;
    }

    /** Keeps the newest sample per pid as {time, SM %, memory %}; returns the newest time seen. */
    private static long keepNewest(Map<Integer, long[]> byPid, int pid, long ts, int sm, int mem, long newest) {
        long[] cur = byPid.get(pid);
        if (cur == null || Long.compareUnsigned(ts, cur[0]) > 0) {
            byPid.put(pid, new long[] {ts, Integer.toUnsignedLong(sm), Integer.toUnsignedLong(mem)});
        }
        return Long.compareUnsigned(ts, newest) > 0 ? ts : newest;
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
        if (watcher != null && !watcher.stop()) {
            // A wait stuck in the driver: leave the library mapped rather than unmap it under the call.
            return;
        }
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
