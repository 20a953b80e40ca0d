package io.vigil.inventory;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One entry of the workload catalogue ({@code workloads.yaml}): how to recognise a kind of AI
 * process. {@code executable} is matched against the process name or the base name of its first
 * argument; then {@code commandLine} (searched in the whole command line) or {@code libraries}
 * (searched in the paths of mapped shared libraries) must match, when either is given.
 * {@code service} names the service its listening ports belong to, if any. Immutable.
 */
public record WorkloadRule(String id, String label, Optional<String> service, Pattern executable,
                           Optional<Pattern> commandLine, Optional<Pattern> libraries) {

    public WorkloadRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(executable, "executable");
        label = label == null || label.isBlank() ? id : label;
    }

    /** True when the rule needs the process's loaded libraries to decide (only then are they read). */
    public boolean usesLibraries() {
        return libraries.isPresent();
    }
}
