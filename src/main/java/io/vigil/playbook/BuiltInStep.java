package io.vigil.playbook;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A step done by a built-in action ({@code signal_process}, {@code hash_files}, …) named by
 * {@code action}, with its arguments in {@code with} (templates over the parameters). Immutable.
 */
public record BuiltInStep(String name, String action, Map<String, String> with, boolean destructive,
                          Optional<Duration> timeout, boolean continueOnError, List<String> requires,
                          boolean skipIfMissing) implements Step {

    public BuiltInStep {
        with = Map.copyOf(with);
        requires = List.copyOf(requires);
    }
}
