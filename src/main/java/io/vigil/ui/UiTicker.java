package io.vigil.ui;

import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.util.Duration;

/**
 * The fixed UI cadence: one timeline on the FX thread that asks the visible view to copy the latest
 * snapshot into its controls a few times a second. Sources never call into the UI themselves, so a
 * burst of samples costs the UI nothing extra.
 */
public final class UiTicker {

    private final Timeline timeline;

    public UiTicker(double hz, Runnable onFrame) {
        timeline = new Timeline(new KeyFrame(Duration.millis(1000.0 / hz), e -> onFrame.run()));
        timeline.setCycleCount(Animation.INDEFINITE);
    }

    public void start() {
        timeline.play();
    }

    public void stop() {
        timeline.stop();
    }
}
