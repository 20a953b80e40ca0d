package io.vigil.cost;

import java.util.List;
import java.util.Optional;

/**
 * The live estimate at one moment: every GPU's cost, their total, and what the estimate rests on
 * (instance type, its price, the electricity price), so a reader can judge it. Immutable.
 *
 * @param epochMillis          when the GPUs were read
 * @param gpus                 per GPU, in index order
 * @param totalUsdPerHour      the sum, USD per hour
 * @param instanceType         the instance type priced; empty when unknown
 * @param instanceTypeNote     where it came from, or why there is none
 * @param price                its price per GPU-hour; empty when the type is unknown or not in the table
 * @param electricityUsdPerKwh the electricity price used
 */
public record LiveCost(long epochMillis, List<GpuCost> gpus, double totalUsdPerHour, String instanceType,
                       String instanceTypeNote, Optional<GpuPrice> price, double electricityUsdPerKwh) {

    public static final LiveCost NONE = new LiveCost(0, List.of(), 0, "", "not estimated yet", Optional.empty(), 0);

    public LiveCost {
        gpus = List.copyOf(gpus);
    }

    /** Whether there is an estimate (at least one GPU read). */
    public boolean present() {
        return !gpus.isEmpty();
    }
}
