package io.vigil.ui.pulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.Eventually;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A focused text field's caret keeps the toolkit pulsing at full rate while it blinks; after the
 * timeout without input (an injected clock, so no waiting for ten seconds) it stops, the slowed
 * idle pulse takes over, and the next key makes it blink again. Runs in the toolkit-idle JVM with
 * {@link IdlePulseTest}: a stage another test left animating would keep the toolkit from idling.
 */
class CaretBlinkTimeoutTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final AtomicLong nanos = new AtomicLong(1_000);
    private TextField filter;
    private Stage stage;
    private CaretBlinkTimeout timeout;

    @BeforeEach
    void showAFocusedTextField() throws Exception {
        FxToolkit.registerPrimaryStage();
        String outcome = WaitForAsyncUtils.asyncFx(() -> IdlePulse.install(IdlePulse.IDLE_TICK)).get(10, TimeUnit.SECONDS);
        assertTrue(outcome.startsWith("the pulse timer slows to"), outcome);
        FxToolkit.setupSceneRoot(() -> {
            filter = new TextField("gpu");
            return new VBox(filter, new TextField("other"));
        });
        FxToolkit.setupStage(s -> {
            stage = s;
            s.setWidth(300);
            s.setHeight(200);
            s.show();
            s.requestFocus();
            filter.requestFocus();
            timeout = new CaretBlinkTimeout(TIMEOUT, nanos::get);
            timeout.watchAllWindows();
        });
        Eventually.until("the text field has the focus", WAIT, () -> onFx(filter::isFocused));
    }

    @AfterEach
    void tearDown() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> timeout.close()).get(10, TimeUnit.SECONDS);
        FxToolkit.cleanupStages();
    }

    @Test
    void theCaretStopsBlinkingAfterTheTimeoutAndTheToolkitGoesIdle() throws Exception {
        assertFalse(status().idle(), "a blinking caret keeps the toolkit pulsing: " + status());

        nanos.addAndGet(TIMEOUT.toNanos() - 1);
        assertEquals(Optional.empty(), onFx(timeout::check), "still within the timeout");
        nanos.addAndGet(1);
        assertEquals(Optional.of(filter), onFx(timeout::check), "the focused field rests at the timeout");

        Eventually.until("the pulse timer is idle with the caret at rest", WAIT, () -> status().idle());
        assertTrue(onFx(filter::isFocused), "the field keeps the focus");
    }

    @Test
    void aKeyMakesTheCaretBlinkAgainAndStartsTheSpellOver() throws Exception {
        nanos.addAndGet(TIMEOUT.toNanos());
        onFx(timeout::check);
        Eventually.until("the pulse timer is idle with the caret at rest", WAIT, () -> status().idle());

        onFx(() -> {
            filter.fireEvent(new KeyEvent(KeyEvent.KEY_PRESSED, "", "", KeyCode.SHIFT, true, false, false, false));
            return null;
        });

        assertFalse(status().idle(), "the key set the caret blinking, which wakes the pulse timer: " + status());
        nanos.addAndGet(TIMEOUT.toNanos() - 1);
        assertEquals(Optional.empty(), onFx(timeout::check), "the key started a new spell");
        nanos.addAndGet(1);
        assertEquals(Optional.of(filter), onFx(timeout::check));
    }

    @Test
    void movingTheFocusStartsTheSpellOverForTheNextField() throws Exception {
        nanos.addAndGet(TIMEOUT.toNanos());
        assertEquals(Optional.of(filter), onFx(timeout::check));

        TextInputControl other = onFx(() -> {
            TextInputControl next = (TextInputControl) stage.getScene().getRoot().getChildrenUnmodifiable().get(1);
            next.requestFocus();
            return next;
        });

        assertEquals(Optional.empty(), onFx(timeout::check), "the focus moved: a new spell");
        nanos.addAndGet(TIMEOUT.toNanos());
        assertEquals(Optional.of(other), onFx(timeout::check));
    }

    @Test
    void aPopUpShownAgainAndAgainIsWatchedOnce() throws Exception {
        int before = onFx(timeout::watchedWindows);
        javafx.stage.Popup popup = onFx(javafx.stage.Popup::new);
        for (int i = 0; i < 3; i++) {
            onFx(() -> {
                popup.show(stage);
                popup.hide();
                return null;
            });
        }
        assertEquals(before + 1, onFx(timeout::watchedWindows), "a tooltip's window must not gather handlers at each showing");
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> call) throws Exception {
        return WaitForAsyncUtils.asyncFx(call).get(10, TimeUnit.SECONDS);
    }

    private static IdlePulse.Status status() {
        return IdlePulse.status().orElseThrow();
    }
}
