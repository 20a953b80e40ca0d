package io.vigil.playbook;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** What a built-in action may use while it runs. Used from the run's thread only. */
public interface ActionContext {

    /** Writes a line of output (redacted and capped like program output). */
    void out(String line);

    /** The folder for this run's evidence (created on first use). */
    Path evidenceDir() throws ActionException;

    /** The path checks of the run, for paths an action receives. */
    ParameterBinder paths();

    Clock clock();

    /** True once the user cancelled the run; long actions check it between units of work. */
    boolean cancelled();

    /** The outcome of a program run through {@link #exec}: exit code and redacted output lines. */
    record Exec(int exitCode, List<String> lines) {
    }

    /**
     * Runs a program (argv, no shell) through the runner: looked up on the run's PATH, recorded in
     * the step's audit entry, killed with its children on timeout or cancel. Its output is returned,
     * not shown; call {@link #out} for what the user should see.
     */
    Exec exec(List<String> argv) throws ActionException;
}
