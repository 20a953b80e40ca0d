package io.vigil.ui.playbooks;

import io.vigil.playbook.Durations;
import io.vigil.playbook.StepResult;

/** Short texts for step results, shared by the live run and the history. */
final class RunText {

    private RunText() {
    }

    static String step(StepResult r) {
        return (r.index() + 1) + ". " + r.name() + ": " + r.status()
                + (r.exitCode().isPresent() ? ", exit " + r.exitCode().getAsInt() : "")
                + ", " + Durations.human(r.duration()) + (r.message().isEmpty() ? "" : " (" + r.message() + ")");
    }
}
