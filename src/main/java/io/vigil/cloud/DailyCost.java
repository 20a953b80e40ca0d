package io.vigil.cloud;

import java.time.LocalDate;
import java.util.Map;

/**
 * The unblended cost of one UTC day by AWS service, in USD. {@code estimated} is AWS's own flag:
 * the figures of the last day or two still change. Immutable.
 */
public record DailyCost(LocalDate day, Map<String, Double> byService, boolean estimated) {

    public DailyCost {
        byService = Map.copyOf(byService);
    }

    /** Sum over all services, USD. */
    public double total() {
        double sum = 0;
        for (double v : byService.values()) {
            sum += v;
        }
        return sum;
    }
}
