package io.vigil.gpu.nvml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

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
 * library stays loaded until {@link #close()}. Thread-safe as NVML is; {@code close} must not race
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

    private final String library;
    private final Arena arena;
    private final MethodHandle init;
    private final MethodHandle shutdown;
    private final MethodHandle errorString;
    private final MethodHandle driverVersion;
    private final MethodHandle deviceCount;
    private final MethodHandle handleByIndex;
    private final MethodHandle name;
    private final MethodHandle uuid;
    private final MethodHandle utilization;
    private final MethodHandle memoryV2;
    private final MethodHandle memoryV1;
    private final MethodHandle temperatureV;
    private final MethodHandle temperatureLegacy;
    private final MethodHandle powerUsage;
    private final MethodHandle powerLimit;
    private final MethodHandle clockInfo;
    private final MethodHandle fanSpeed;
    private final MethodHandle clockEventReasons;
    private final MethodHandle totalEccErrors;
    private final MethodHandle computeProcesses;
    private final MethodHandle graphicsProcesses;
    private final String initSymbol;
    private final String clockEventSymbol;
    private final String processSymbol;

    private Nvml(String library, Arena arena, SymbolLookup lookup) throws NvmlException {
        this.library = library;
        this.arena = arena;
        Linker linker = Linker.nativeLinker();
        Binder b = new Binder(linker, lookup);
        initSymbol = b.firstPresent("nvmlInit_v2", "nvmlInit");
        init = b.required(RET, "nvmlInit_v2", "nvmlInit");
        shutdown = b.required(RET, "nvmlShutdown");
        errorString = b.optional(FunctionDescriptor.of(ADDRESS, JAVA_INT), "nvmlErrorString");
        driverVersion = b.optional(RET_PI, "nvmlSystemGetDriverVersion");
        deviceCount = b.required(RET_P, "nvmlDeviceGetCount_v2", "nvmlDeviceGetCount");
        handleByIndex = b.required(RET_IP, "nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex");
        name = b.optional(RET_PPI, "nvmlDeviceGetName");
        uuid = b.optional(RET_PPI, "nvmlDeviceGetUUID");
        utilization = b.optional(RET_PP, "nvmlDeviceGetUtilizationRates");
        memoryV2 = b.optional(RET_PP, "nvmlDeviceGetMemoryInfo_v2");
        memoryV1 = b.optional(RET_PP, "nvmlDeviceGetMemoryInfo");
        temperatureV = b.optional(RET_PP, "nvmlDeviceGetTemperatureV");
        temperatureLegacy = b.optional(RET_PIP, "nvmlDeviceGetTemperature");
        powerUsage = b.optional(RET_PP, "nvmlDeviceGetPowerUsage");
        powerLimit = b.optional(RET_PP, "nvmlDeviceGetPowerManagementLimit");
        clockInfo = b.optional(RET_PIP, "nvmlDeviceGetClockInfo");
        fanSpeed = b.optional(RET_PP, "nvmlDeviceGetFanSpeed");
        clockEventSymbol = b.firstPresent("nvmlDeviceGetCurrentClocksEventReasons",
                "nvmlDeviceGetCurrentClocksThrottleReasons");
        clockEventReasons = b.optional(RET_PP, "nvmlDeviceGetCurrentClocksEventReasons",
                "nvmlDeviceGetCurrentClocksThrottleReasons");
        totalEccErrors = b.optional(RET_PIIP, "nvmlDeviceGetTotalEccErrors");
        // _v3 and _v2 take the same 24-byte nvmlProcessInfo_t; the unversioned v1 struct differs, so
        // it is not used.
        processSymbol = b.firstPresent("nvmlDeviceGetComputeRunningProcesses_v3",
                "nvmlDeviceGetComputeRunningProcesses_v2");
        computeProcesses = b.optional(RET_PPP, "nvmlDeviceGetComputeRunningProcesses_v3",
                "nvmlDeviceGetComputeRunningProcesses_v2");
        graphicsProcesses = b.optional(RET_PPP, "nvmlDeviceGetGraphicsRunningProcesses_v3",
                "nvmlDeviceGetGraphicsRunningProcesses_v2");
    }

    /**
     * Loads NVML from {@code library}: a bare name ({@code libnvidia-ml.so.1}) is searched the way
     * the system's dynamic loader does; anything with a path separator is a file.
     *
     * @throws NvmlException LIBRARY_NOT_FOUND ("No NVIDIA driver found: … could not be loaded") or
     *     FUNCTION_NOT_FOUND when a required entry point is missing
     */
    public static Nvml load(String library) throws NvmlException {
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
        try {
            return new Nvml(library, arena, lookup);
        } catch (NvmlException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** What was loaded: the name or path given to {@link #load}. */
    public String library() {
        return library;
    }

    /** The init symbol found ({@code nvmlInit_v2} or the older {@code nvmlInit}). */
    public String initSymbol() {
        return initSymbol;
    }

    /** {@code nvmlDeviceGetCurrentClocksEventReasons}, its older name, or null. */
    public String clockEventSymbol() {
        return clockEventSymbol;
    }

    /** The process-list entry point found ({@code _v3}, {@code _v2}) or null. */
    public String processSymbol() {
        return processSymbol;
    }

    /** Whether the newer {@code nvmlDeviceGetMemoryInfo_v2} is used. */
    public boolean hasMemoryInfoV2() {
        return memoryV2 != null;
    }

    public int init() {
        try {
            return (int) init.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int shutdown() {
        try {
            return (int) shutdown.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** NVML's own text for a return code, or empty. */
    public String errorString(int code) {
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
        return call(driverVersion, buffer, length);
    }

    public int deviceGetCount(MemorySegment countOut) {
        try {
            return (int) deviceCount.invokeExact(countOut);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int deviceGetHandleByIndex(int index, MemorySegment deviceOut) {
        try {
            return (int) handleByIndex.invokeExact(index, deviceOut);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int deviceGetName(MemorySegment device, MemorySegment buffer, int length) {
        return call(name, device, buffer, length);
    }

    public int deviceGetUuid(MemorySegment device, MemorySegment buffer, int length) {
        return call(uuid, device, buffer, length);
    }

    /** {@code nvmlUtilization_t}: gpu@0, memory@4 (u32 percent). */
    public int deviceGetUtilizationRates(MemorySegment device, MemorySegment out) {
        return call(utilization, device, out);
    }

    /**
     * Fills {@code out} (40 bytes) with {@code nvmlMemory_v2_t} when the driver has the {@code _v2}
     * entry point (total@8, used@32), otherwise with {@code nvmlMemory_t} (total@0, used@16); see
     * {@link #hasMemoryInfoV2()}.
     */
    public int deviceGetMemoryInfo(MemorySegment device, MemorySegment out) {
        if (memoryV2 != null) {
            out.set(JAVA_INT, 0, MEMORY_V2_VERSION);
            return call(memoryV2, device, out);
        }
        return call(memoryV1, device, out);
    }

    /** GPU core temperature in °C into {@code out} (12 bytes; the value lands at offset 8). */
    public int deviceGetTemperature(MemorySegment device, MemorySegment out) {
        if (temperatureV != null) {
            out.set(JAVA_INT, 0, TEMPERATURE_VERSION);
            out.set(JAVA_INT, 4, 0); // NVML_TEMPERATURE_GPU
            return call(temperatureV, device, out);
        }
        // The legacy call writes an unsigned int; put it where the versioned struct has it.
        return call(temperatureLegacy, device, 0, out.asSlice(8, 4));
    }

    public int deviceGetPowerUsage(MemorySegment device, MemorySegment milliwattsOut) {
        return call(powerUsage, device, milliwattsOut);
    }

    public int deviceGetPowerManagementLimit(MemorySegment device, MemorySegment milliwattsOut) {
        return call(powerLimit, device, milliwattsOut);
    }

    /** {@code clockType}: 0 graphics, 1 SM, 2 memory, 3 video. */
    public int deviceGetClockInfo(MemorySegment device, int clockType, MemorySegment mhzOut) {
        return call(clockInfo, device, clockType, mhzOut);
    }

    public int deviceGetFanSpeed(MemorySegment device, MemorySegment percentOut) {
        return call(fanSpeed, device, percentOut);
    }

    public int deviceGetCurrentClocksEventReasons(MemorySegment device, MemorySegment maskOut) {
        return call(clockEventReasons, device, maskOut);
    }

    /** {@code errorType} 0 corrected / 1 uncorrected; {@code counterType} 0 volatile / 1 aggregate. */
    public int deviceGetTotalEccErrors(MemorySegment device, int errorType, int counterType, MemorySegment countOut) {
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
        return call(computeProcesses, device, countInOut, infos);
    }

    public int deviceGetGraphicsRunningProcesses(MemorySegment device, MemorySegment countInOut, MemorySegment infos) {
        return call(graphicsProcesses, device, countInOut, infos);
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
        arena.close();
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
