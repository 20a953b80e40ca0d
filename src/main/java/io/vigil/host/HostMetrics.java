package io.vigil.host;

import io.vigil.telemetry.MetricId;

/** Names of the host metrics, so that views, rules and the CLI agree on them. */
public final class HostMetrics {

    public static final MetricId CPU_PERCENT = MetricId.of("host.cpu.percent");
    public static final MetricId LOAD_1M = MetricId.of("host.load.1m");
    public static final MetricId LOAD_5M = MetricId.of("host.load.5m");
    public static final MetricId LOAD_15M = MetricId.of("host.load.15m");
    public static final MetricId MEMORY_USED_BYTES = MetricId.of("host.memory.used_bytes");
    public static final MetricId MEMORY_TOTAL_BYTES = MetricId.of("host.memory.total_bytes");
    public static final MetricId MEMORY_PERCENT = MetricId.of("host.memory.percent");
    public static final MetricId SWAP_USED_BYTES = MetricId.of("host.swap.used_bytes");
    public static final MetricId SWAP_TOTAL_BYTES = MetricId.of("host.swap.total_bytes");
    /** Totals over the interfaces that carry the host's own traffic, each byte once (see NetworkInterfaces). */
    public static final MetricId NET_RX_BYTES_PER_S = MetricId.of("host.net.rx_bytes_per_s");
    public static final MetricId NET_TX_BYTES_PER_S = MetricId.of("host.net.tx_bytes_per_s");
    public static final String NET_IF_RX = "host.net.if.rx_bytes_per_s";
    public static final String NET_IF_TX = "host.net.if.tx_bytes_per_s";
    public static final MetricId PROCESS_COUNT = MetricId.of("host.processes.count");
    public static final MetricId LISTENING_PORT_COUNT = MetricId.of("host.listening_ports.count");

    private HostMetrics() {
    }
}
