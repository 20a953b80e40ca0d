package io.vigil.host;

import java.util.Arrays;
import java.util.List;

/**
 * One process as the host source saw it. {@code cpuPercent} is the share of one core used since the
 * previous reading (so it can exceed 100 on a multi-threaded process); {@code rssBytes} is resident
 * memory. {@code user} or {@code commandLine} are empty when the OS does not let us read them.
 *
 * <p>{@code argv} is the argument vector as the process set it (attacker-controlled, like
 * {@code name}); {@code exe} is the path of the executable the kernel ran ({@code /proc/PID/exe}), or
 * "" when it cannot be read (another user's process without privileges, or a reader that cannot
 * tell). Detectors that decide what a process <em>is</em> prefer {@code exe}, since argv[0] is
 * whatever the process chose. Immutable.
 */
public record ProcessInfo(int pid, int parentPid, String name, String user, String commandLine,
                          double cpuPercent, long rssBytes, long startEpochMillis, List<String> argv, String exe) {

    public ProcessInfo {
        argv = List.copyOf(argv);
        exe = exe == null ? "" : exe;
    }

    /**
     * A process known only by its command line (replayed scenarios, OS APIs without an argument
     * vector): argv is the command line split at whitespace, and the executable is unknown.
     */
    public ProcessInfo(int pid, int parentPid, String name, String user, String commandLine,
                       double cpuPercent, long rssBytes, long startEpochMillis) {
        this(pid, parentPid, name, user, commandLine, cpuPercent, rssBytes, startEpochMillis,
                splitCommandLine(commandLine), "");
    }

    private static List<String> splitCommandLine(String commandLine) {
        String c = commandLine == null ? "" : commandLine.strip();
        return c.isEmpty() ? List.of() : Arrays.asList(c.split("\\s+"));
    }
}
