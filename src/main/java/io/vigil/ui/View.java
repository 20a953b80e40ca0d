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
}
