package io.vigil.host;

import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.Source;
import io.vigil.telemetry.SourceHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import oshi.SystemInfo;

/**
 * The process list and the TCP sockets (listening ports, connections), on a slower period than the
 * host metrics because walking every process costs more. The latest {@link HostSnapshot} is kept for
 * views, detectors, the GPU process table and the inventory; {@link #latest()} is safe to call from
 * any thread.
 */
public final class HostProcessSource implements Source {

    private final Duration period;
    private final ProcessTableReader processes;
    private final NetworkTableReader network;
    private volatile HostSnapshot latest = HostSnapshot.EMPTY;

    public HostProcessSource(ProcessTableReader processes, NetworkTableReader network, Duration period) {
        this.period = period;
        this.processes = processes;
        this.network = network;
    }

    /** The fastest readers this OS offers: {@code /proc} on Linux (processes and sockets), OSHI elsewhere. */
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
        NetworkTableReader network = ProcNetReader.isSupported()
                ? new ProcNetReader() : new OshiNetworkReader(systemInfo.getOperatingSystem());
        return new HostProcessSource(reader, network, period);
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
        NetworkTableReader.NetworkTable table = new NetworkTableReader.NetworkTable(List.of(), List.of());
        String problem = null;
        try {
            table = network.read();
        } catch (Exception e) {
            problem = "listening ports unreadable: " + e.getMessage();
        }
        latest = new HostSnapshot(t, infos, table.listening(), table.connections());
        List<Sample> samples = List.of(
                Sample.of(HostMetrics.PROCESS_COUNT, t, infos.size()),
                Sample.of(HostMetrics.LISTENING_PORT_COUNT, t, table.listening().size()));
        return new PollResult(samples, problem == null ? SourceHealth.ok() : SourceHealth.degraded(problem));
    }
}
