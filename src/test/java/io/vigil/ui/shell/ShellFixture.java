package io.vigil.ui.shell;

import io.vigil.ui.View;
import java.util.List;
import javafx.scene.control.Label;

/**
 * For view tests that press the shell's keys (Esc, Ctrl+F, F5): the real shell around one view, so
 * the keys go through {@link Shortcuts} as in the console. An exception a key handler throws fails
 * the robot's {@code push} (TestFX rethrows it; seen by making Esc throw on purpose).
 */
public final class ShellFixture {

    private ShellFixture() {
    }

    /** A real shell showing {@code view} as its one navigation item {@code id}. FX thread. */
    public static Shell around(String id, View view) {
        return new Shell(List.of(new NavItem(id, id, "M0 0 L1 1", () -> view)), new StatusBar(List::of), new Label());
    }
}
