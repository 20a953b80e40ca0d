package io.vigil.cloud;

/**
 * What the Cloud view reads from the CloudWatch source: the billing metric and the alarm states.
 * Implemented by {@link CloudWatchSource} (AWS) and by a scenario replay's CloudWatch source
 * (ADR 0850). Implementations are thread-safe.
 */
public interface BillingReadings {

    /** The newest snapshot; never null. */
    BillingSnapshot latest();

    /** "Retry now" after refused credentials; nothing for a replay. */
    default void requestRetry() {
    }
}
