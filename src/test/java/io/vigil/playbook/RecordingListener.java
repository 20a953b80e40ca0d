package io.vigil.playbook;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** Keeps what a run reports, and opens a latch when a given output line appears. */
final class RecordingListener implements RunListener {

    final List<String> lines = new CopyOnWriteArrayList<>();
    final List<StepResult> steps = new CopyOnWriteArrayList<>();
    final CountDownLatch seen = new CountDownLatch(1);
    private final String awaited;

    RecordingListener(String awaited) {
        this.awaited = awaited;
    }

    @Override
    public void output(int stepIndex, String line) {
        lines.add(line);
        if (awaited != null && line.contains(awaited)) {
            seen.countDown();
        }
    }

    @Override
    public void stepFinished(StepResult result) {
        steps.add(result);
    }
}
