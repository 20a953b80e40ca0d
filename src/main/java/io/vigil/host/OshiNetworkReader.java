package io.vigil.host;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import oshi.software.os.InternetProtocolStats;
import oshi.software.os.OperatingSystem;

/** TCP sockets through OSHI (on Linux it reads {@code /proc/net/tcp*} and maps inodes to pids). */
public final class OshiNetworkReader implements NetworkTableReader {

    private final OperatingSystem os;

    public OshiNetworkReader(OperatingSystem os) {
        this.os = os;
    }

    @Override
    public NetworkTable read() {
        List<ListeningPort> ports = new ArrayList<>();
        List<NetConnection> connections = new ArrayList<>();
        for (InternetProtocolStats.IPConnection c : os.getInternetProtocolStats().getConnections()) {
            if (!c.getType().startsWith("tcp")) {
                continue;
            }
            int pid = Math.max(0, c.getowningProcessId());
            if (c.getState() == InternetProtocolStats.TcpState.LISTEN) {
                ports.add(new ListeningPort(c.getType(), address(c.getLocalAddress()), c.getLocalPort(), pid));
            } else if (c.getForeignPort() != 0) {
                connections.add(new NetConnection(c.getType(), address(c.getLocalAddress()), c.getLocalPort(),
                        address(c.getForeignAddress()), c.getForeignPort(), c.getState().name(), pid));
            }
        }
        ports.sort(Comparator.comparingInt(ListeningPort::port).thenComparing(ListeningPort::address));
        return new NetworkTable(ports, connections);
    }

    static String address(byte[] raw) {
        if (raw == null || raw.length == 0) {
            return "*";
        }
        try {
            return InetAddress.getByAddress(raw).getHostAddress();
        } catch (UnknownHostException e) {
            return "?";
        }
    }
}
