package io.vigil.gpu.nvml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Test helper for the fake libnvidia-ml built from {@code src/test/native/fake_nvml.c}: where the
 * libraries are, and switching the fake's faults. The fake reads its switches with C
 * {@code getenv} at {@code nvmlInit}, so this sets them with libc {@code setenv} (Java's own
 * environment map is a read-only copy).
 */
public final class FakeNvml {

    /** The fake with every entry point. */
    public static final Path LIBRARY = Path.of("target", "native", "libnvidia-ml.so.1").toAbsolutePath();
    /** The fake as an older driver: no _v2 count/handle/memory, no _v3 processes, no clock-event reasons. */
    public static final Path OLD_LIBRARY = Path.of("target", "native", "old", "libnvidia-ml.so.1").toAbsolutePath();

    private static final List<String> SWITCHES = List.of("FAKE_NVML_GPU_COUNT", "FAKE_NVML_INIT_FAIL",
            "FAKE_NVML_UNSUPPORTED", "FAKE_NVML_LOST_GPU", "FAKE_NVML_LOST_AFTER", "FAKE_NVML_LOST_FOR",
            "FAKE_NVML_PROCS", "FAKE_NVML_GRAPHICS_PROCS", "FAKE_NVML_PROC_UTIL", "FAKE_NVML_MIG_GPU", "FAKE_NVML_ORDER",
            "FAKE_NVML_NO_PROC_UTIL_INFO");
    private static final MethodHandle SETENV;
    private static final MethodHandle UNSETENV;

    static {
        Linker linker = Linker.nativeLinker();
        SETENV = linker.downcallHandle(linker.defaultLookup().find("setenv").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        UNSETENV = linker.downcallHandle(linker.defaultLookup().find("unsetenv").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    private FakeNvml() {
    }

    /** The fake-only entry points (events), looked up in the same loaded library NVML uses. */
    private static final class Injector {
        static final MethodHandle INJECT_XID;
        static final MethodHandle DRIVER_RESET;

        static {
            Linker linker = Linker.nativeLinker();
            java.lang.foreign.SymbolLookup lib = java.lang.foreign.SymbolLookup.libraryLookup(LIBRARY, Arena.global());
            INJECT_XID = linker.downcallHandle(lib.find("fakeNvmlInjectXid").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, java.lang.foreign.ValueLayout.JAVA_LONG));
            DRIVER_RESET = linker.downcallHandle(lib.find("fakeNvmlDriverReset").orElseThrow(),
                    FunctionDescriptor.ofVoid());
        }
    }

    /** Queues an XID on {@code gpu}, as the driver would on a fault. */
    public static void injectXid(int gpu, long xid) {
        try {
            int rc = (int) Injector.INJECT_XID.invokeExact(gpu, xid);
            if (rc != 0) {
                throw new IllegalStateException("the fake's event queue refused XID " + xid);
            }
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
        }
    }

    /** The driver goes away: every NVML init reference is dropped and waiting threads wake. */
    public static void driverReset() {
        try {
            Injector.DRIVER_RESET.invokeExact();
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
        }
    }

    /**
     * Clears every fault switch, sets {@code switches}, and starts a new epoch so the fake's poll
     * counters restart at the next {@code nvmlInit}.
     */
    public static void configure(Map<String, String> switches) {
        if (!Files.exists(LIBRARY)) {
            throw new IllegalStateException(LIBRARY + " is missing: the build compiles it in generate-test-resources");
        }
        for (String name : SWITCHES) {
            unsetenv(name);
        }
        switches.forEach(FakeNvml::setenv);
        setenv("FAKE_NVML_EPOCH", UUID.randomUUID().toString());
    }

    public static void setenv(String name, String value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocateFrom(name);
            MemorySegment v = arena.allocateFrom(value);
            int rc = (int) SETENV.invokeExact(n, v, 1);
            if (rc != 0) {
                throw new IllegalStateException("setenv " + name + " failed");
            }
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
        }
    }

    public static void unsetenv(String name) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) UNSETENV.invokeExact(arena.allocateFrom(name));
            if (rc != 0) {
                throw new IllegalStateException("unsetenv " + name + " failed");
            }
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
        }
    }
}
