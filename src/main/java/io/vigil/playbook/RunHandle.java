package io.vigil.playbook;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A run in progress: its id, its result when it ends, and {@link #cancel()}, which stops the
 * current step (killing its process tree) and runs no further steps. Thread-safe; {@code cancel}
 * returns at once and may be called from the FX thread.
 */
public final class RunHandle {

    private final String runId;
    private final CompletableFuture<RunResult> result = new CompletableFuture<>();
    private final Duration killGrace;
    private volatile boolean cancelled;
    private volatile Process current;

    RunHandle(String runId, Duration killGrace) {
        this.runId = runId;
        this.killGrace = killGrace;
    }

    public String runId() {
        return runId;
    }

    public CompletableFuture<RunResult> result() {
        return result;
    }

    public boolean cancelled() {
        return cancelled;
    }

    public void cancel() {
        cancelled = true;
        Process p = current;
        if (p != null) {
            Thread.ofVirtual().name("cancel-" + runId).start(() -> ProcessTree.kill(p.toHandle(), killGrace));
        }
    }

    /** Registers the step's process; returns false (and kills it) when the run was cancelled meanwhile. */
    boolean track(Process p) {
        current = p;
        if (cancelled) {
            ProcessTree.kill(p.toHandle(), killGrace);
            return false;
        }
        return true;
    }

    void untrack() {
        current = null;
    }

    CompletableFuture<RunResult> future() {
        return result;
    }
}
