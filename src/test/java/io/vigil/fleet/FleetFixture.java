package io.vigil.fleet;

import java.util.List;
import java.util.Map;

/**
 * Three GPU nodes behind a real Prometheus, for the fleet tests: {@code gpu-a} (127.0.0.2,
 * dcgm-exporter 3.x with {@code Hostname} and older pod labels, 2 × A100), {@code 127.0.0.3}
 * (nvidia_gpu_exporter with compute apps, a miner on GPU 1, 2 × L40S; that exporter names no host)
 * and {@code gpu-c} (127.0.0.4, dcgm-exporter 4.x with {@code hostname}, an XID 79 and a pod label
 * holding an escape sequence, 1 × H100), each with a node_exporter. Every target has the label
 * {@code cluster="lab"}. Start it once per test class; {@link #close()} kills Prometheus and the
 * exporters.
 */
public final class FleetFixture implements AutoCloseable {

    public final FakeExporter dcgmA = new FakeExporter("127.0.0.2", FakeExporter.fixture("dcgm-exporter-gpu-a.metrics"));
    public final FakeExporter nodeA = new FakeExporter("127.0.0.2", FakeExporter.fixture("node-exporter.metrics"));
    public final FakeExporter smiB = new FakeExporter("127.0.0.3", FakeExporter.fixture("nvidia-gpu-exporter-gpu-b.metrics"));
    public final FakeExporter nodeB = new FakeExporter("127.0.0.3", FakeExporter.fixture("node-exporter.metrics"));
    public final FakeExporter dcgmC = new FakeExporter("127.0.0.4", FakeExporter.fixture("dcgm-exporter-gpu-c.metrics"));
    public final FakeExporter nodeC = new FakeExporter("127.0.0.4", FakeExporter.fixture("node-exporter.metrics"));
    public final PrometheusHarness prometheus;

    public FleetFixture() {
        Map<String, String> lab = Map.of("cluster", "lab");
        PrometheusHarness p = null;
        try {
            p = PrometheusHarness.start(List.of(
                    new PrometheusHarness.Job("dcgm", List.of(dcgmA.target(), dcgmC.target()), lab, false, "1s"),
                    new PrometheusHarness.Job("nvidia_gpu", List.of(smiB.target()), lab, false, "1s"),
                    new PrometheusHarness.Job("node", List.of(nodeA.target(), nodeB.target(), nodeC.target()), lab, false, "1s")));
            p.awaitTargetsUp(6);
        } catch (RuntimeException | AssertionError e) {
            if (p != null) {
                p.close();
            }
            closeExporters();
            throw e;
        }
        this.prometheus = p;
    }

    public List<FakeExporter> exporters() {
        return List.of(dcgmA, nodeA, smiB, nodeB, dcgmC, nodeC);
    }

    private void closeExporters() {
        exporters().forEach(FakeExporter::close);
    }

    @Override
    public void close() {
        try {
            if (prometheus != null) {
                prometheus.close();
            }
        } finally {
            closeExporters();
        }
    }
}
