package io.vigil.gpu.nvml;

import io.vigil.gpu.GpuUnavailableException;

/**
 * NVML cannot be used: the library is missing, a required entry point is missing, or a call that
 * everything depends on (init, device count) failed. {@link #code()} is the NVML return code (12
 * LIBRARY_NOT_FOUND and 13 FUNCTION_NOT_FOUND are reported by the binding itself); the message says
 * what a user can do.
 */
public final class NvmlException extends GpuUnavailableException {

    private final int code;

    public NvmlException(int code, String message) {
        super(message);
        this.code = code;
    }

    public NvmlException(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The message for a failed call: what failed, NVML's code and its text, and what to do. */
    static String describe(String function, int code, String nvmlText) {
        String advice = switch (code) {
            case NvmlReturn.DRIVER_NOT_LOADED -> "; the NVIDIA kernel driver is not running (check nvidia-smi, dmesg)";
            case NvmlReturn.NO_PERMISSION -> "; the user may not access the GPU devices (/dev/nvidia*)";
            case NvmlReturn.LIB_RM_VERSION_MISMATCH -> "; the driver was updated: reboot or reload the nvidia module";
            case NvmlReturn.UNINITIALIZED -> "; NVML was shut down, re-initializing";
            default -> "";
        };
        return "NVML " + function + " failed: " + NvmlReturn.name(code)
                + (nvmlText == null || nvmlText.isBlank() ? "" : " (" + nvmlText + ")") + advice;
    }
}
