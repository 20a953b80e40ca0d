package io.vigil.gpu;

import java.time.Duration;

/**
 * The {@code gpu:} section of {@code settings.yaml}. {@code nvmlLibrary} is a path or library name
 * (empty: the system's {@code libnvidia-ml.so.1} / {@code nvml.dll}); the environment variable
 * {@code VIGIL_NVML_LIB} sets it too. {@code nvidiaSmi} is the fallback executable (empty: found on
 * the PATH).
 */
public record GpuSettings(String nvmlLibrary, double periodSeconds, String nvidiaSmi) {

    public GpuSettings {
        nvmlLibrary = nvmlLibrary == null ? "" : nvmlLibrary.trim();
        nvidiaSmi = nvidiaSmi == null ? "" : nvidiaSmi.trim();
        if (periodSeconds == 0) {
            periodSeconds = 1;
        }
        if (periodSeconds < 0.2) {
            throw new IllegalArgumentException("gpu.periodSeconds must be at least 0.2, was " + periodSeconds);
        }
    }

    public Duration period() {
        return Duration.ofMillis((long) (periodSeconds * 1000));
    }

    /** The library to load: the setting, or the platform's NVML name. */
    public String nvmlLibraryOrDefault() {
        if (!nvmlLibrary.isEmpty()) {
            return nvmlLibrary;
        }
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows")
                ? "nvml.dll" : "libnvidia-ml.so.1";
    }
}
