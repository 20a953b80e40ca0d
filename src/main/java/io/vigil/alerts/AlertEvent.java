package io.vigil.alerts;

import java.time.Instant;

/**
 * One entry of an alert's history: a state change ({@code kind} "pending", "firing", "acknowledged",
 * "resolved"), a severity change, a silence or its expiry, or a note. {@code detail} carries the note
 * text, the silence end or the reason.
 */
public record AlertEvent(long alertId, Instant at, String kind, String detail) {
}
