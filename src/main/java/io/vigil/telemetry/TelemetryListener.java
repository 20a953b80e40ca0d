package io.vigil.telemetry;

import java.util.List;

/**
 * Receives what sources produce. Called from the scheduler's poll threads: implementations must be
 * thread-safe and quick (hand heavy work to their own executor).
 */
public interface TelemetryListener {

    void onSamples(String sourceId, List<Sample> samples);

    default void onHealth(String sourceId, SourceHealth health) {
    }
}
