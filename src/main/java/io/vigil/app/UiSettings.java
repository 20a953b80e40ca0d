package io.vigil.app;

import io.vigil.telemetry.TimeWindow;
import java.util.Locale;

/**
 * The {@code ui:} section of {@code settings.yaml}: the chart window views open with
 * ({@code defaultWindow}: 5m, 1h or 24h), screen refreshes per second ({@code refreshHz}, 1–30),
 * and the view shown first ({@code startView}, empty: the Dashboard). A value.
 */
public record UiSettings(String defaultWindow, Double refreshHz, String startView) {

    /**
     * Screen refreshes a second unless set: the sources read at most once a second, and every frame
     * that changes something costs a repaint and, with software rendering, a copy of the whole
     * window (docs/bench/cpu.md); a faster cadence only showed each sample sooner.
     */
    public static final double DEFAULT_REFRESH_HZ = 1.0;

    public UiSettings {
        defaultWindow = defaultWindow == null || defaultWindow.isBlank() ? "5m" : defaultWindow.strip();
        refreshHz = refreshHz == null ? DEFAULT_REFRESH_HZ : refreshHz;
        startView = startView == null ? "" : startView.strip();
        chartWindow(defaultWindow); // refuses a bad value while the section binds, naming the key
        if (!(refreshHz >= 1 && refreshHz <= 30)) {
            throw new IllegalArgumentException("ui.refreshHz must be between 1 and 30, was " + refreshHz);
        }
    }

    /** The built-in defaults. */
    public static UiSettings defaults() {
        return new UiSettings(null, null, null);
    }

    /** {@code defaultWindow} as a chart window. */
    public TimeWindow chartWindow() {
        return chartWindow(defaultWindow);
    }

    private static TimeWindow chartWindow(String text) {
        return switch (text.toLowerCase(Locale.ROOT).replace(" ", "")) {
            case "5m", "5min" -> TimeWindow.FIVE_MINUTES;
            case "1h" -> TimeWindow.ONE_HOUR;
            case "24h", "1d" -> TimeWindow.ONE_DAY;
            default -> throw new IllegalArgumentException(
                    "ui.defaultWindow must be 5m, 1h or 24h, was '" + text + "'");
        };
    }
}
