package io.vigil.host;

import java.util.List;

/** The latest process list and listening ports, read together; immutable. */
public record HostSnapshot(long epochMillis, List<ProcessInfo> processes, List<ListeningPort> listeningPorts) {

    public static final HostSnapshot EMPTY = new HostSnapshot(0, List.of(), List.of());

    public HostSnapshot {
        processes = List.copyOf(processes);
        listeningPorts = List.copyOf(listeningPorts);
    }
}
