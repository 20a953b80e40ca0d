package io.vigil.fleet;

import io.vigil.telemetry.SeriesPoints;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Several fleet endpoints read as one fleet: nodes of all of them, in name order. One endpoint
 * failing is a problem of the snapshot, not a failed read, unless all fail. History is asked of the
 * endpoint that last reported the node. Thread-safe as its readers are.
 */
public final class CompositeFleetReader implements FleetReader {

    private final List<FleetReader> readers;
    private final Map<String, FleetReader> byNode = new ConcurrentHashMap<>();

    public CompositeFleetReader(List<FleetReader> readers) {
        if (readers.isEmpty()) {
            throw new IllegalArgumentException("no fleet readers");
        }
        this.readers = List.copyOf(readers);
    }

    @Override
    public String origin() {
        return String.join(", ", readers.stream().map(FleetReader::origin).toList());
    }

    @Override
    public FleetSnapshot read(Instant now) throws FleetException {
        List<FleetNode> nodes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        FleetException first = null;
        int failed = 0;
        for (FleetReader r : readers) {
            try {
                FleetSnapshot s = r.read(now);
                nodes.addAll(s.nodes());
                problems.addAll(s.problems());
                s.nodes().forEach(n -> byNode.put(n.name(), r));
            } catch (FleetException e) {
                failed++;
                first = first == null ? e : first;
                problems.add(e.getMessage());
            }
        }
        if (failed == readers.size()) {
            throw first;
        }
        nodes.sort(Comparator.comparing(FleetNode::name));
        return new FleetSnapshot(now.toEpochMilli(), origin(), nodes, problems);
    }

    @Override
    public SeriesPoints history(String node, String gpuUuid, FleetMetric metric, Instant start, Instant end,
                                int maxPoints) throws FleetException {
        FleetReader r = byNode.getOrDefault(node, readers.getFirst());
        return r.history(node, gpuUuid, metric, start, end, maxPoints);
    }

    @Override
    public void close() {
        readers.forEach(FleetReader::close);
    }
}
