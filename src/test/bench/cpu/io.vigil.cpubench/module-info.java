/** Vigil's idle-CPU benchmark: starts the real console in-process and measures its own CPU time. */
module io.vigil.cpubench {
    requires io.vigil;
    requires javafx.controls;
    requires jdk.management;
    requires jdk.jfr;
}
