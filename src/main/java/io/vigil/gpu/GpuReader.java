package io.vigil.gpu;

/**
 * Reads every GPU of this machine through one mechanism (NVML, nvidia-smi, a recorded scenario).
 * A reader is opened once and read many times; it is not thread-safe, and the GPU source never
 * calls it from two threads at once. Per-GPU trouble (a lost GPU, an unsupported metric) is part of
 * the {@link GpuSnapshot}; only a failure that stops every reading throws.
 */
public interface GpuReader extends AutoCloseable {

    /** {@code nvml}, {@code nvidia-smi}, … */
    String name();

    /** Reads every GPU now; {@code epochMillis} stamps the snapshot. */
    GpuSnapshot read(long epochMillis) throws GpuUnavailableException;

    /** Releases the library or process; reading after close is an error. */
    @Override
    void close();
}
