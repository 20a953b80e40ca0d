package io.vigil.host;

import java.time.Duration;

/** The {@code host:} section of {@code settings.yaml}. */
public record HostSettings(double periodSeconds, double processPeriodSeconds) {

    public HostSettings {
        if (periodSeconds < 0.5) {
            throw new IllegalArgumentException("host.periodSeconds must be at least 0.5, was " + periodSeconds);
        }
        if (processPeriodSeconds < 1) {
            throw new IllegalArgumentException("host.processPeriodSeconds must be at least 1, was " + processPeriodSeconds);
        }
    }

    public Duration period() {
        return Duration.ofMillis((long) (periodSeconds * 1000));
    }

    public Duration processPeriod() {
        return Duration.ofMillis((long) (processPeriodSeconds * 1000));
    }
}
