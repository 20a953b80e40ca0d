package io.vigil.cloud;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the Cost Explorer source last knew, for the Cloud view and {@code vigil status}. Amounts in
 * USD. Each part carries the time it was read from AWS ("as of"), since the parts are refreshed on
 * different schedules and cached in between. Immutable.
 *
 * @param days            daily costs, oldest first, covering the last 30 days and the month so far
 * @param forecastEomUsd  month-to-date plus AWS's forecast for the rest of the month
 * @param paceRatio       mtd / (budget × elapsed fraction of the month); empty without a budget
 * @param requestsToday   Cost Explorer requests counted today (UTC)
 * @param problem         the last failure, if the last poll had one
 */
public record CostSnapshot(Optional<Instant> costsAsOf, Optional<Instant> forecastAsOf,
                           Optional<Instant> anomaliesAsOf, List<DailyCost> days, double todayUsd, double mtdUsd,
                           OptionalDouble forecastEomUsd, double monthlyBudgetUsd, OptionalDouble paceRatio,
                           List<CostAnomaly> anomalies, int requestsToday, int requestLimit,
                           Optional<AwsProblem> problem) {

    public CostSnapshot {
        days = List.copyOf(days);
        anomalies = List.copyOf(anomalies);
    }

    /** Nothing read yet. */
    public static CostSnapshot empty(double monthlyBudgetUsd, int requestLimit) {
        return new CostSnapshot(Optional.empty(), Optional.empty(), Optional.empty(), List.of(), 0, 0,
                OptionalDouble.empty(), monthlyBudgetUsd, OptionalDouble.empty(), List.of(), 0, requestLimit,
                Optional.empty());
    }

    public boolean hasData() {
        return costsAsOf.isPresent();
    }

    /** What today's requests cost, USD. */
    public double requestCostTodayUsd() {
        return requestsToday * RequestBudget.USD_PER_REQUEST;
    }

    CostSnapshot withProblem(AwsProblem p, int requests) {
        return new CostSnapshot(costsAsOf, forecastAsOf, anomaliesAsOf, days, todayUsd, mtdUsd, forecastEomUsd,
                monthlyBudgetUsd, paceRatio, anomalies, requests, requestLimit, Optional.ofNullable(p));
    }
}
