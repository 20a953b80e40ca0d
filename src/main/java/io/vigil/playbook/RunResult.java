package io.vigil.playbook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** How a run ended, with every step's result. Immutable. */
public record RunResult(String runId, String playbookId, RunStatus status, Instant started, Duration duration,
                        List<StepResult> steps, String message) {

    public RunResult {
        steps = List.copyOf(steps);
    }
}
