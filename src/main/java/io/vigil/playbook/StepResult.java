package io.vigil.playbook;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * How one step ended: status, the program's exit code (empty for a skipped step or a built-in that
 * failed before running anything), how long it took, every argv it ran (a built-in may run several
 * programs), its redacted output (capped), the SHA-256 of that output, and a message. Immutable.
 */
public record StepResult(int index, String name, StepStatus status, OptionalInt exitCode, Duration duration,
                         List<List<String>> commands, String output, String outputSha256, boolean truncated,
                         String message) {

    public StepResult {
        commands = commands.stream().map(List::copyOf).toList();
    }
}
