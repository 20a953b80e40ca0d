package io.vigil.host;

import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Source;
import io.vigil.telemetry.SourceHealth;
import java.time.Duration;
import java.time.Instant;
import oshi.SystemInfo;

/**
 * CPU, load, memory, swap and network throughput of this machine (or of a scenario), as the
 * {@code host} source. A partial reading is DEGRADED with the reason.
 */
public final class HostSource implements Source {

    private final HostMetricsReader reader;
    private final Duration period;

    public HostSource(HostMetricsReader reader, Duration period) {
        this.reader = reader;
        this.period = period;
    }

    public static HostSource forThisMachine(SystemInfo systemInfo, Duration period) {
        return new HostSource(new OshiHostReader(systemInfo), period);
    }

    @Override
    public String id() {
        return "host";
    }

    @Override
    public String displayName() {
        return "Host";
    }

    @Override
    public Duration period() {
        return period;
    }

    @Override
    public PollResult poll(Instant now) throws Exception {
        HostMetricsReader.Reading r = reader.read(now);
        return new PollResult(r.samples(), r.problems().isEmpty()
                ? SourceHealth.ok() : SourceHealth.degraded(String.join("; ", r.problems())));
    }
}
