package io.vigil.ui.pulse;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import javafx.collections.ListChangeListener;
import javafx.event.Event;
import javafx.event.EventHandler;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.skin.TextInputControlSkin;
import javafx.scene.input.InputMethodEvent;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.stage.Window;

/**
 * Stops a focused text field's caret blinking after a spell without input, as GTK does (its
 * {@code gtk-cursor-blink-timeout}, 10 s by default). JavaFX blinks the caret with a {@code Timeline},
 * and any running animation keeps the toolkit pulsing at its full rate: an analyst who typed into
 * the Alerts filter and left the console in front kept it waking 30 times a second for as long as
 * the window had the focus, which undid the slowed idle pulse ({@link IdlePulse}). Stopped, the caret
 * is hidden: that is JavaFX's only stopped state (its {@code setCaretAnimating(false)} also sets the
 * blink to its off phase), so unlike GTK's solid caret the field shows its focus only by its focus
 * ring until the next key, click or scroll in any of the console's windows, or the focus moving,
 * which makes it blink again and starts the spell over. Only public API:
 * {@link TextInputControlSkin#setCaretAnimating}.
 *
 * <p>FX thread only. {@link #check} is called by the console's UI ticker (a few times a second), so
 * no timer of its own runs; the clock is injected so that tests need not wait ten seconds.
 */
public final class CaretBlinkTimeout {

    /** GTK's default: how long a caret blinks after the last input. */
    public static final Duration GTK_DEFAULT = Duration.ofSeconds(10);

    private final long timeoutNanos;
    private final LongSupplier nanos;
    private final EventHandler<Event> onInput = e -> activity();
    private final ListChangeListener<Window> newWindows = change -> {
        while (change.next()) {
            change.getAddedSubList().forEach(this::watch);
        }
    };
    private long lastActivity;
    private int watchedWindows;
    /** The control whose caret this stopped; it blinks again at the next input. */
    private TextInputControl resting;

    /** @param nanos a monotonic clock in nanoseconds ({@code System::nanoTime} in the console) */
    public CaretBlinkTimeout(Duration timeout, LongSupplier nanos) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the caret's blink timeout must be positive, was " + timeout);
        }
        this.timeoutNanos = timeout.toNanos();
        this.nanos = Objects.requireNonNull(nanos);
        this.lastActivity = nanos.getAsLong();
    }

    /** Watches the input of every window the application has now and opens later (dialogs, pop-ups). */
    public void watchAllWindows() {
        Window.getWindows().forEach(this::watch);
        Window.getWindows().addListener(newWindows);
    }

    /** Stops watching for new windows and forgets the resting control (the application stops). */
    public void close() {
        Window.getWindows().removeListener(newWindows);
        resting = null;
    }

    /**
     * Watches one window: its keys, clicks, scrolls and input method, its focus and its focus owner.
     * Once per window: a tooltip or menu is the same window each time it is shown, and joins
     * {@link Window#getWindows()} again each time; watched again, its handlers would pile up for days.
     */
    private void watch(Window window) {
        // Marked with this instance as the key, so another instance (a console restarted in the same JVM) watches too.
        if (window.getProperties().putIfAbsent(this, Boolean.TRUE) != null) {
            return;
        }
        watchedWindows++;
        window.addEventFilter(KeyEvent.ANY, onInput);
        window.addEventFilter(MouseEvent.MOUSE_PRESSED, onInput);
        window.addEventFilter(ScrollEvent.ANY, onInput);
        window.addEventFilter(InputMethodEvent.ANY, onInput);
        window.focusedProperty().addListener(o -> activity());
        watchFocusOwner(window.getScene());
        window.sceneProperty().addListener((o, was, now) -> watchFocusOwner(now));
    }

    private void watchFocusOwner(Scene scene) {
        if (scene != null && scene.getProperties().putIfAbsent(this, Boolean.TRUE) == null) {
            scene.focusOwnerProperty().addListener(o -> activity());
        }
    }

    /**
     * Once the spell without input has lasted the timeout, stops the caret of the focused text
     * control, if any; returns that control. Cheap when there is nothing to do.
     */
    public Optional<TextInputControl> check() {
        if (nanos.getAsLong() - lastActivity < timeoutNanos) {
            return Optional.empty();
        }
        Optional<TextInputControl> focused = focusedTextControl();
        // Every time, not once: a caret moved by code (the filter cleared) starts blinking again.
        focused.ifPresent(control -> {
            ((TextInputControlSkin<?>) control.getSkin()).setCaretAnimating(false);
            resting = control;
        });
        return focused;
    }

    /** How many windows this has started watching (each once). */
    int watchedWindows() {
        return watchedWindows;
    }

    /** The control whose caret is at rest, until the next input. */
    public Optional<TextInputControl> resting() {
        return Optional.ofNullable(resting);
    }

    private void activity() {
        lastActivity = nanos.getAsLong();
        TextInputControl control = resting;
        resting = null;
        // Blinking again at once, as GTK does; a control that lost the focus has stopped already.
        if (control != null && control.isFocused() && control.getSkin() instanceof TextInputControlSkin<?> skin) {
            skin.setCaretAnimating(true);
        }
    }

    private static Optional<TextInputControl> focusedTextControl() {
        for (Window window : Window.getWindows()) {
            Scene scene = window.getScene();
            if (window.isFocused() && scene != null) {
                Node owner = scene.getFocusOwner();
                if (owner instanceof TextInputControl control && control.isFocused()
                        && control.getSkin() instanceof TextInputControlSkin<?>) {
                    return Optional.of(control);
                }
            }
        }
        return Optional.empty();
    }
}
