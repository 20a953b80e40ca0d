package io.vigil.ui.playbooks;

import io.vigil.playbook.Durations;
import io.vigil.playbook.StepResult;
import io.vigil.text.SafeText;

/** Short texts for step results, shared by the live run and the history. */
final class RunText {

    private RunText() {
    }

    static String step(StepResult r) {
        return (r.index() + 1) + ". " + r.name() + ": " + r.status()
                + (r.exitCode().isPresent() ? ", exit " + r.exitCode().getAsInt() : "")
                + ", " + Durations.human(r.duration()) + (r.message().isEmpty() ? "" : " (" + SafeText.of(r.message()) + ")");
    }

    /**
     * A step's output as stored in the audit log, line by line redacted and escaped: the runner stores it so
     * already, and entries written by an older Vigil are shown the same way.
     */
    static String storedOutput(String output) {
        if (output == null || output.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(output.length());
        output.lines().forEach(line -> sb.append(SafeText.of(line)).append('\n'));
        return sb.toString();
    }
}
