package io.vigil.ui.pulse;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.Eventually;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.application.Platform;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The toolkit's pulse timer, replaced by {@link IdlePulse} in this JVM (the suite's JVM gets the
 * access options every launcher passes), slows down once nothing needs a pulse and comes back at
 * once when something does: a scene change on the FX thread, or a pulse asked for from another thread.
 */
class IdlePulseTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private Label label;
    private final AtomicInteger pulsesWithNewText = new AtomicInteger();

    @BeforeEach
    void showAWindow() throws Exception {
        FxToolkit.registerPrimaryStage();
        String outcome = WaitForAsyncUtils.asyncFx(() -> IdlePulse.install(IdlePulse.IDLE_TICK)).get(10, TimeUnit.SECONDS);
        assertTrue(outcome.startsWith("the pulse timer slows to"), outcome);
        FxToolkit.setupSceneRoot(() -> {
            label = new Label("before");
            return new StackPane(label);
        });
        FxToolkit.setupStage(stage -> {
            stage.setWidth(300);
            stage.setHeight(200);
            stage.show();
            // Counts the pulses that laid out the label's new text, without asking for any pulse itself.
            stage.getScene().addPostLayoutPulseListener(() -> {
                if (!"before".equals(label.getText())) {
                    pulsesWithNewText.incrementAndGet();
                }
            });
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
    }

    @Test
    void theTimerSlowsDownOnceNothingChangesAndASceneChangeBringsItBackForThePulse() throws Exception {
        Eventually.until("the pulse timer is idle", WAIT, () -> status().idle());
        long wakeUps = status().wakeUps();

        Platform.runLater(() -> label.setText("after"));

        Eventually.until("a pulse lays out the new text", WAIT, () -> pulsesWithNewText.get() > 0);
        assertTrue(status().wakeUps() > wakeUps, "the change woke the timer rather than waiting for its idle tick: " + status());
        Eventually.until("the pulse timer is idle again", WAIT, () -> status().idle());
    }

    @Test
    void aPulseAskedForFromAnotherThreadWakesTheTimerThroughTheFxThread() throws Exception {
        Eventually.until("the pulse timer is idle", WAIT, () -> status().idle());
        long wakeUps = status().wakeUps();

        Platform.requestNextPulse();

        Eventually.until("the request woke the timer", WAIT, () -> status().wakeUps() > wakeUps);
        Eventually.until("the pulse timer is idle again", WAIT, () -> status().idle());
    }

    @Test
    void installingAgainKeepsTheOneTimer() throws Exception {
        long ticks = status().ticks();
        String again = WaitForAsyncUtils.asyncFx(() -> IdlePulse.install(Duration.ofMillis(10))).get(10, TimeUnit.SECONDS);
        assertTrue(again.endsWith("(already installed)"), again);
        Eventually.until("the timer still ticks", WAIT, () -> status().ticks() > ticks);
    }

    private static IdlePulse.Status status() {
        return IdlePulse.status().orElseThrow();
    }
}
