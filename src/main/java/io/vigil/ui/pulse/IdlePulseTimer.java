package io.vigil.ui.pulse;

import com.sun.glass.ui.Timer;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import javafx.application.Platform;

/**
 * JavaFX's pulse timer with a pause that pauses. The toolkit asks its timer to pause once nothing
 * has needed a pulse for 250 ms, and to resume when a scene changes or an animation runs; on macOS
 * that stops the display link, but on GTK (and the headless platform) pause and resume do nothing,
 * so an idle window still wakes 30 times a second (docs/decisions/0890-slow-the-pulse-timer-while-javafx-is-idle.md).
 *
 * <p>This timer keeps the platform's own timer for the ticks (its native start and stop) and turns a
 * pause into a slow tick, a resume into the normal period again. A slow tick rather than none: if a
 * resume were ever missed, the toolkit would still find the pending pulse within {@code idlePeriodMs}.
 *
 * <p>Threads: the toolkit calls {@code pause} from a tick, and {@code resume} from whichever thread
 * asked for a pulse. GTK's native stop must run on the thread that ticks (it frees what a running
 * tick uses), so a resume from any other thread is passed to the FX thread. All state is guarded by
 * this object's monitor, which {@link Timer}'s public methods hold around the calls below.
 */
final class IdlePulseTimer extends Timer {

    private final Timer platform;
    private final MethodHandle platformStart;
    private final MethodHandle platformStop;
    private final int idlePeriodMs;

    private Runnable tick;
    private int activePeriodMs;
    private long handle;
    private boolean idle;
    private boolean resumePosted;
    private volatile boolean idleNow;
    private volatile Thread tickThread;
    private volatile long ticks;
    private volatile long wakeUps;

    /**
     * {@code platform}: the toolkit's own timer, already stopped; only its native start and stop are used.
     * {@code runnable}: what the toolkit's timer ran at each tick.
     */
    IdlePulseTimer(Runnable runnable, Timer platform, int idlePeriodMs) throws ReflectiveOperationException {
        super(runnable);
        this.platform = platform;
        this.idlePeriodMs = idlePeriodMs;
        MethodHandles.Lookup timers = MethodHandles.privateLookupIn(Timer.class, MethodHandles.lookup());
        this.platformStart = timers.findVirtual(Timer.class, "_start",
                MethodType.methodType(long.class, Runnable.class, int.class));
        this.platformStop = timers.findVirtual(Timer.class, "_stop", MethodType.methodType(void.class, long.class));
    }

    @Override
    protected long _start(Runnable runnable) {
        throw new UnsupportedOperationException("a vsync timer is not slowed down");
    }

    @Override
    protected long _start(Runnable runnable, int period) {
        tick = () -> {
            tickThread = Thread.currentThread();
            ticks++;
            runnable.run();
        };
        activePeriodMs = period;
        setIdle(false);
        restart(period);
        // Timer only needs a non-zero handle; the platform's own handle changes at every pause and resume.
        return 1;
    }

    @Override
    protected void _stop(long ignored) {
        if (handle != 0) {
            invokeStop(handle);
            handle = 0;
        }
    }

    @Override
    protected void _pause(long ignored) {
        if (!idle && handle != 0) {
            restart(idlePeriodMs);
            setIdle(true);
        }
    }

    @Override
    protected void _resume(long ignored) {
        if (!idle || handle == 0) {
            return;
        }
        if (Thread.currentThread() == tickThread || Platform.isFxApplicationThread()) {
            resumePosted = false;
            restart(activePeriodMs);
            setIdle(false);
            wakeUps++;
        } else if (!resumePosted) {
            resumePosted = true;
            try {
                Platform.runLater(this::resume);
            } catch (IllegalStateException toolkitExited) {
                resumePosted = false;
            }
        }
    }

    /** Whether the timer runs at its slow, idle period now. */
    boolean isIdle() {
        return idleNow;
    }

    /** Ticks so far, idle or not. */
    long ticks() {
        return ticks;
    }

    /** How many times a request for a pulse brought the timer back from idle. */
    long wakeUps() {
        return wakeUps;
    }

    int idlePeriodMs() {
        return idlePeriodMs;
    }

    private void setIdle(boolean idle) {
        this.idle = idle;
        this.idleNow = idle;
    }

    private void restart(int periodMs) {
        if (handle != 0) {
            invokeStop(handle);
            handle = 0;
        }
        try {
            handle = (long) platformStart.invoke(platform, tick, periodMs);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("the platform's pulse timer did not start", t);
        }
        if (handle == 0) {
            throw new IllegalStateException("the platform's pulse timer did not start");
        }
    }

    private void invokeStop(long platformHandle) {
        try {
            platformStop.invoke(platform, platformHandle);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("the platform's pulse timer did not stop", t);
        }
    }
}
