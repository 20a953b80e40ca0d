package io.vigil.gpu.nvml;

/**
 * NVML's return codes ({@code nvmlReturn_t}) that the binding tells apart, with what each means for
 * a reading. Codes not listed here are reported by number.
 */
public final class NvmlReturn {

    public static final int SUCCESS = 0;
    public static final int UNINITIALIZED = 1;
    public static final int INVALID_ARGUMENT = 2;
    public static final int NOT_SUPPORTED = 3;
    public static final int NO_PERMISSION = 4;
    public static final int NOT_FOUND = 6;
    public static final int INSUFFICIENT_SIZE = 7;
    public static final int DRIVER_NOT_LOADED = 9;
    public static final int TIMEOUT = 10;
    public static final int LIBRARY_NOT_FOUND = 12;
    public static final int FUNCTION_NOT_FOUND = 13;
    public static final int GPU_IS_LOST = 15;
    public static final int RESET_REQUIRED = 16;
    public static final int LIB_RM_VERSION_MISMATCH = 18;
    public static final int ARGUMENT_VERSION_MISMATCH = 25;
    public static final int UNKNOWN = 999;

    private NvmlReturn() {
    }

    /** The constant's name, e.g. {@code NOT_SUPPORTED}, or {@code code 42}. */
    public static String name(int code) {
        return switch (code) {
            case SUCCESS -> "SUCCESS";
            case UNINITIALIZED -> "UNINITIALIZED";
            case INVALID_ARGUMENT -> "INVALID_ARGUMENT";
            case NOT_SUPPORTED -> "NOT_SUPPORTED";
            case NO_PERMISSION -> "NO_PERMISSION";
            case NOT_FOUND -> "NOT_FOUND";
            case INSUFFICIENT_SIZE -> "INSUFFICIENT_SIZE";
            case DRIVER_NOT_LOADED -> "DRIVER_NOT_LOADED";
            case TIMEOUT -> "TIMEOUT";
            case LIBRARY_NOT_FOUND -> "LIBRARY_NOT_FOUND";
            case FUNCTION_NOT_FOUND -> "FUNCTION_NOT_FOUND";
            case GPU_IS_LOST -> "GPU_IS_LOST";
            case RESET_REQUIRED -> "RESET_REQUIRED";
            case LIB_RM_VERSION_MISMATCH -> "LIB_RM_VERSION_MISMATCH";
            case ARGUMENT_VERSION_MISMATCH -> "ARGUMENT_VERSION_MISMATCH";
            case UNKNOWN -> "UNKNOWN";
            default -> "code " + code;
        };
    }

    /** The reading is simply not available on this GPU or to this user: shown as "n/a". */
    public static boolean isUnsupported(int code) {
        return code == NOT_SUPPORTED || code == NO_PERMISSION || code == FUNCTION_NOT_FOUND;
    }

    /** Nothing can be read until NVML is initialized again (or the driver comes back). */
    public static boolean isFatal(int code) {
        return code == UNINITIALIZED || code == DRIVER_NOT_LOADED || code == LIBRARY_NOT_FOUND
                || code == LIB_RM_VERSION_MISMATCH;
    }

    /** The GPU itself is gone or needs a reset. */
    public static boolean isLost(int code) {
        return code == GPU_IS_LOST || code == RESET_REQUIRED;
    }
}
