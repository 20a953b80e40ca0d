package io.vigil.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.application.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The UI cadence: frames run on the FX thread, never pile up behind a busy FX thread, and stop
 * while paused (minimized). The timer's own period is 1000 s here, so every frame in the test is
 * one the test posted.
 */
class UiTickerTest {

    private final AtomicInteger frames = new AtomicInteger();
    private final AtomicInteger offFxThread = new AtomicInteger();
    private UiTicker ticker;

    @BeforeEach
    void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
        ticker = new UiTicker(0.001, () -> {
            frames.incrementAndGet();
            if (!Platform.isFxApplicationThread()) {
                offFxThread.incrementAndGet();
            }
        });
        ticker.start();
    }

    @AfterEach
    void stopTicker() {
        ticker.stop();
    }

    @Test
    void framesBehindABusyFxThreadCollapseIntoOne() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        Platform.runLater(() -> {
            blocked.countDown();
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(blocked.await(30, TimeUnit.SECONDS));
        for (int i = 0; i < 5; i++) {
            ticker.post();
        }
        gate.countDown();
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, frames.get(), "five ticks while the FX thread was busy make one frame");
        ticker.post();
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(2, frames.get());
        assertEquals(0, offFxThread.get(), "frames run on the FX thread");
    }

    @Test
    void pausedItPostsNothingAndUnpausingBringsTheWindowUpToDateAtOnce() throws Exception {
        ticker.pause(true);
        ticker.post();
        ticker.post();
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(0, frames.get(), "no frame while minimized");
        ticker.pause(false);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, frames.get(), "one frame as soon as it is restored");
    }

    @Test
    void afterStopAFrameAlreadyQueuedDoesNotRun() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        Platform.runLater(() -> {
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ticker.post();
        ticker.stop();
        gate.countDown();
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(0, frames.get());
    }
}
