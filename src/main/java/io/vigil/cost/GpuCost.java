package io.vigil.cost;

/**
 * One GPU's estimated cost at one moment. Immutable.
 *
 * @param index            the GPU's index as the driver numbers it now
 * @param uuid             the GPU's UUID (empty when the reader gives none)
 * @param usdPerHour       {@code gpuHourUsd + energyUsdPerHour}
 * @param gpuHourUsd       its share of the instance price, USD per hour (0 when no price is known)
 * @param energyUsdPerHour its power at the electricity price, USD per hour
 * @param watts            the power used for it; 0 when {@code powerFrom} is NONE
 * @param powerFrom        where the power came from
 */
public record GpuCost(int index, String uuid, double usdPerHour, double gpuHourUsd, double energyUsdPerHour,
                      double watts, PowerSource powerFrom) {

    /** Where a GPU's power figure came from. */
    public enum PowerSource {
        /** The driver's energy counter: joules used between two readings over the time between them (the average). */
        ENERGY_COUNTER,
        /** The driver's instantaneous power reading (no counter, or the counter went back: driver reloaded). */
        POWER_READING,
        /** Neither: the energy part is 0. */
        NONE
    }
}
