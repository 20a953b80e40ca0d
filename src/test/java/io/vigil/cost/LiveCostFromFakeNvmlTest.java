package io.vigil.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gpu.GpuSource;
import io.vigil.gpu.GpuSnapshot;
import io.vigil.gpu.nvml.FakeNvml;
import io.vigil.gpu.nvml.NvmlGpuReader;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The cost series from the fake libnvidia-ml's energy counter, through the real FFM binding and the
 * real GPU source, on a manual clock. The fake adds one second of each GPU's power to its counter per
 * poll (GPU 0: 150.123 J, GPU 1: 200.123 J) and reports that power as its reading too; polling every
 * 2 s of the clock, the counter says half of it, so the figure shows which one the estimate used.
 */
class LiveCostFromFakeNvmlTest {

    private static final double USD_PER_KWH = 1.0;
    private static final double G5_12XL_PER_GPU = 5.672 / 4;

    @Test
    void theCostSeriesComeFromTheEnergyCounterOverTheClocksTime() throws Exception {
        FakeNvml.configure(Map.of("FAKE_NVML_GPU_COUNT", "2"));
        ManualClock clock = new ManualClock(Instant.parse("2026-03-14T02:00:00Z"));
        GpuSource gpu = new GpuSource(List.of(() -> NvmlGpuReader.open(FakeNvml.LIBRARY.toString())), Duration.ofSeconds(1));
        LiveCostSource cost = new LiveCostSource(gpu::latest, new GpuPricing(GpuPriceTable.builtIn(), null),
                Optional.of("g5.12xlarge"), "test", Optional.empty(), USD_PER_KWH, Duration.ofSeconds(1));
        try (gpu) {
            gpu.poll(clock.instant());
            Map<MetricId, Double> first = values(cost.poll(clock.instant()));
            GpuSnapshot s = gpu.latest();
            String uuid0 = s.gpus().get(0).uuid();
            // No earlier counter yet: the first estimate uses the power reading (150.123 W).
            assertEquals(GpuCost.PowerSource.POWER_READING, cost.latest().gpus().get(0).powerFrom());
            assertEquals(G5_12XL_PER_GPU + 0.150123 * USD_PER_KWH, first.get(LiveCostMetrics.gpu(0, uuid0)), 1e-9);

            for (int i = 0; i < 3; i++) {
                clock.advance(Duration.ofSeconds(2));
                gpu.poll(clock.instant());
                Map<MetricId, Double> v = values(cost.poll(clock.instant()));
                GpuCost g0 = cost.latest().gpus().get(0);
                assertEquals(GpuCost.PowerSource.ENERGY_COUNTER, g0.powerFrom());
                assertEquals(150.123 / 2, g0.watts(), 1e-9, "150.123 J over 2 s of the clock");
                double gpu0 = G5_12XL_PER_GPU + 150.123 / 2 / 1000 * USD_PER_KWH;
                double gpu1 = G5_12XL_PER_GPU + 200.123 / 2 / 1000 * USD_PER_KWH;
                assertEquals(gpu0, v.get(LiveCostMetrics.gpu(0, uuid0)), 1e-9);
                assertEquals(gpu1, v.get(LiveCostMetrics.gpu(1, s.gpus().get(1).uuid())), 1e-9);
                assertEquals(gpu0 + gpu1, v.get(LiveCostMetrics.LIVE_PER_HOUR_ID), 1e-9);
            }
            // A poll with no new GPU reading publishes nothing new.
            assertTrue(cost.poll(clock.instant()).samples().isEmpty());

            @SuppressWarnings("unchecked")
            Map<String, Object> details = (Map<String, Object>) cost.statusDetails().get("liveCost");
            assertEquals("g5.12xlarge", details.get("instanceType"));
            assertEquals(Math.round(G5_12XL_PER_GPU * 10_000) / 10_000.0, details.get("usdPerGpuHour"));
            assertTrue(String.valueOf(details.get("priceFrom")).startsWith("built-in"), details.toString());
        }
    }

    @Test
    void aCounterThatGoesBackFallsBackToThePowerReading() throws Exception {
        FakeNvml.configure(Map.of("FAKE_NVML_GPU_COUNT", "1"));
        ManualClock clock = new ManualClock(Instant.parse("2026-03-14T02:00:00Z"));
        LiveCostEstimator estimator = new LiveCostEstimator();
        try (NvmlGpuReader reader = NvmlGpuReader.open(FakeNvml.LIBRARY.toString())) {
            GpuSnapshot a = reader.read(clock.millis());
            clock.advance(Duration.ofSeconds(1));
            GpuSnapshot b = reader.read(clock.millis());
            estimator.estimate(b, Optional.empty(), 0, "", "");
            // The driver reloaded: the older counter reading arrives as if new (the counter went back).
            clock.advance(Duration.ofSeconds(1));
            GpuSnapshot reloaded = new GpuSnapshot(clock.millis(), a.reader(), a.driverVersion(), a.gpus(), List.of());
            GpuCost g = estimator.estimate(reloaded, Optional.empty(), 0, "", "").gpus().getFirst();
            assertEquals(GpuCost.PowerSource.POWER_READING, g.powerFrom());
            assertEquals(150.123, g.watts(), 1e-9);
        }
    }

    private static Map<MetricId, Double> values(PollResult r) {
        Map<MetricId, Double> m = new HashMap<>();
        for (Sample s : r.samples()) {
            m.put(s.metric(), s.value());
        }
        return m;
    }
}
