package io.vigil.cloud;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the CloudWatch source last knew: the {@code AWS/Billing EstimatedCharges} metric (USD, month
 * to date, as AWS last published it, from us-east-1) and the alarm states, billing alarms first.
 * Immutable.
 *
 * @param asOf               when Vigil last read CloudWatch successfully
 * @param estimatedChargesAt the metric's own timestamp (AWS publishes it a few times a day)
 */
public record BillingSnapshot(Optional<Instant> asOf, OptionalDouble estimatedChargesUsd,
                              Optional<Instant> estimatedChargesAt, List<AlarmState> alarms,
                              Optional<AwsProblem> problem) {

    public BillingSnapshot {
        alarms = List.copyOf(alarms);
    }

    public static BillingSnapshot empty() {
        return new BillingSnapshot(Optional.empty(), OptionalDouble.empty(), Optional.empty(), List.of(),
                Optional.empty());
    }

    BillingSnapshot withProblem(AwsProblem p) {
        return new BillingSnapshot(asOf, estimatedChargesUsd, estimatedChargesAt, alarms, Optional.ofNullable(p));
    }
}
