package io.vigil.emptywindow;

import java.lang.management.ManagementFactory;
import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

/**
 * An empty JavaFX window of Vigil's size that reports its first frame exactly as
 * {@code vigil --smoke-test} does (io.vigil.ui.FirstFrameProbe: the third pulse after show), so
 * the start-up benchmark compares like with like. Kept as its own module, with no dependency on
 * Vigil, so that nothing of Vigil's is resolved or loaded. With {@code --stay} it stays open: the
 * idle-CPU floor of a JavaFX window on this machine (src/test/bench/cpu.sh).
 */
public final class EmptyWindowApp extends Application {

    private static final int PULSES = 3;

    @Override
    public void start(Stage stage) {
        stage.setTitle("empty");
        // The size Vigil's window takes: 1280×820, cut to a smaller screen (as VigilApp does), so the
        // two first frames draw the same area wherever the bench runs.
        javafx.geometry.Rectangle2D screen = javafx.stage.Screen.getPrimary().getVisualBounds();
        stage.setScene(new Scene(new StackPane(), Math.min(1280, screen.getWidth()), Math.min(820, screen.getHeight())));
        stage.show();
        new AnimationTimer() {
            private int pulses;

            @Override
            public void handle(long now) {
                if (++pulses == PULSES) {
                    stop();
                    long ms = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
                    System.out.println("first frame in " + ms + " ms");
                    System.out.flush();
                    if (!getParameters().getRaw().contains("--stay")) {
                        Platform.exit();
                    }
                }
            }
        }.start();
    }

    public static void main(String[] args) {
        launch(EmptyWindowApp.class, args);
    }
}
