package io.vigil.alerts;

import io.vigil.rules.Severity;
import java.time.Instant;

/**
 * How a value watched by rules should look right now, from least to most urgent: no open alert;
 * only acknowledged or silenced ones ({@code MUTED}: shown apart, not as open); a pending alert or a
 * firing warning ({@code WARNING}, amber); a firing critical alert ({@code CRITICAL}, red).
 * Informational alerts never colour a value.
 */
public enum AlertTone {
    NONE, MUTED, WARNING, CRITICAL;

    /** The tone of one alert at {@code now} (a silence that has ended no longer mutes it). */
    public static AlertTone of(Alert a, Instant now) {
        if (!a.state().open() || a.severity() == Severity.INFO) {
            return NONE;
        }
        if (a.state() == AlertState.ACKNOWLEDGED || a.silenced(now)) {
            return MUTED;
        }
        if (a.state() == AlertState.PENDING || a.severity() == Severity.WARNING) {
            return WARNING;
        }
        return CRITICAL;
    }

    /** The more urgent of the two. */
    public AlertTone max(AlertTone other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    /** Whether this tone stands for alerts someone still has to look at. */
    public boolean open() {
        return this == WARNING || this == CRITICAL;
    }
}
