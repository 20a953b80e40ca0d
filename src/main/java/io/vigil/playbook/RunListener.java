package io.vigil.playbook;

/**
 * Receives a run's progress. Called on the run's own thread, in order; an implementation that
 * feeds a UI must buffer (the view copies at its refresh cadence) and must not block. Output lines
 * are already redacted and capped. {@link #stepFinished} and {@link #runFinished} are called only after
 * the matching audit entry is committed (commit, then show), so what was shown is never missing from
 * the log after a crash.
 */
public interface RunListener {

    default void stepStarted(PlannedStep step) {
    }

    default void output(int stepIndex, String line) {
    }

    default void stepFinished(StepResult result) {
    }

    default void runFinished(RunResult result) {
    }

    RunListener NONE = new RunListener() {
    };
}
