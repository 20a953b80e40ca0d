package io.vigil.playbook;

import java.util.List;
import java.util.Optional;

/**
 * A loaded playbook: its id (file name stem), title, description, typed parameters and steps, where
 * it came from ({@code source}: a resource or a file) and the SHA-256 of that file's bytes, which
 * the audit log records so a later reader can tell which version ran. Immutable.
 */
public record Playbook(String id, String name, String description, List<Parameter> parameters, List<Step> steps,
                       String source, String sha256, boolean builtIn) {

    public Playbook {
        parameters = List.copyOf(parameters);
        steps = List.copyOf(steps);
    }

    /** True when at least one step changes the system (kill, scale to zero, …). */
    public boolean hasDestructiveSteps() {
        return steps.stream().anyMatch(Step::destructive);
    }

    /** A rule may run this playbook automatically only when no step is destructive. */
    public boolean isAutoRunnable() {
        return !hasDestructiveSteps();
    }

    public Optional<Parameter> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
