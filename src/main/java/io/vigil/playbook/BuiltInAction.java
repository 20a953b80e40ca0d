package io.vigil.playbook;

import java.util.Map;
import java.util.Set;

/**
 * A built-in step action ({@code signal_process}, {@code hash_files}, …), looked up by
 * {@link #name()} in the {@link ActionRegistry}. It gets its rendered arguments and a context to
 * write output to and to run programs through the runner (same PATH, timeout and process-tree kill).
 * Implementations must be thread-safe: runs may overlap.
 */
public interface BuiltInAction {

    String name();

    /** Programs this action runs, checked on the PATH before the run starts (like {@code requires:}). */
    default Set<String> requiredTools() {
        return Set.of();
    }

    /** Does the work; returns the exit code (0 is success). Throws {@link ActionException} with a user message. */
    int run(Map<String, String> args, ActionContext context) throws ActionException;
}
