package io.vigil.gpu;

import java.util.OptionalLong;

/**
 * One MIG instance (MIG device) of a MIG-enabled GPU: its slot, its own UUID ({@code MIG-…}) and
 * its memory slice in bytes (empty when the driver does not say). NVML gives no utilization,
 * temperature, power or per-process samples per instance; those stay on the parent GPU. Immutable.
 */
public record MigInstance(int slot, String uuid, OptionalLong memoryUsedBytes, OptionalLong memoryTotalBytes) {
}
