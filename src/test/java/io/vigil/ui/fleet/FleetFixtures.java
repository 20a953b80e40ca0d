package io.vigil.ui.fleet;

import io.vigil.fleet.FleetException;
import io.vigil.fleet.FleetGpu;
import io.vigil.fleet.FleetMetric;
import io.vigil.fleet.FleetNode;
import io.vigil.fleet.FleetProcess;
import io.vigil.fleet.FleetReader;
import io.vigil.fleet.FleetSnapshot;
import io.vigil.fleet.NodeHealth;
import io.vigil.telemetry.SeriesPoints;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

/** Small fleets for the Fleet view's tests, and a fake reader that records history calls. */
final class FleetFixtures {

    private FleetFixtures() {
    }

    static FleetGpu gpu(String node, int index, double util, double tempC, double powerW, double ecc, FleetProcess... procs) {
        Map<String, String> labels = procs.length == 0 ? Map.of("modelName", "NVIDIA H100 80GB HBM3")
                : Map.of("modelName", "NVIDIA H100 80GB HBM3", "pod", procs[0].pod(), "namespace", procs[0].namespace());
        return new FleetGpu(node, "GPU-" + node + "-" + index, index, "NVIDIA H100 80GB HBM3", labels,
                OptionalDouble.of(util), OptionalDouble.of(40e9), OptionalDouble.of(80e9), OptionalDouble.of(tempC),
                OptionalDouble.of(powerW), OptionalDouble.of(700), OptionalDouble.of(ecc), OptionalDouble.of(0),
                List.of(procs));
    }

    static FleetProcess proc(int pid, String name, String pod, String namespace) {
        return new FleetProcess(pid, name, OptionalLong.of(4L << 30), pod, namespace, "main");
    }

    /** A node whose GPUs all read {@code util} % and {@code tempC} °C. */
    static FleetNode up(String name, String cluster, int gpus, double util, double tempC) {
        List<FleetGpu> list = new ArrayList<>();
        for (int i = 0; i < gpus; i++) {
            list.add(gpu(name, i, util, tempC + i * 0.1, 100 + util * 5, 0,
                    proc(1000 + i, "torchrun", "train-" + name, "llm")));
        }
        return node(name, cluster, list);
    }

    static FleetNode node(String name, String cluster, List<FleetGpu> gpus) {
        return new FleetNode(name, Map.of("cluster", cluster), NodeHealth.UP, "", 1_000, OptionalDouble.of(40),
                OptionalDouble.of(100e9), OptionalDouble.of(512e9), OptionalDouble.of(1e6), OptionalDouble.of(2e6), gpus);
    }

    static FleetNode down(String name, String cluster, String error, long lastScrapeMillis) {
        return new FleetNode(name, Map.of("cluster", cluster), NodeHealth.DOWN, error, lastScrapeMillis,
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), List.of());
    }

    static FleetSnapshot snapshot(long t, FleetNode... nodes) {
        return new FleetSnapshot(t, "prometheus http://test:9090", List.of(nodes), List.of());
    }

    /** A reader whose history is a ramp per metric, recording each call (thread and arguments). */
    static final class RecordingReader implements FleetReader {
        record Call(String node, String uuid, FleetMetric metric, Instant start, Instant end, int maxPoints, String thread) {
        }

        final List<Call> calls = new CopyOnWriteArrayList<>();
        volatile FleetException failWith;

        @Override
        public String origin() {
            return "recording reader";
        }

        @Override
        public FleetSnapshot read(Instant now) {
            throw new UnsupportedOperationException("the view never reads the fleet itself");
        }

        @Override
        public SeriesPoints history(String node, String gpuUuid, FleetMetric metric, Instant start, Instant end,
                                    int maxPoints) throws FleetException {
            calls.add(new Call(node, gpuUuid, metric, start, end, maxPoints, Thread.currentThread().getName()));
            if (failWith != null) {
                throw failWith;
            }
            int n = Math.min(maxPoints, 60);
            long[] t = new long[n];
            double[] v = new double[n];
            long step = (end.toEpochMilli() - start.toEpochMilli()) / Math.max(1, n - 1);
            for (int i = 0; i < n; i++) {
                t[i] = start.toEpochMilli() + i * step;
                v[i] = metric == FleetMetric.UTILIZATION ? i * 100.0 / n : 50;
            }
            return new SeriesPoints(t, v, n);
        }
    }
}
