package io.vigil.playbook;

import java.util.List;

/**
 * What a step would print and how it would end, without running anything: a scenario replay's
 * stand-in for the host (ADR 0851). Implementations never start a process, signal one or touch a
 * file. Thread-safe.
 */
public interface StepSimulator {

    /** The simulated output of {@code step} of {@code plan}, as if it ran now. */
    SimulatedStep simulate(RunPlan plan, PlannedStep step);

    /**
     * @param action   one line saying what the step would do on a real host
     * @param lines    a plausible output (scenario data, not this machine's)
     * @param exitCode the exit code it would end with
     */
    record SimulatedStep(String action, List<String> lines, int exitCode) {
        public SimulatedStep {
            lines = List.copyOf(lines);
        }
    }
}
