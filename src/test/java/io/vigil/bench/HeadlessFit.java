package io.vigil.bench;

import javafx.geometry.Rectangle2D;
import javafx.stage.Screen;

/**
 * The size a bench window can really have: the console's 1280×820 where the screen allows it, cut to
 * the screen otherwise. JavaFX's headless screen is 1000×1000, and a window reaching past it fails to
 * blit under load (IndexOutOfBoundsException in HeadlessWindow), so a bench frame there is 1000 wide.
 * FX thread.
 */
final class HeadlessFit {

    private HeadlessFit() {
    }

    static double width(double wanted) {
        Rectangle2D screen = Screen.getPrimary().getBounds();
        return Math.min(wanted, screen.getWidth());
    }

    static double height(double wanted) {
        Rectangle2D screen = Screen.getPrimary().getBounds();
        return Math.min(wanted, screen.getHeight());
    }
}
