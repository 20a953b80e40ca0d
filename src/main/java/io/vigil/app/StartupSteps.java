package io.vigil.app;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Milliseconds from JVM start to the named steps of a console start (window shown, wiring built,
 * console attached, …), printed by {@code --smoke-test} so that docs/bench/startup.md can say where
 * the time goes. Thread-safe: steps are marked from the FX thread and the wiring thread.
 */
final class StartupSteps {

    /** One step: its name and milliseconds since the JVM started. */
    record Step(String name, long sinceJvmStartMs) { }

    private final long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    private final List<Step> steps = new ArrayList<>();

    /** Records {@code name} now; returns the milliseconds since JVM start. */
    synchronized long mark(String name) {
        long ms = System.currentTimeMillis() - jvmStart;
        steps.add(new Step(name, ms));
        return ms;
    }

    synchronized List<Step> steps() {
        return List.copyOf(steps);
    }

    /** "startup: window shown 810 ms · wiring built 2050 ms · …", one line. */
    synchronized String summary() {
        StringBuilder b = new StringBuilder("startup:");
        for (int i = 0; i < steps.size(); i++) {
            b.append(i == 0 ? " " : " · ").append(steps.get(i).name()).append(' ')
                    .append(steps.get(i).sinceJvmStartMs()).append(" ms");
        }
        return b.toString();
    }
}
