package io.vigil.gpu;

/**
 * Opens a {@link GpuReader}, or says in its exception's message why it cannot ("No NVIDIA driver
 * found: …"). The GPU source tries its factories in order (NVML first, then nvidia-smi) and retries
 * with backoff while none opens.
 */
@FunctionalInterface
public interface GpuReaderFactory {

    GpuReader open() throws GpuUnavailableException;
}
