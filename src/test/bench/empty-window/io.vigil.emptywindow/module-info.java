/** The yardstick for Vigil's start-up benchmark: an empty JavaFX window, nothing else. */
module io.vigil.emptywindow {
    requires javafx.controls;
    requires java.management;

    exports io.vigil.emptywindow to javafx.graphics;
}
