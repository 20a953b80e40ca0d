package io.vigil.playbook;

/** How a step ended. */
public enum StepStatus {
    SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, SKIPPED
}
