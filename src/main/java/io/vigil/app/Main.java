package io.vigil.app;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point. With no command it opens the desktop console; the commands ({@code status}, …) are
 * the headless command line for scripts and SSH sessions.
 */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Security-operations console for GPU and AI-cloud infrastructure.%n"
                + "With no command, opens the desktop console.",
        subcommands = {StatusCommand.class, RulesCommand.class, AlertsCommand.class, PlaybookCommand.class,
            AuditCommand.class, InventoryCommand.class, BaselineCommand.class, FleetCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    @Option(names = "--smoke-test", description = "Open the console, wait for its first rendered frame, "
            + "print 'first frame in N ms' (N from JVM start) and exit 0. For installers and CI.")
    boolean smokeTest;

    @Option(names = "--view", paramLabel = "ID", description = "Open the console on this view: dashboard, gpus, "
            + "cloud, alerts, rules, playbooks, inventory or settings.")
    String view;

    /** {@code --demo} without a speed: an hour in two minutes. */
    static final String DEMO_DEFAULT_SPEED = "30";

    @Option(names = "--demo", arity = "0..1", fallbackValue = DEMO_DEFAULT_SPEED, paramLabel = "SPEED",
            description = "Replay the built-in cryptojacking incident through the real pipeline instead of "
                    + "reading this machine; SPEED times real time (default 30: an hour in two minutes).")
    Double demoSpeed;

    public static void main(String[] args) {
        // Opening the console skips building the command line, which would delay the window (ConsoleLaunch).
        java.util.Optional<Main> console = ConsoleLaunch.parse(args);
        System.exit(console.isPresent() ? console.get().call()
                : run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given output streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /** Vigil's command line, filling {@code main}'s options. */
    static CommandLine commandLine(Main main) {
        CommandLine cl = new CommandLine(main);
        // "--view alerts": a view id may also be a command's name.
        cl.setAllowSubcommandsAsOptionParameters(true);
        return cl;
    }

    /** The toolkit's pulse rate unless the user set one (frames a second; see {@link #capPulseRate}). */
    static final String PULSE_HZ = "30";

    @Override
    public Integer call() {
        capPulseRate(System.getProperties());
        javafx.application.Application.launch(VigilApp.class, launchArguments().toArray(String[]::new));
        return 0;
    }

    /**
     * JavaFX on GTK wakes its pulse timer at this rate even when nothing on screen moves: at the
     * default 60 a second that alone was half the idle budget of a minimized console. 30 keeps
     * hovering, dragging and scrolling smooth for a console whose data changes once a second
     * (docs/decisions/0608-pulse-at-30-hz.md). A {@code -Djavafx.animation.pulse} given by the user wins.
     */
    static void capPulseRate(java.util.Properties props) {
        props.putIfAbsent("javafx.animation.pulse", PULSE_HZ);
    }

    /** The window options as {@link VigilApp} reads them from its parameters. */
    List<String> launchArguments() {
        List<String> args = new ArrayList<>();
        if (view != null) {
            args.add("--view=" + view);
        }
        if (smokeTest) {
            args.add("--smoke-test");
        }
        if (demoSpeed != null) {
            args.add("--demo=" + demoSpeed);
        }
        return args;
    }

    /**
     * The version the build compiled into the module descriptor (maven-compiler-plugin passes javac the pom's
     * version as --module-version); "(development build)" only when run from classes compiled without it (an IDE).
     */
    static String version() {
        return java.util.Optional.ofNullable(Main.class.getModule().getDescriptor())
                .flatMap(java.lang.module.ModuleDescriptor::rawVersion).orElse("(development build)");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Vigil " + version()};
        }
    }
}
