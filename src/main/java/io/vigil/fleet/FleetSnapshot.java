package io.vigil.fleet;

import java.util.List;

/**
 * The whole fleet read at one moment (epoch milliseconds): every node in name order, where it came
 * from ({@code prometheus http://…} or {@code scenario …}), and problems that did not stop the
 * reading (one query failing, an exporter mapping that matched nothing). This is the one immutable
 * per-poll view that the Fleet view, the CLI and the detectors read. Thread-safe.
 */
public record FleetSnapshot(long epochMillis, String origin, List<FleetNode> nodes, List<String> problems) {

    public static final FleetSnapshot EMPTY = new FleetSnapshot(0, "", List.of(), List.of());

    public FleetSnapshot {
        nodes = List.copyOf(nodes);
        problems = List.copyOf(problems);
        origin = origin == null ? "" : origin;
    }

    /** Every GPU of every node, node by node. */
    public List<FleetGpu> gpus() {
        return nodes.stream().flatMap(n -> n.gpus().stream()).toList();
    }
}
