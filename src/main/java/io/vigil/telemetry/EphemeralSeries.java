package io.vigil.telemetry;

import java.util.List;

/**
 * Which series are short-lived by nature: one per process id (GPU process memory, labelled
 * {@code pid}) or per container network interface (label {@code if} named {@code veth…},
 * {@code cali…} (Calico) or {@code lxc…} (Cilium)). Fleet series (label {@code node}) are kept the
 * same way: up to 1,000 nodes × 8 GPUs × 6 metrics, whose history Prometheus holds (the drill-down
 * asks it); Vigil keeps only the recent window its rules need. On a busy host a new one appears every second
 * or minute and is gone soon after; kept like the GPU's own series, they would grow the heap and
 * the database without bound.
 *
 * <p>So the {@link SeriesStore} gives them a short ring ({@link SeriesStore#EPHEMERAL_CAPACITY}
 * points) and frees them {@link SeriesStore#EPHEMERAL_SPAN} after their last point, and the
 * roll-ups do not store them: their history is the live view and the alerts they raised.
 *
 * <p>Stateless and thread-safe.
 */
public final class EphemeralSeries {

    /** Name prefixes of virtual interfaces that container runtimes create and delete. */
    static final List<String> CONTAINER_INTERFACE_PREFIXES = List.of("veth", "cali", "lxc");

    private EphemeralSeries() {
    }

    /** Whether {@code id} is a per-process, per-container-interface or fleet series. */
    public static boolean matches(MetricId id) {
        if (id.labels().containsKey("pid") || id.labels().containsKey("node")) {
            return true;
        }
        String iface = id.label("if");
        if (iface != null) {
            for (String prefix : CONTAINER_INTERFACE_PREFIXES) {
                if (iface.startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }
}
