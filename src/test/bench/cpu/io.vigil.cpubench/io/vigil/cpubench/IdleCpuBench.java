package io.vigil.cpubench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.ButtonBase;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * Idle CPU of the console, as issue 12 asks: the real {@code VigilApp} (live, or {@code --demo})
 * started in this JVM, then the process's CPU time (user + system, all threads: sources, UI,
 * rendering) over a fixed wall-clock span in each state: the Dashboard shown, another view without
 * charts shown (Settings), and the window minimized ({@code stage.setIconified(true)}). Prints one
 * line per state: "cpu STATE: P % of one core over S s". Run by src/test/bench/cpu.sh.
 *
 * <p>Arguments: warm-up seconds, seconds per state, then Vigil's own arguments (e.g. --demo=1).
 */
public final class IdleCpuBench {

    private static final java.util.concurrent.atomic.AtomicLong PULSES = new java.util.concurrent.atomic.AtomicLong();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) throws Exception {
        long warmupS = Long.parseLong(args[0]);
        long spanS = Long.parseLong(args[1]);
        // CPU_STATES: which states, in order (default dashboard,settings,minimized; also alerts and
        // alerts-filter, the Alerts view with its text filter focused). The console opens on
        // the first state's view, so "settings" alone is a console that never showed a chart.
        List<String> states = List.of(System.getenv().getOrDefault("CPU_STATES", "dashboard,settings,minimized").split(","));
        List<String> vigilArgList = new ArrayList<>(List.of(args).subList(2, args.length));
        vigilArgList.add("--view=" + switch (states.getFirst()) {
            case "minimized" -> "dashboard";
            case "alerts-filter" -> "alerts";
            default -> states.getFirst();
        });
        String[] vigilArgs = vigilArgList.toArray(String[]::new);
        // Started the way a user starts it (Main: its command line, then the toolkit with Main's settings).
        Thread fx = Thread.ofPlatform().name("launcher").start(() -> io.vigil.app.Main.run(vigilArgs,
                new java.io.PrintWriter(System.err, true), new java.io.PrintWriter(System.err, true)));

        Stage stage = awaitConsole();
        // Counts the scene's pulses without asking for any (an AnimationTimer would force 60 a second).
        onFx(() -> stage.getScene().addPostLayoutPulseListener(PULSES::incrementAndGet));
        TimeUnit.SECONDS.sleep(warmupS); // a benchmark, not a test: the warm-up is wall-clock time by design
        List<String> lines = new ArrayList<>();
        for (String state : states) {
            switch (state) {
                case "dashboard" -> {
                    onFx(() -> click(stage, "#nav-dashboard"));
                    lines.add(measure("dashboard", spanS));
                }
                case "settings" -> {
                    onFx(() -> click(stage, "#nav-settings"));
                    lines.add(measure("settings view (no charts)", spanS));
                }
                case "minimized" -> {
                    // Minimized with the Dashboard behind it, the view with the most to refresh.
                    onFx(() -> click(stage, "#nav-dashboard"));
                    onFx(() -> stage.setIconified(true));
                    lines.add(measure("minimized (dashboard)", spanS) + " iconified=" + onFxGet(stage::isIconified));
                }
                case "alerts" -> {
                    onFx(() -> click(stage, "#nav-alerts"));
                    onFx(() -> stage.getScene().getRoot().requestFocus());
                    lines.add(measure("alerts view", spanS));
                }
                case "alerts-filter" -> {
                    // The analyst's Ctrl+F, then nothing: the text filter keeps the focus (and its caret).
                    onFx(() -> click(stage, "#nav-alerts"));
                    onFx(() -> stage.getScene().lookup("#alerts-filter-text").requestFocus());
                    // Measured from 15 s after the focus: past the caret's blink timeout (ADR 0892), the
                    // steady state of a console left like this.
                    TimeUnit.SECONDS.sleep(15);
                    lines.add(measure("alerts view, filter box focused", spanS) + " windowFocused="
                            + onFxGet(stage::isFocused) + " filterFocused="
                            + onFxGet(() -> stage.getScene().lookup("#alerts-filter-text").isFocused()));
                }
                default -> {
                    // Any other view by its id (gpus, fleet, cloud, rules, playbooks, inventory).
                    if (onFxGet(() -> stage.getScene().lookup("#nav-" + state)) == null) {
                        throw new IllegalArgumentException("CPU_STATES: no state " + state + "; the states are"
                                + " dashboard, settings, minimized, alerts, alerts-filter and the views' ids");
                    }
                    onFx(() -> click(stage, "#nav-" + state));
                    lines.add(measure(state + " view", spanS));
                }
            }
        }
        lines.forEach(System.out::println);
        System.out.println("rss " + rssMiB() + " MiB");
        System.out.flush();
        Platform.exit();
        fx.join(60_000);
        System.exit(0);
    }

    /** Waits (bounded) until the console's navigation rail exists, i.e. the wiring is attached. */
    private static Stage awaitConsole() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            Stage s;
            try {
                s = onFxGet(() -> Window.getWindows().stream().filter(w -> w instanceof Stage)
                        .map(w -> (Stage) w).filter(w -> w.getScene() != null && w.getScene().lookup("#nav-dashboard") != null)
                        .findFirst().orElse(null));
            } catch (IllegalStateException toolkitNotYetStarted) {
                s = null;
            }
            if (s != null) {
                return s;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IllegalStateException("the console did not come up within 3 minutes");
    }

    private static String measure(String state, long spanS) throws Exception {
        // VIGIL_CPU_JFR=DIR: a flight recording of each state (DIR/STATE.jfr), to see where the time went.
        String jfrDir = System.getenv("VIGIL_CPU_JFR");
        jdk.jfr.Recording recording = null;
        if (jfrDir != null) {
            recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
            recording.setDestination(java.nio.file.Path.of(jfrDir, state.replaceAll("\\W+", "-") + ".jfr"));
            recording.start();
        }
        Map<Long, Long> threads0 = threadCpu();
        Map<String, Long> vm0 = vmThreadTicks();
        long pulses0 = PULSES.get();
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        TimeUnit.SECONDS.sleep(spanS);
        long cpu = OS.getProcessCpuTime() - cpu0;
        long wall = System.nanoTime() - t0;
        if (recording != null) {
            recording.stop();
            recording.close();
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "cpu %s: %.1f %% of one core over %d s, %.1f pulses/s", state, 100.0 * cpu / wall, spanS,
                (PULSES.get() - pulses0) * 1e9 / wall));
        // Where it went: the busiest threads over the span (names merged, so pools read as one).
        Map<String, Long> byName = new HashMap<>();
        threadCpu().forEach((id, now) -> {
            long before = threads0.getOrDefault(id, 0L);
            ThreadInfo info = THREADS.getThreadInfo(id);
            if (info != null && now > before) {
                byName.merge(info.getThreadName().replaceAll("[-#]?\\d+$", "-N"), now - before, Long::sum);
            }
        });
        byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                .forEach(e -> line.append(String.format(Locale.ROOT, "%ncpu   · %-40s %5.2f %%", e.getKey(),
                        100.0 * e.getValue() / wall)));
        long javaThreads = byName.values().stream().mapToLong(Long::longValue).sum();
        line.append(String.format(Locale.ROOT, "%ncpu   · %-40s %5.2f %%", "(not Java threads: JIT, GC, VM)",
                100.0 * (cpu - javaThreads) / wall));
        // ...and those by the names the JVM gives its own threads (from /proc, in clock ticks of 10 ms).
        Map<String, Long> vm = vmThreadTicks();
        vm.forEach((name, ticks) -> {
            long used = ticks - vm0.getOrDefault(name, 0L);
            if (used > 0) {
                line.append(String.format(Locale.ROOT, "%ncpu     · %-38s %5.2f %%", name, 100.0 * used * 1e7 / wall));
            }
        });
        return line.toString();
    }

    private static Map<Long, Long> threadCpu() {
        Map<Long, Long> m = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long t = THREADS.getThreadCpuTime(id);
            if (t >= 0) {
                m.put(id, t);
            }
        }
        return m;
    }

    /** The JVM's own threads (compilers, GC, VM operations), CPU in clock ticks by name, from /proc. */
    private static Map<String, Long> vmThreadTicks() {
        Map<String, Long> ticks = new java.util.TreeMap<>();
        java.util.regex.Pattern vmThread = java.util.regex.Pattern.compile("C[12] CompilerThre|VM Thread|VM Periodic Tas|GC Thread|Service Thread|Monitor Deflati|Signal Dispatch|Common-Cleaner|Notification Th");
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (java.nio.file.Path task : tasks.toList()) {
                try {
                    String comm = java.nio.file.Files.readString(task.resolve("comm")).strip();
                    if (!vmThread.matcher(comm).lookingAt()) {
                        continue;
                    }
                    String stat = java.nio.file.Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.merge(comm.replaceAll("[#\\d]+$", ""), Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (java.io.IOException | RuntimeException threadGone) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (java.io.IOException e) {
            return ticks;
        }
        return ticks;
    }

    private static void click(Stage stage, String selector) {
        Node n = stage.getScene().lookup(selector);
        if (n instanceof ButtonBase b) {
            b.fire();
        } else {
            throw new IllegalStateException("no button " + selector);
        }
    }

    private static long rssMiB() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    private static void onFx(Runnable r) throws Exception {
        onFxGet(() -> {
            r.run();
            return null;
        });
    }

    private static <T> T onFxGet(java.util.function.Supplier<T> s) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(s.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(60, TimeUnit.SECONDS);
    }
}
