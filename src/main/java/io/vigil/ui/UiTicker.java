package io.vigil.ui;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Platform;

/**
 * The fixed UI cadence: a few times a second, asks the visible view to copy the latest snapshot
 * into its controls, on the FX thread. Sources never call into the UI themselves, so a burst of
 * samples costs the UI nothing extra.
 *
 * <p>Why not a {@code Timeline}: a running animation keeps JavaFX pulsing at 60 Hz (every pulse
 * walks the scene graph) even though the frames come 4 times a second; a timer thread that posts
 * the frame with {@code Platform.runLater} lets the toolkit sleep in between, so a window whose
 * data did not change costs next to nothing (docs/bench/cpu.md). A frame is never queued while the
 * previous one has not run, so a busy FX thread is not flooded. {@link #pause}d (the window
 * minimized) it posts nothing.
 *
 * <p>{@link #start}, {@link #stop} and {@link #pause} from any thread; the frame runs on the FX thread.
 */
public final class UiTicker {

    private final long periodNanos;
    private final Runnable onFrame;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile boolean paused;
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> task;

    /** {@code hz}: frames per second. */
    public UiTicker(double hz, Runnable onFrame) {
        if (!(hz > 0)) {
            throw new IllegalArgumentException("hz must be positive, was " + hz);
        }
        this.periodNanos = (long) (1_000_000_000 / hz);
        this.onFrame = onFrame;
    }

    public synchronized void start() {
        if (task != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("ui-ticker").factory());
        task = timer.scheduleAtFixedRate(this::post, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            timer.shutdown();
            task = null;
            timer = null;
        }
    }

    /**
     * While paused no frame is posted (nothing on screen to update); unpausing posts one at once,
     * so the window is current as soon as it is shown again.
     */
    public void pause(boolean pause) {
        boolean was = paused;
        paused = pause;
        if (was && !pause && isRunning()) {
            post();
        }
    }

    public boolean isPaused() {
        return paused;
    }

    /** Whether it is started (and not stopped). */
    public synchronized boolean isRunning() {
        return task != null;
    }

    /** Posts one frame unless paused or one is still queued; the timer calls it (tests too). */
    void post() {
        if (paused || !queued.compareAndSet(false, true)) {
            return;
        }
        Platform.runLater(() -> {
            queued.set(false);
            if (!paused && isRunning()) {
                onFrame.run();
            }
        });
    }
}
