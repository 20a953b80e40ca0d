package io.vigil.cloud;

import io.vigil.telemetry.Source;

/**
 * The two cloud sources as the Cloud view sees them, whichever they are (AWS or a scenario replay).
 * {@code cost} and {@code billing} are also the scheduler's sources ({@link #costSource()},
 * {@link #billingSource()}), so "Retry now" can cut their backoff short. Immutable.
 */
public record CloudReadings(CostReadings cost, BillingReadings billing) {

    /** The cost readings as a telemetry source, when they are one. */
    public Source costSource() {
        return (Source) cost;
    }

    /** The billing readings as a telemetry source, when they are one. */
    public Source billingSource() {
        return (Source) billing;
    }
}
