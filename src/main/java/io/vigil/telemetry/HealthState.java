package io.vigil.telemetry;

/** How well a source is doing, from best to worst. */
public enum HealthState {
    /** Every metric was read. */
    OK,
    /** Some metrics are unsupported or failing; the rest still flow. */
    DEGRADED,
    /** Nothing can be read; the reason says why and what to do. */
    DOWN,
    /** Not polled yet. */
    UNKNOWN
}
