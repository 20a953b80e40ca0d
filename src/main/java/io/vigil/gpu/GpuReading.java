package io.vigil.gpu;

import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One reading of one GPU. Every measurement is optional: empty means the GPU or driver does not
 * support it or we may not read it ("n/a"), never a magic number. A {@code lost} GPU (fallen off
 * the bus, NVML's GPU_IS_LOST) has no readings at all. Units are in the names: percent, bytes,
 * degrees Celsius, watts, MHz. {@code clockEventReasons} is NVML's bitmask (see
 * {@link ClockEventReasons}). {@code energyMillijoules} is the driver's running total since it
 * loaded (a counter; Volta and newer). Immutable.
 */
public record GpuReading(
        int index,
        String name,
        String uuid,
        boolean lost,
        OptionalDouble utilizationPercent,
        OptionalDouble memoryUtilizationPercent,
        OptionalLong memoryUsedBytes,
        OptionalLong memoryTotalBytes,
        OptionalDouble temperatureC,
        OptionalDouble powerWatts,
        OptionalDouble powerLimitWatts,
        OptionalLong smClockMhz,
        OptionalLong memoryClockMhz,
        OptionalDouble fanPercent,
        OptionalLong clockEventReasons,
        OptionalLong eccCorrectedVolatile,
        OptionalLong eccCorrectedAggregate,
        OptionalLong eccUncorrectedVolatile,
        OptionalLong eccUncorrectedAggregate,
        List<GpuProcess> processes,
        OptionalLong energyMillijoules) {

    public GpuReading {
        processes = List.copyOf(processes);
    }

    /** A reading without an energy counter (readers that cannot give one). */
    public GpuReading(int index, String name, String uuid, boolean lost, OptionalDouble utilizationPercent,
                      OptionalDouble memoryUtilizationPercent, OptionalLong memoryUsedBytes,
                      OptionalLong memoryTotalBytes, OptionalDouble temperatureC, OptionalDouble powerWatts,
                      OptionalDouble powerLimitWatts, OptionalLong smClockMhz, OptionalLong memoryClockMhz,
                      OptionalDouble fanPercent, OptionalLong clockEventReasons, OptionalLong eccCorrectedVolatile,
                      OptionalLong eccCorrectedAggregate, OptionalLong eccUncorrectedVolatile,
                      OptionalLong eccUncorrectedAggregate, List<GpuProcess> processes) {
        this(index, name, uuid, lost, utilizationPercent, memoryUtilizationPercent, memoryUsedBytes, memoryTotalBytes,
                temperatureC, powerWatts, powerLimitWatts, smClockMhz, memoryClockMhz, fanPercent, clockEventReasons,
                eccCorrectedVolatile, eccCorrectedAggregate, eccUncorrectedVolatile, eccUncorrectedAggregate, processes,
                OptionalLong.empty());
    }

    /** A GPU that answered GPU_IS_LOST: identity only, no readings. */
    public static GpuReading lost(int index, String name, String uuid) {
        OptionalDouble d = OptionalDouble.empty();
        OptionalLong l = OptionalLong.empty();
        return new GpuReading(index, name, uuid, true, d, d, l, l, d, d, d, l, l, d, l, l, l, l, l, List.of());
    }
}
