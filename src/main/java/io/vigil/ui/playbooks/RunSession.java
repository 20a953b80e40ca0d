package io.vigil.ui.playbooks;

import io.vigil.playbook.PlannedStep;
import io.vigil.playbook.RunHandle;
import io.vigil.playbook.RunListener;
import io.vigil.playbook.RunPlan;
import io.vigil.playbook.RunResult;
import io.vigil.playbook.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One run as the view sees it. The runner's thread appends output lines (already redacted) and step
 * events; the view drains them at its refresh cadence, so a chatty step costs one text append per
 * frame, not one per line. Thread-safe.
 */
final class RunSession implements RunListener {

    final RunPlan plan;
    private final ConcurrentLinkedQueue<String> pending = new ConcurrentLinkedQueue<>();
    private final List<StepResult> finished = new ArrayList<>();
    private volatile int currentStep = -1;
    private volatile RunResult result;
    private volatile RunHandle handle;

    /** True when this run lets a failed evidence capture pass (the analyst's audited override). */
    final boolean evidenceOverridden;

    RunSession(RunPlan plan) {
        this(plan, false);
    }

    RunSession(RunPlan plan, boolean evidenceOverridden) {
        this.plan = plan;
        this.evidenceOverridden = evidenceOverridden;
    }

    void attach(RunHandle h) {
        this.handle = h;
    }

    void cancel() {
        RunHandle h = handle;
        if (h != null) {
            h.cancel();
        }
    }

    @Override
    public void stepStarted(PlannedStep step) {
        currentStep = step.index();
        pending.add("── step " + (step.index() + 1) + "/" + plan.steps().size() + ": " + step.step().name()
                + (step.step().destructive() ? "  [destructive]" : "") + "\n$ " + step.commandLine());
    }

    @Override
    public void output(int stepIndex, String line) {
        pending.add(line);
    }

    @Override
    public void stepFinished(StepResult r) {
        synchronized (finished) {
            finished.add(r);
        }
        pending.add("→ " + RunText.step(r));
    }

    @Override
    public void runFinished(RunResult r) {
        result = r;
    }

    /** Lines since the last call, joined, or an empty string. */
    String drain() {
        StringBuilder sb = new StringBuilder();
        String line;
        int n = 0;
        // Bounded per frame so one frame never stalls on a flood; the rest comes next frame.
        while (n < 5000 && (line = pending.poll()) != null) {
            sb.append(line).append('\n');
            n++;
        }
        return sb.toString();
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    List<StepResult> finishedSteps() {
        synchronized (finished) {
            return List.copyOf(finished);
        }
    }

    int currentStep() {
        return currentStep;
    }

    RunResult result() {
        return result;
    }
}
