package io.vigil.playbook;

/** A past run as the audit log tells it, for the run history. Immutable. */
public record RunSummary(String runId, String playbookId, String started, String user, RunStatus status,
                         int steps) {
}
