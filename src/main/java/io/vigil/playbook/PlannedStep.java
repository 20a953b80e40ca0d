package io.vigil.playbook;

import io.vigil.text.SafeText;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A step with its templates rendered: the exact argv (command steps) or action arguments (built-in
 * steps), the extra environment, the timeout in force, and why it will be skipped (a missing tool
 * on a {@code skip_if_missing} step). Immutable.
 */
public record PlannedStep(int index, Step step, List<String> argv, Map<String, String> args, Map<String, String> env,
                          Duration timeout, Optional<Duration> runFor, Optional<String> skipReason) {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,@%+-]+");

    public PlannedStep {
        argv = List.copyOf(argv);
        args = Map.copyOf(args);
        env = Map.copyOf(env);
    }

    /**
     * The command line as a user would type it, each argument quoted where needed, so a dry run
     * shows exactly which argument holds which value. Built-in steps show as
     * {@code [built-in] action key=value…}. Secrets written into a playbook's arguments are redacted
     * here as in output, and the line is escaped like output: the command line is shown and stored.
     */
    public String commandLine() {
        return SafeText.of(rawCommandLine());
    }

    private String rawCommandLine() {
        if (step instanceof BuiltInStep b) {
            return "[built-in] " + b.action() + args.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> " " + e.getKey() + "=" + quote(e.getValue())).collect(Collectors.joining());
        }
        String envPart = env.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + quote(e.getValue()) + " ").collect(Collectors.joining());
        return envPart + argv.stream().map(PlannedStep::quote).collect(Collectors.joining(" "));
    }

    static String quote(String arg) {
        if (!arg.isEmpty() && PLAIN.matcher(arg).matches()) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }
}
