package io.vigil.playbook;

/**
 * How a run ended; {@code INTERRUPTED} is a run whose end the audit log never saw (Vigil was killed).
 */
public enum RunStatus {
    RUNNING, SUCCEEDED, FAILED, CANCELLED, INTERRUPTED,
    /** Planned and shown, nothing executed (a scenario replay, or a suggestion from an alert). */
    DRY_RUN,
    /** Shown step by step with simulated output in a scenario replay; nothing executed (ADR 0851). */
    SIMULATED,
    /** Refused before anything ran: bad parameters, an unknown playbook, destructive steps not confirmed. */
    REFUSED
}
