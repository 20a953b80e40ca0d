package io.vigil.gpu.nvml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The FFM downcalls into NVML ({@code libnvidia-ml.so.1} / {@code nvml.dll}) that Vigil uses. Loads
 * the library, looks up each entry point once (the versioned one first, {@code _v3}/{@code _v2},
 * falling back to the older name when the driver lacks it) and exposes one Java method per NVML
 * function returning the raw {@code nvmlReturn_t}. Pointers are {@link MemorySegment}s allocated by
 * the caller. Entry points a driver lacks entirely are {@code null} handles and their methods
 * return {@link NvmlReturn#FUNCTION_NOT_FOUND}.
 *
 * <p>Does not call {@code nvmlInit}: {@link NvmlGpuReader} owns the init/shutdown lifecycle. The
 * first library loaded in a process is bound into constant handles and stays loaded for the life
 * of the process (see {@code Primary}); any other stays loaded until {@link #close()}. Thread-safe as NVML is; {@code close} must not race
 * with calls.
 */
public final class Nvml implements AutoCloseable {

    /** {@code nvmlMemory_v2_t} version: struct size 40 | (2 &lt;&lt; 24). */
    static final int MEMORY_V2_VERSION = 40 | (2 << 24);
    /** {@code nvmlTemperature_t} version: struct size 12 | (1 &lt;&lt; 24). */
    static final int TEMPERATURE_VERSION = 12 | (1 << 24);

    private static final FunctionDescriptor RET = FunctionDescriptor.of(JAVA_INT);
    private static final FunctionDescriptor RET_P = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final FunctionDescriptor RET_PI = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor RET_IP = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS);
    private static final FunctionDescriptor RET_PP = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    private static final FunctionDescriptor RET_PPI = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor RET_PIP = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
    private static final FunctionDescriptor RET_PPP = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final FunctionDescriptor RET_PIIP = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);

    private static final FunctionDescriptor RET_PL = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG);
    private static final FunctionDescriptor RET_PLP = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS);
    private static final FunctionDescriptor RET_PPPL = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG);

    /** Guards the one-time binding of {@link Primary}. */
    private static final Object PRIMARY_LOCK = new Object();
    /** The handles {@link Primary} takes when its class is initialised; set once, under the lock. */
    private static Handles pendingPrimary;
    /** The library {@link Primary} is bound to, or null before the first successful load. */
    private static String primaryLibrary;

    private final String library;
    private final Arena arena;
    /** True when this instance is the process's first library, whose handles sit in {@link Primary}. */
    private final boolean primary;
    /** This instance's handles: the same as {@link Primary#H} when {@link #primary}. */
    private final Handles own;

    private Nvml(String library, Arena arena, Handles handles, boolean primary) {
        this.library = library;
        this.arena = arena;
        this.own = handles;
        this.primary = primary;
    }

    /**
     * The handles of the first library loaded in this process, in a {@code static final} field of a
     * class initialised once that library is known. The JIT treats a static final as a constant and
     * trusts the final fields of a record, so a downcall through {@code Primary.H} folds to a direct
     * call of the downcall stub; a handle read from an instance field cannot (about 20x the C cost,
     * see docs/bench/gpu.md). The library path is therefore fixed per process after the first
     * successful load: it is never unloaded, and any other library loaded later (the tests' old-driver
     * fake) works through per-instance handles, correctly but slower.
     */
    private static final class Primary {
        static final Handles H;

        static {
            synchronized (PRIMARY_LOCK) {
                H = pendingPrimary;
            }
        }

        private Primary() {
        }
    }

    /** The handles in use: a constant for the JIT on the primary library. */
    private Handles h() {
        return primary ? Primary.H : own;
    }

    /** Every entry point of one loaded library; absent ones are null. A record so the JIT trusts its fields. */
    private record Handles(String initSymbol, String clockEventSymbol, String processSymbol,
                           MethodHandle init, MethodHandle shutdown, MethodHandle errorString,
                           MethodHandle driverVersion, MethodHandle deviceCount, MethodHandle handleByIndex,
                           MethodHandle name, MethodHandle uuid, MethodHandle utilization, MethodHandle memoryV2,
                           MethodHandle memoryV1, MethodHandle temperatureV, MethodHandle temperatureLegacy,
                           MethodHandle powerUsage, MethodHandle powerLimit, MethodHandle clockInfo,
                           MethodHandle fanSpeed, MethodHandle clockEventReasons, MethodHandle totalEccErrors,
                           MethodHandle computeProcesses, MethodHandle graphicsProcesses,
                           MethodHandle eventSetCreate, MethodHandle registerEvents, MethodHandle eventSetWait,
                           MethodHandle eventSetFree, MethodHandle processUtilization, MethodHandle totalEnergy,
                           MethodHandle migMode, MethodHandle maxMigDeviceCount, MethodHandle migDeviceByIndex,
                           MethodHandle processesUtilizationInfo) {

        static Handles bind(Binder b) throws NvmlException {
            return new Handles(
                    b.firstPresent("nvmlInit_v2", "nvmlInit"),
                    b.firstPresent("nvmlDeviceGetCurrentClocksEventReasons", "nvmlDeviceGetCurrentClocksThrottleReasons"),
                    // _v3 and _v2 take the same 24-byte nvmlProcessInfo_t; the unversioned v1 struct
                    // differs, so it is not used.
                    b.firstPresent("nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetComputeRunningProcesses_v2"),
                    b.required(RET, "nvmlInit_v2", "nvmlInit"),
                    b.required(RET, "nvmlShutdown"),
                    b.optional(FunctionDescriptor.of(ADDRESS, JAVA_INT), "nvmlErrorString"),
                    b.optional(RET_PI, "nvmlSystemGetDriverVersion"),
                    b.required(RET_P, "nvmlDeviceGetCount_v2", "nvmlDeviceGetCount"),
                    b.required(RET_IP, "nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex"),
                    b.optional(RET_PPI, "nvmlDeviceGetName"),
                    b.optional(RET_PPI, "nvmlDeviceGetUUID"),
                    b.optional(RET_PP, "nvmlDeviceGetUtilizationRates"),
                    b.optional(RET_PP, "nvmlDeviceGetMemoryInfo_v2"),
                    b.optional(RET_PP, "nvmlDeviceGetMemoryInfo"),
                    b.optional(RET_PP, "nvmlDeviceGetTemperatureV"),
                    b.optional(RET_PIP, "nvmlDeviceGetTemperature"),
                    b.optional(RET_PP, "nvmlDeviceGetPowerUsage"),
                    b.optional(RET_PP, "nvmlDeviceGetPowerManagementLimit"),
                    b.optional(RET_PIP, "nvmlDeviceGetClockInfo"),
                    b.optional(RET_PP, "nvmlDeviceGetFanSpeed"),
                    b.optional(RET_PP, "nvmlDeviceGetCurrentClocksEventReasons",
                            "nvmlDeviceGetCurrentClocksThrottleReasons"),
                    b.optional(RET_PIIP, "nvmlDeviceGetTotalEccErrors"),
                    b.optional(RET_PPP, "nvmlDeviceGetComputeRunningProcesses_v3",
                            "nvmlDeviceGetComputeRunningProcesses_v2"),
                    b.optional(RET_PPP, "nvmlDeviceGetGraphicsRunningProcesses_v3",
                            "nvmlDeviceGetGraphicsRunningProcesses_v2"),
                    b.optional(RET_P, "nvmlEventSetCreate"),
                    b.optional(RET_PLP, "nvmlDeviceRegisterEvents"),
                    b.optional(RET_PPI, "nvmlEventSetWait_v2", "nvmlEventSetWait"),
                    b.optional(RET_P, "nvmlEventSetFree"),
                    b.optional(RET_PPPL, "nvmlDeviceGetProcessUtilization"),
                    b.optional(RET_PP, "nvmlDeviceGetTotalEnergyConsumption"),
                    b.optional(RET_PPP, "nvmlDeviceGetMigMode"),
                    b.optional(RET_PP, "nvmlDeviceGetMaxMigDeviceCount"),
                    b.optional(RET_PIP, "nvmlDeviceGetMigDeviceHandleByIndex"),
                    b.optional(RET_PP, "nvmlDeviceGetProcessesUtilizationInfo"));
        }
    }

    /**
     * Loads NVML from {@code library}: a bare name ({@code libnvidia-ml.so.1}) is searched the way
     * the system's dynamic loader does; anything with a path separator is a file.
     *
     * @throws NvmlException LIBRARY_NOT_FOUND ("No NVIDIA driver found: … could not be loaded") or
     *     FUNCTION_NOT_FOUND when a required entry point is missing
     */
    public static Nvml load(String library) throws NvmlException {
        synchronized (PRIMARY_LOCK) {
            if (library.equals(primaryLibrary)) {
                // Same library again (a re-open after a failure): reuse the constant handles.
                return new Nvml(library, Arena.global(), Primary.H, true);
            }
        }
        Arena arena = Arena.ofShared();
        SymbolLookup lookup;
        try {
            boolean isPath = library.contains("/") || library.contains(java.io.File.separator);
            lookup = isPath ? SymbolLookup.libraryLookup(Path.of(library), arena)
                    : SymbolLookup.libraryLookup(library, arena);
        } catch (IllegalArgumentException e) {
            arena.close();
            throw new NvmlException(NvmlReturn.LIBRARY_NOT_FOUND,
                    "No NVIDIA driver found: " + library + " could not be loaded", e);
        }
        Handles handles;
        try {
            handles = Handles.bind(new Binder(Linker.nativeLinker(), lookup));
        } catch (NvmlException | RuntimeException e) {
            arena.close();
            throw e;
        }
        synchronized (PRIMARY_LOCK) {
            if (primaryLibrary == null) {
                // The first library that binds becomes the process's primary one, for good: its arena is
                // never closed, since the constant handles in Primary point into it.
                primaryLibrary = library;
                pendingPrimary = handles;
                return new Nvml(library, arena, handles, true);
            }
        }
        return new Nvml(library, arena, handles, false);
    }

    /** What was loaded: the name or path given to {@link #load}. */
    public String library() {
        return library;
    }

    /** The init symbol found ({@code nvmlInit_v2} or the older {@code nvmlInit}). */
    public String initSymbol() {
        return own.initSymbol();
    }

    /** {@code nvmlDeviceGetCurrentClocksEventReasons}, its older name, or null. */
    public String clockEventSymbol() {
        return own.clockEventSymbol();
    }

    /** The process-list entry point found ({@code _v3}, {@code _v2}) or null. */
    public String processSymbol() {
        return own.processSymbol();
    }

    /** Whether the newer {@code nvmlDeviceGetMemoryInfo_v2} is used. */
    public boolean hasMemoryInfoV2() {
        return own.memoryV2() != null;
    }

    public int init() {
        try {
            return (int) h().init().invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int shutdown() {
        try {
            return (int) h().shutdown().invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** NVML's own text for a return code, or empty. */
    public String errorString(int code) {
        MethodHandle errorString = h().errorString();
        if (errorString == null) {
            return "";
        }
        try {
            MemorySegment p = (MemorySegment) errorString.invokeExact(code);
            return p.equals(MemorySegment.NULL) ? "" : p.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int systemGetDriverVersion(MemorySegment buffer, int length) {
        return call(h().driverVersion(), buffer, length);
    }

    public int deviceGetCount(MemorySegment countOut) {
        try {
            return (int) h().deviceCount().invokeExact(countOut);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int deviceGetHandleByIndex(int index, MemorySegment deviceOut) {
        try {
            return (int) h().handleByIndex().invokeExact(index, deviceOut);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int deviceGetName(MemorySegment device, MemorySegment buffer, int length) {
        return call(h().name(), device, buffer, length);
    }

    public int deviceGetUuid(MemorySegment device, MemorySegment buffer, int length) {
        return call(h().uuid(), device, buffer, length);
    }

    /** {@code nvmlUtilization_t}: gpu@0, memory@4 (u32 percent). */
    public int deviceGetUtilizationRates(MemorySegment device, MemorySegment out) {
        return call(h().utilization(), device, out);
    }

    /**
     * Fills {@code out} (40 bytes) with {@code nvmlMemory_v2_t} when the driver has the {@code _v2}
     * entry point (total@8, used@32), otherwise with {@code nvmlMemory_t} (total@0, used@16); see
     * {@link #hasMemoryInfoV2()}.
     */
    public int deviceGetMemoryInfo(MemorySegment device, MemorySegment out) {
        Handles h = h();
        if (h.memoryV2() != null) {
            out.set(JAVA_INT, 0, MEMORY_V2_VERSION);
            return call(h.memoryV2(), device, out);
        }
        return call(h().memoryV1(), device, out);
    }

    /** GPU core temperature in °C into {@code out} (12 bytes; the value lands at offset 8). */
    public int deviceGetTemperature(MemorySegment device, MemorySegment out) {
        Handles h = h();
        if (h.temperatureV() != null) {
            out.set(JAVA_INT, 0, TEMPERATURE_VERSION);
            out.set(JAVA_INT, 4, 0); // NVML_TEMPERATURE_GPU
            return call(h.temperatureV(), device, out);
        }
        // The legacy call writes an unsigned int; put it where the versioned struct has it.
        return call(h().temperatureLegacy(), device, 0, out.asSlice(8, 4));
    }

    public int deviceGetPowerUsage(MemorySegment device, MemorySegment milliwattsOut) {
        return call(h().powerUsage(), device, milliwattsOut);
    }

    public int deviceGetPowerManagementLimit(MemorySegment device, MemorySegment milliwattsOut) {
        return call(h().powerLimit(), device, milliwattsOut);
    }

    /** {@code clockType}: 0 graphics, 1 SM, 2 memory, 3 video. */
    public int deviceGetClockInfo(MemorySegment device, int clockType, MemorySegment mhzOut) {
        return call(h().clockInfo(), device, clockType, mhzOut);
    }

    public int deviceGetFanSpeed(MemorySegment device, MemorySegment percentOut) {
        return call(h().fanSpeed(), device, percentOut);
    }

    public int deviceGetCurrentClocksEventReasons(MemorySegment device, MemorySegment maskOut) {
        return call(h().clockEventReasons(), device, maskOut);
    }

    /** {@code errorType} 0 corrected / 1 uncorrected; {@code counterType} 0 volatile / 1 aggregate. */
    public int deviceGetTotalEccErrors(MemorySegment device, int errorType, int counterType, MemorySegment countOut) {
        MethodHandle totalEccErrors = h().totalEccErrors();
        if (totalEccErrors == null) {
            return NvmlReturn.FUNCTION_NOT_FOUND;
        }
        try {
            return (int) totalEccErrors.invokeExact(device, errorType, counterType, countOut);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code infos}: an array of 24-byte {@code nvmlProcessInfo_t}; {@code countInOut} u32. */
    public int deviceGetComputeRunningProcesses(MemorySegment device, MemorySegment countInOut, MemorySegment infos) {
        return call(h().computeProcesses(), device, countInOut, infos);
    }

    public int deviceGetGraphicsRunningProcesses(MemorySegment device, MemorySegment countInOut, MemorySegment infos) {
        return call(h().graphicsProcesses(), device, countInOut, infos);
    }

    /** Whether the driver has the event API ({@code nvmlEventSetCreate} and friends). */
    public boolean hasEvents() {
        Handles h = h();
        return h.eventSetCreate() != null && h.registerEvents() != null && h.eventSetWait() != null;
    }

    /** {@code nvmlEventSetCreate(nvmlEventSet_t*)}: the new set's handle lands in {@code setOut}. */
    public int eventSetCreate(MemorySegment setOut) {
        MethodHandle m = h().eventSetCreate();
        if (m == null) {
            return NvmlReturn.FUNCTION_NOT_FOUND;
        }
        try {
            return (int) m.invokeExact(setOut);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code nvmlDeviceRegisterEvents(dev, unsigned long long eventTypes, set)}. */
    public int deviceRegisterEvents(MemorySegment device, long eventTypes, MemorySegment set) {
        MethodHandle m = h().registerEvents();
        if (m == null) {
            return NvmlReturn.FUNCTION_NOT_FOUND;
        }
        try {
            return (int) m.invokeExact(device, eventTypes, set);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code nvmlEventSetWait_v2(set, nvmlEventData_t*, unsigned int timeoutms)}: blocks the calling
     * (platform) thread up to {@code timeoutMs}; TIMEOUT when nothing came.
     */
    public int eventSetWait(MemorySegment set, MemorySegment data, int timeoutMs) {
        return call(h().eventSetWait(), set, data, timeoutMs);
    }

    /** {@code nvmlEventSetFree(set)}. */
    public int eventSetFree(MemorySegment set) {
        MethodHandle m = h().eventSetFree();
        if (m == null) {
            return NvmlReturn.FUNCTION_NOT_FOUND;
        }
        try {
            return (int) m.invokeExact(set);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code nvmlDeviceGetProcessUtilization(dev, nvmlProcessUtilizationSample_t*, unsigned int* count,
     * unsigned long long lastSeenTimeStamp)}: samples newer than {@code lastSeenMicros}.
     */
    public int deviceGetProcessUtilization(MemorySegment device, MemorySegment samples, MemorySegment countInOut,
                                           long lastSeenMicros) {
        MethodHandle m = h().processUtilization();
        if (m == null) {
            return NvmlReturn.FUNCTION_NOT_FOUND;
        }
        try {
            return (int) m.invokeExact(device, samples, countInOut, lastSeenMicros);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Whether the driver has {@code nvmlDeviceGetProcessesUtilizationInfo} (drivers from 550 on). */
    public boolean hasProcessesUtilizationInfo() {
        return h().processesUtilizationInfo() != null;
    }

    /**
     * {@code nvmlDeviceGetProcessesUtilizationInfo(dev, nvmlProcessesUtilizationInfo_t*)}: {@code info}
     * is a {@link NvmlGpuReader#PROCESSES_UTILIZATION_INFO} whose version, capacity, last-seen time and
     * array pointer the caller sets; NVML writes the count back.
     */
    public int deviceGetProcessesUtilizationInfo(MemorySegment device, MemorySegment info) {
        return call(h().processesUtilizationInfo(), device, info);
    }

    /** {@code nvmlDeviceGetTotalEnergyConsumption(dev, unsigned long long* mJ)}: millijoules since the driver loaded. */
    public int deviceGetTotalEnergyConsumption(MemorySegment device, MemorySegment millijoulesOut) {
        return call(h().totalEnergy(), device, millijoulesOut);
    }

    /** {@code nvmlDeviceGetMigMode(dev, unsigned int* current, unsigned int* pending)}; 1 enabled. */
    public int deviceGetMigMode(MemorySegment device, MemorySegment currentOut, MemorySegment pendingOut) {
        return call(h().migMode(), device, currentOut, pendingOut);
    }

    /** {@code nvmlDeviceGetMaxMigDeviceCount(dev, unsigned int*)}. */
    public int deviceGetMaxMigDeviceCount(MemorySegment device, MemorySegment countOut) {
        return call(h().maxMigDeviceCount(), device, countOut);
    }

    /** {@code nvmlDeviceGetMigDeviceHandleByIndex(dev, unsigned int index, nvmlDevice_t*)}. */
    public int deviceGetMigDeviceHandleByIndex(MemorySegment device, int index, MemorySegment migOut) {
        return call(h().migDeviceByIndex(), device, index, migOut);
    }

    private static int call(MethodHandle h, MemorySegment a, MemorySegment b) {
        if (h == null) {
            return NvmlReturn.FUNCTION_NOT_FOUND;
        }
        try {
            return (int) h.invokeExact(a, b);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int call(MethodHandle h, MemorySegment a, int b) {
        if (h == null) {
            return NvmlReturn.FUNCTION_NOT_FOUND;
        }
        try {
            return (int) h.invokeExact(a, b);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int call(MethodHandle h, MemorySegment a, MemorySegment b, int c) {
        if (h == null) {
            return NvmlReturn.FUNCTION_NOT_FOUND;
        }
        try {
            return (int) h.invokeExact(a, b, c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int call(MethodHandle h, MemorySegment a, int b, MemorySegment c) {
        if (h == null) {
            return NvmlReturn.FUNCTION_NOT_FOUND;
        }
        try {
            return (int) h.invokeExact(a, b, c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int call(MethodHandle h, MemorySegment a, MemorySegment b, MemorySegment c) {
        if (h == null) {
            return NvmlReturn.FUNCTION_NOT_FOUND;
        }
        try {
            return (int) h.invokeExact(a, b, c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        // Downcalls declare no checked exceptions; anything else is a binding bug.
        throw new IllegalStateException("NVML downcall failed", t);
    }

    /** Unloads the library. Call {@code shutdown()} first, and only when no call is running. */
    @Override
    public void close() {
        if (!primary) {
            arena.close();
        }
    }

    /** Looks up symbols, preferring the first of several names. */
    private record Binder(Linker linker, SymbolLookup lookup) {

        String firstPresent(String... names) {
            for (String n : names) {
                if (lookup.find(n).isPresent()) {
                    return n;
                }
            }
            return null;
        }

        MethodHandle optional(FunctionDescriptor fd, String... names) {
            for (String n : names) {
                Optional<MemorySegment> sym = lookup.find(n);
                if (sym.isPresent()) {
                    return linker.downcallHandle(sym.get(), fd);
                }
            }
            return null;
        }

        MethodHandle required(FunctionDescriptor fd, String... names) throws NvmlException {
            MethodHandle h = optional(fd, names);
            if (h == null) {
                throw new NvmlException(NvmlReturn.FUNCTION_NOT_FOUND, "The NVIDIA driver's NVML library lacks "
                        + String.join(" and ", names) + "; update the NVIDIA driver");
            }
            return h;
        }
    }
}
