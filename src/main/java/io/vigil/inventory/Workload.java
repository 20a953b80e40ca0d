package io.vigil.inventory;

import io.vigil.host.ListeningPort;
import io.vigil.text.SafeText;
import java.util.List;
import java.util.Optional;

/**
 * A process recognised as an AI workload: its pid, user, the catalogue rule it matched
 * ({@code kind}, e.g. {@code jupyter}, and a {@code label}), what matched ({@code evidence}: the
 * command line, a loaded library or the executable name), when it started (epoch milliseconds, 0 if
 * unknown) and the TCP ports it listens on. {@code user}, {@code evidence} and {@code commandLine}
 * are kept as shown text (redacted and escaped, {@link SafeText}). Immutable.
 */
public record Workload(int pid, String user, String kind, String label, Optional<String> service,
                       String evidence, String commandLine, long startEpochMillis, List<ListeningPort> ports) {

    public Workload {
        ports = List.copyOf(ports);
        // Shown in the inventory view, the CLI and `inventory --json`: redacted and escaped (attacker input).
        user = SafeText.of(user);
        evidence = SafeText.of(evidence);
        commandLine = SafeText.of(commandLine);
    }
}
