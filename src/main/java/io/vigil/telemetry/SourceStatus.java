package io.vigil.telemetry;

import java.time.Instant;

/**
 * What the status bar and {@code vigil status} show for one source: its health, when it last
 * answered with a reading (a poll that answered DOWN does not count; null when it never did), and
 * when it will be polled next.
 */
public record SourceStatus(String sourceId, String displayName, SourceHealth health,
                           Instant lastSuccess, Instant nextPoll, int consecutiveFailures) {

    /**
     * DOWN and never read on this machine (no NVIDIA driver, no AWS account): not set up here, an
     * informational state rather than an outage. A source that answered once and then went DOWN is lost.
     */
    public boolean neverPresent() {
        return health.state() == HealthState.DOWN && lastSuccess == null;
    }
}
