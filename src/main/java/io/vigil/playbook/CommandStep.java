package io.vigil.playbook;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A step that runs a program: {@code argv} is the program and its arguments, each a template over
 * the parameters ({@code {{pid}}}); a substituted value always stays inside its one argument and
 * is never seen by a shell. {@code env} adds environment variables (templates too), the way a
 * script step receives its parameters. {@code runFor}, when present, is how long a capture-style
 * program runs before it is stopped with SIGTERM, which then counts as success. Immutable.
 */
public record CommandStep(String name, List<String> argv, Map<String, String> env, boolean destructive,
                          Optional<Duration> timeout, boolean continueOnError, List<String> requires,
                          boolean skipIfMissing, Optional<String> runFor) implements Step {

    public CommandStep {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        requires = List.copyOf(requires);
    }
}
