package io.vigil.ui;

import javafx.scene.Node;

/**
 * One screen of the console. {@link #refresh()} is called on the FX thread at the fixed UI cadence
 * while the view is shown; it copies the latest snapshot from its view model into the controls.
 */
public interface View {

    Node node();

    default void refresh() {
    }

    default void onShow() {
    }

    default void onHide() {
    }

    // --- keyboard shortcuts (io.vigil.ui.shell.Shortcuts) ---

    /** Ctrl+F: moves the keyboard focus to this view's filter box, where it has one. FX thread. */
    default void focusFilter() {
    }

    /**
     * F5: fetches this view's data again now instead of at its next poll (the periodic
     * {@link #refresh()} only copies what is already there). FX thread; any I/O goes to a background
     * thread.
     */
    default void reload() {
    }

    /**
     * Esc: closes this view's open side pane or detail, if any. Returns whether one was closed (so
     * that Esc otherwise reaches the focused control). FX thread.
     */
    default boolean closePane() {
        return false;
    }
}
