package io.vigil.telemetry;

import java.time.Duration;

/** The chart windows an analyst can pick. */
public enum TimeWindow {
    FIVE_MINUTES("5 min", Duration.ofMinutes(5)),
    ONE_HOUR("1 h", Duration.ofHours(1)),
    ONE_DAY("24 h", Duration.ofHours(24)),
    SEVEN_DAYS("7 d", Duration.ofDays(7));

    private final String label;
    private final Duration duration;

    TimeWindow(String label, Duration duration) {
        this.label = label;
        this.duration = duration;
    }

    public String label() {
        return label;
    }

    public Duration duration() {
        return duration;
    }
}
