package io.vigil.telemetry;

import java.time.Instant;

/**
 * What the status bar and {@code vigil status} show for one source: its health, when it last
 * answered, and when it will be polled next.
 */
public record SourceStatus(String sourceId, String displayName, SourceHealth health,
                           Instant lastSuccess, Instant nextPoll, int consecutiveFailures) {
}
