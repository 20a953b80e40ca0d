package io.vigil.host;

import java.util.List;

/** The latest process list, listening ports and other TCP connections, read together; immutable. */
public record HostSnapshot(long epochMillis, List<ProcessInfo> processes, List<ListeningPort> listeningPorts,
                           List<NetConnection> connections) {

    public static final HostSnapshot EMPTY = new HostSnapshot(0, List.of(), List.of(), List.of());

    public HostSnapshot {
        processes = List.copyOf(processes);
        listeningPorts = List.copyOf(listeningPorts);
        connections = List.copyOf(connections);
    }
}
