package io.vigil.host;

import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.Sample;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns interface byte counters into rates: one series per interface (every interface), and the
 * host totals over the interfaces {@link NetworkInterfaces} says carry the host's own traffic, so a
 * byte that crosses a veth, a bridge and the NIC is counted once. Not thread-safe.
 */
final class InterfaceRates {

    private final NetworkInterfaces interfaces;
    private final Map<String, long[]> previousCounters = new HashMap<>();
    private long previousNanos;
    private Set<String> countedNames = Set.of();
    private Set<String> counted = Set.of();

    InterfaceRates(NetworkInterfaces interfaces) {
        this.interfaces = interfaces;
    }

    /**
     * {@code counters}: interface name to {rx bytes, tx bytes} since boot; {@code nanos}: monotonic
     * time of the reading; {@code t}: its epoch milliseconds for the samples.
     */
    void update(long t, long nanos, Map<String, long[]> counters, List<Sample> out) {
        double seconds = previousNanos == 0 ? 0 : (nanos - previousNanos) / 1e9;
        if (!counters.keySet().equals(countedNames)) {
            // Which interfaces count only changes when one comes or goes (a container starting).
            countedNames = Set.copyOf(counters.keySet());
            counted = interfaces.countedInHostTotal(counters.keySet());
        }
        double totalRx = 0;
        double totalTx = 0;
        boolean haveRates = false;
        for (var e : counters.entrySet()) {
            String name = e.getKey();
            long[] now = e.getValue();
            long[] prev = previousCounters.get(name);
            if (prev == null || seconds <= 0) {
                continue;
            }
            // Counters reset when an interface is recreated; a negative delta is not traffic.
            double rxRate = Math.max(0, now[0] - prev[0]) / seconds;
            double txRate = Math.max(0, now[1] - prev[1]) / seconds;
            out.add(Sample.of(MetricId.of(HostMetrics.NET_IF_RX, "if", name), t, rxRate));
            out.add(Sample.of(MetricId.of(HostMetrics.NET_IF_TX, "if", name), t, txRate));
            if (counted.contains(name)) {
                totalRx += rxRate;
                totalTx += txRate;
            }
            haveRates = true;
        }
        previousCounters.clear();
        previousCounters.putAll(counters);
        previousNanos = nanos;
        if (haveRates || seconds > 0) {
            out.add(Sample.of(HostMetrics.NET_RX_BYTES_PER_S, t, totalRx));
            out.add(Sample.of(HostMetrics.NET_TX_BYTES_PER_S, t, totalTx));
        }
    }
}
