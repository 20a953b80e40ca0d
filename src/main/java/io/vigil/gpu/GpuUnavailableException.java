package io.vigil.gpu;

/**
 * No GPU can be read at all (no driver, driver not loaded, NVML uninitialized, nvidia-smi
 * failing). The message is shown to the user as the GPU source's DOWN reason, so it says what to do.
 */
public class GpuUnavailableException extends Exception {

    public GpuUnavailableException(String message) {
        super(message);
    }

    public GpuUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
