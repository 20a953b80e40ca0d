package io.vigil.ui.pulse;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Optional;
import javafx.application.Platform;

/**
 * Lets the JavaFX toolkit's pulse timer slow down while nothing on screen changes (see
 * {@link IdlePulseTimer}). JavaFX keeps this timer in its internals, so installing needs three
 * packages of {@code javafx.graphics} opened to Vigil at JVM start ({@link #JVM_OPTIONS}); every
 * launcher Vigil ships passes them. Without them, or with {@code -Dvigil.idlePulse=false}, the
 * toolkit keeps its own timer and the console works as before, only waking more often when idle.
 */
public final class IdlePulse {

    /** The JVM options that give Vigil access to the toolkit's timer. */
    public static final String JVM_OPTIONS = "--add-opens=javafx.graphics/com.sun.glass.ui=io.vigil"
            + " --add-opens=javafx.graphics/com.sun.javafx.tk.quantum=io.vigil"
            + " --add-exports=javafx.graphics/com.sun.javafx.tk=io.vigil";

    /** The period of the timer while the toolkit is idle: 2 wake-ups a second instead of 30. */
    public static final Duration IDLE_TICK = Duration.ofMillis(500);

    /** The property that turns this off ({@code -Dvigil.idlePulse=false}). */
    public static final String PROPERTY = "vigil.idlePulse";

    private static volatile IdlePulseTimer installed;

    private IdlePulse() {
    }

    /**
     * Replaces the toolkit's pulse timer by one that slows down while idle; on the FX thread, once the
     * toolkit runs. Returns what happened, for the log: installed, already installed, or why not.
     */
    public static String install(Duration idleTick) {
        if (!Platform.isFxApplicationThread()) {
            throw new IllegalStateException("install the idle pulse on the FX thread");
        }
        if (installed != null) {
            return "the pulse timer slows to " + installed.idlePeriodMs() + " ms when idle (already installed)";
        }
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
            return "the pulse timer keeps its rate when idle: -D" + PROPERTY + "=false";
        }
        Module graphics = javafx.scene.Node.class.getModule();
        Module vigil = IdlePulse.class.getModule();
        if (!graphics.isOpen("com.sun.glass.ui", vigil)
                || !graphics.isOpen("com.sun.javafx.tk.quantum", vigil)
                || !graphics.isExported("com.sun.javafx.tk", vigil)) {
            return "the pulse timer keeps its rate when idle: the JVM was started without " + JVM_OPTIONS;
        }
        try {
            installed = ToolkitTimerSwap.swap(Math.toIntExact(idleTick.toMillis()));
            return "the pulse timer slows to " + installed.idlePeriodMs() + " ms when idle";
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "the pulse timer keeps its rate when idle: " + e;
        }
    }

    /**
     * The installed timer's state: slowed down now or not, its ticks since install, and how many
     * times a request for a pulse brought it back from idle.
     */
    public record Status(boolean idle, long ticks, long wakeUps) {
    }

    /** The installed timer's state; empty when not installed. */
    public static Optional<Status> status() {
        IdlePulseTimer timer = installed;
        return timer == null ? Optional.empty()
                : Optional.of(new Status(timer.isIdle(), timer.ticks(), timer.wakeUps()));
    }

    /** Kept apart so that no class touching JavaFX's internals is loaded before access is checked. */
    private static final class ToolkitTimerSwap {

        static IdlePulseTimer swap(int idlePeriodMs) throws ReflectiveOperationException {
            Object toolkit = com.sun.javafx.tk.Toolkit.getToolkit();
            Field timerField = toolkit.getClass().getDeclaredField("pulseTimer");
            timerField.setAccessible(true);
            Field runnableField = com.sun.glass.ui.Timer.class.getDeclaredField("runnable");
            runnableField.setAccessible(true);
            Field periodField = com.sun.glass.ui.Timer.class.getDeclaredField("period");
            periodField.setAccessible(true);
            // The toolkit pauses and resumes its timer under its own monitor: swap under it too.
            synchronized (toolkit) {
                com.sun.glass.ui.Timer current = (com.sun.glass.ui.Timer) timerField.get(toolkit);
                int period = (int) periodField.getDouble(current);
                if (period <= 0) {
                    throw new IllegalStateException("the toolkit's pulse timer runs on vsync, not a period");
                }
                Runnable runnable = (Runnable) runnableField.get(current);
                IdlePulseTimer replacement = new IdlePulseTimer(runnable, current, idlePeriodMs);
                current.stop();
                replacement.start(period);
                timerField.set(toolkit, replacement);
                return replacement;
            }
        }
    }
}
