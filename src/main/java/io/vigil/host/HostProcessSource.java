package io.vigil.host;

import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.Source;
import io.vigil.telemetry.SourceHealth;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import oshi.SystemInfo;
import oshi.software.os.InternetProtocolStats;
import oshi.software.os.OperatingSystem;

/**
 * The process list and the listening TCP ports, on a slower period than the host metrics because
 * walking every process costs more. The latest {@link HostSnapshot} is kept for views, the GPU
 * process table and the inventory; {@link #latest()} is safe to call from any thread.
 */
public final class HostProcessSource implements Source {

    private final Duration period;
    private final ProcessTableReader processes;
    private final OperatingSystem os;
    private volatile HostSnapshot latest = HostSnapshot.EMPTY;

    public HostProcessSource(ProcessTableReader processes, OperatingSystem os, Duration period) {
        this.period = period;
        this.processes = processes;
        this.os = os;
    }

    /** The fastest reader this OS offers: {@code /proc} on Linux, OSHI elsewhere. */
    public static HostProcessSource forThisMachine(SystemInfo systemInfo, Duration period) {
        ProcessTableReader reader = null;
        if (ProcFsProcessReader.isSupported()) {
            try {
                reader = new ProcFsProcessReader();
            } catch (java.io.IOException e) {
                reader = null;
            }
        }
        if (reader == null) {
            reader = new OshiProcessReader(systemInfo.getOperatingSystem());
        }
        return new HostProcessSource(reader, systemInfo.getOperatingSystem(), period);
    }

    @Override
    public String id() {
        return "processes";
    }

    @Override
    public String displayName() {
        return "Processes";
    }

    @Override
    public Duration period() {
        return period;
    }

    public HostSnapshot latest() {
        return latest;
    }

    @Override
    public PollResult poll(Instant now) throws Exception {
        long t = now.toEpochMilli();
        List<ProcessInfo> infos = new ArrayList<>(processes.read());
        infos.sort(Comparator.comparingInt(ProcessInfo::pid));
        List<ListeningPort> ports = new ArrayList<>();
        List<NetConnection> connections = new ArrayList<>();
        String portProblem = null;
        try {
            for (InternetProtocolStats.IPConnection c : os.getInternetProtocolStats().getConnections()) {
                if (c.getType().startsWith("tcp") && c.getState() == InternetProtocolStats.TcpState.LISTEN) {
                    ports.add(new ListeningPort(c.getType(), address(c.getLocalAddress()), c.getLocalPort(),
                            Math.max(0, c.getowningProcessId())));
                } else if (c.getType().startsWith("tcp") && c.getForeignPort() != 0) {
                    connections.add(new NetConnection(c.getType(), address(c.getLocalAddress()), c.getLocalPort(),
                            address(c.getForeignAddress()), c.getForeignPort(), c.getState().name(),
                            Math.max(0, c.getowningProcessId())));
                }
            }
        } catch (RuntimeException e) {
            portProblem = "listening ports unreadable: " + e.getMessage();
        }
        ports.sort(Comparator.comparingInt(ListeningPort::port).thenComparing(ListeningPort::address));
        latest = new HostSnapshot(t, infos, ports, connections);
        List<Sample> samples = List.of(
                Sample.of(HostMetrics.PROCESS_COUNT, t, infos.size()),
                Sample.of(HostMetrics.LISTENING_PORT_COUNT, t, ports.size()));
        return new PollResult(samples, portProblem == null ? SourceHealth.ok() : SourceHealth.degraded(portProblem));
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
