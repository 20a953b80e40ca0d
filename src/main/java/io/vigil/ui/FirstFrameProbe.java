package io.vigil.ui;

import java.util.Objects;
import javafx.animation.AnimationTimer;

/**
 * Tells once when the window's first frame has been rendered, for {@code vigil --smoke-test} and
 * the start-up benchmark.
 *
 * <p>Why three pulses: JavaFX draws a frame in the pulse after {@code stage.show()}, on the render
 * thread, and each pulse waits for the previous frame's rendering to finish before it renders its
 * own. So when the third pulse after {@link #start()} begins, the first frame is certainly on the
 * screen. This errs late by up to two pulses (about 33 ms at 60 Hz), never early. An active
 * {@link AnimationTimer} itself asks for pulses, so the count advances even if nothing changes.
 *
 * <p>FX thread only. The callback runs once, on the FX thread.
 */
public final class FirstFrameProbe {

    /** Pulses counted from {@link #start()} until the first frame is known to be rendered. */
    public static final int PULSES = 3;

    private final Runnable onFirstFrame;
    private final AnimationTimer timer;
    private int pulses;

    public FirstFrameProbe(Runnable onFirstFrame) {
        this.onFirstFrame = Objects.requireNonNull(onFirstFrame);
        this.timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                pulse();
            }
        };
    }

    /** Starts counting; call right after {@code stage.show()}. */
    public void start() {
        timer.start();
    }

    private void pulse() {
        pulses++;
        if (pulses == PULSES) {
            timer.stop();
            onFirstFrame.run();
        }
    }

    /** Pulses seen so far (stops growing at {@link #PULSES}), for tests. */
    public int pulses() {
        return pulses;
    }
}
