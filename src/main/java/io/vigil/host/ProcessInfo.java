package io.vigil.host;

/**
 * One process as the host source saw it. {@code cpuPercent} is the share of one core used since the
 * previous reading (so it can exceed 100 on a multi-threaded process); {@code rssBytes} is resident
 * memory. {@code user} or {@code commandLine} are empty when the OS does not let us read them.
 */
public record ProcessInfo(int pid, int parentPid, String name, String user, String commandLine,
                          double cpuPercent, long rssBytes, long startEpochMillis) {
}
