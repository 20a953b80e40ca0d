package io.vigil.host;

import java.util.List;

/** Reads the listening TCP sockets and the other TCP connections of the machine. Not thread-safe. */
public interface NetworkTableReader {

    record NetworkTable(List<ListeningPort> listening, List<NetConnection> connections) {
        public NetworkTable {
            listening = List.copyOf(listening);
            connections = List.copyOf(connections);
        }
    }

    NetworkTable read() throws Exception;
}
