package io.vigil.playbook;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One step of a playbook: a program with its argv ({@link CommandStep}) or a built-in action
 * ({@link BuiltInStep}). Every step says whether it is destructive, how long it may run
 * ({@code timeout}, empty for the configured default), whether a failure stops the run, and which
 * tools must be on the PATH. Immutable.
 */
public sealed interface Step permits CommandStep, BuiltInStep {

    String name();

    boolean destructive();

    Optional<Duration> timeout();

    boolean continueOnError();

    /** Programs that must be found on the PATH before the run starts. */
    List<String> requires();

    /** When a required tool is missing: skip this step (true) or refuse the whole run (false). */
    boolean skipIfMissing();
}
