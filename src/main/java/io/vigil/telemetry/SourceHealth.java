package io.vigil.telemetry;

import java.util.Objects;

/**
 * The health of a source with a reason a person can act on ("NVML library not found", "throttled,
 * retrying in 40 s"). The reason is empty when the state is OK.
 */
public record SourceHealth(HealthState state, String reason) {

    public SourceHealth {
        Objects.requireNonNull(state, "state");
        reason = reason == null ? "" : reason;
    }

    public static SourceHealth ok() {
        return new SourceHealth(HealthState.OK, "");
    }

    public static SourceHealth degraded(String reason) {
        return new SourceHealth(HealthState.DEGRADED, reason);
    }

    public static SourceHealth down(String reason) {
        return new SourceHealth(HealthState.DOWN, reason);
    }

    public static SourceHealth unknown() {
        return new SourceHealth(HealthState.UNKNOWN, "not polled yet");
    }

    @Override
    public String toString() {
        return reason.isEmpty() ? state.name() : state + " (" + reason + ")";
    }
}
