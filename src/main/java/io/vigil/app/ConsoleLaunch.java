package io.vigil.app;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The console's own start without building the command line. Picocli's model of Vigil's commands
 * (picocli itself, every command class, their converters: about 500 classes) took 0.15–0.4 s before
 * the window could open; a desktop entry or {@code bin/vigil} starts the console with no arguments,
 * or only {@code --view=ID}, {@code --demo[=SPEED]} and {@code --smoke-test} in these plain forms.
 * Those are read here into the same {@link Main} picocli would fill; anything else (a command,
 * {@code --help}, another spelling, a repeated or malformed option) is left to picocli, which stays
 * the one definition of the command line (docs/decisions/0606-start-the-console-without-building-the-command-line.md).
 */
final class ConsoleLaunch {

    private static final Pattern VIEW_ID = Pattern.compile("[a-z][a-z0-9-]*");
    private static final Pattern SPEED = Pattern.compile("[0-9]{1,6}(\\.[0-9]{1,6})?");

    private ConsoleLaunch() {
    }

    /** The console's options when {@code args} are only its launch options in plain form; else empty. */
    static Optional<Main> parse(String[] args) {
        Main main = new Main();
        for (String arg : args) {
            if (arg.equals("--smoke-test") && !main.smokeTest) {
                main.smokeTest = true;
            } else if (arg.startsWith("--view=") && main.view == null
                    && VIEW_ID.matcher(arg.substring("--view=".length())).matches()) {
                main.view = arg.substring("--view=".length());
            } else if (arg.equals("--demo") && main.demoSpeed == null) {
                main.demoSpeed = Double.valueOf(Main.DEMO_DEFAULT_SPEED);
            } else if (arg.startsWith("--demo=") && main.demoSpeed == null
                    && SPEED.matcher(arg.substring("--demo=".length())).matches()) {
                main.demoSpeed = Double.valueOf(arg.substring("--demo=".length()));
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(main);
    }
}
