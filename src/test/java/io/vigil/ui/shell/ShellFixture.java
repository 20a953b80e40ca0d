package io.vigil.ui.shell;

import io.vigil.ui.View;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javafx.application.Platform;
import javafx.scene.control.Label;
import org.testfx.api.FxRobot;

/**
 * For view tests that press the shell's keys (Esc, Ctrl+F, F5): the real shell around one view, so
 * the keys go through {@link Shortcuts} as in the console, and a record of what the FX thread threw.
 */
public final class ShellFixture {

    private ShellFixture() {
    }

    /** A real shell showing {@code view} as its one navigation item {@code id}. FX thread. */
    public static Shell around(String id, View view) {
        return new Shell(List.of(new NavItem(id, id, "M0 0 L1 1", () -> view)), new StatusBar(List::of), new Label());
    }

    /**
     * Records what the FX thread throws from now until {@link #close()}: an exception in a key
     * handler does not reach the test thread by itself (the toolkit hands it to the thread's handler).
     */
    public static final class FxErrors implements AutoCloseable {
        private final List<Throwable> errors = new CopyOnWriteArrayList<>();
        private final FxRobot robot;
        private Thread.UncaughtExceptionHandler previous;

        public FxErrors(FxRobot robot) {
            this.robot = robot;
            robot.interact(() -> {
                previous = Thread.currentThread().getUncaughtExceptionHandler();
                Thread.currentThread().setUncaughtExceptionHandler((t, e) -> errors.add(e));
            });
        }

        public List<Throwable> errors() {
            return List.copyOf(errors);
        }

        @Override
        public void close() {
            if (Platform.isFxApplicationThread()) {
                Thread.currentThread().setUncaughtExceptionHandler(previous);
            } else {
                robot.interact(() -> Thread.currentThread().setUncaughtExceptionHandler(previous));
            }
        }
    }
}
