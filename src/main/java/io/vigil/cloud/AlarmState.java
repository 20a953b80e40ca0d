package io.vigil.cloud;

import java.time.Instant;
import java.util.Optional;

/**
 * A CloudWatch metric alarm and its state ({@code OK}, {@code ALARM}, {@code INSUFFICIENT_DATA}).
 * {@code billing} marks alarms on the {@code AWS/Billing} namespace. Immutable.
 */
public record AlarmState(String name, String arn, String state, String reason, Optional<Instant> updatedAt,
                         String namespace, String metricName, String region, boolean billing) {

    public boolean inAlarm() {
        return "ALARM".equals(state);
    }
}
