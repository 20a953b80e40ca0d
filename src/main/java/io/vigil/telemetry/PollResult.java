package io.vigil.telemetry;

import java.util.List;

/**
 * What one poll of a source produced: its samples and the health it reports for itself. A source
 * that could read only part of its metrics returns those samples with a DEGRADED health.
 */
public record PollResult(List<Sample> samples, SourceHealth health) {

    public PollResult {
        samples = List.copyOf(samples);
    }

    public static PollResult ok(List<Sample> samples) {
        return new PollResult(samples, SourceHealth.ok());
    }
}
