package io.vigil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.Eventually;
import io.vigil.gpu.GpuMetrics;
import io.vigil.gpu.GpuSource;
import io.vigil.gpu.nvml.FakeNvml;
import io.vigil.gpu.nvml.NvmlGpuReader;
import io.vigil.telemetry.HealthState;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.SeriesPoints;
import io.vigil.telemetry.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GPU identity is the UUID: a lost GPU and a driver re-initialisation that renumbers the GPUs
 * (the fake lists its cards in a new order) keep every card's series and alerts on that card. The
 * real FFM binding, the real GPU source and series store, the shipped rules.
 */
class GpuRenumberingTest {

    private static final String UUID_0 = "GPU-5eed0000-1c2d-4e5f-8a9b-000000abc000";
    private static final String UUID_1 = "GPU-5eed0001-1c2d-4e5f-8a9b-000000abc001";
    private static final String UUID_2 = "GPU-5eed0002-1c2d-4e5f-8a9b-000000abc002";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-30T03:00:00Z"));
    private final SeriesStore store = new SeriesStore(10_000);

    @AfterEach
    void inOrderAgain() {
        FakeNvml.unsetenv("FAKE_NVML_ORDER");
    }

    private void pollInto(GpuSource source, HealthState expected, String why) {
        PollResult r = source.poll(clock.instant());
        assertEquals(expected, r.health().state(), why + ": " + r.health());
        r.samples().forEach(s -> store.append(s.metric(), s.epochMillis(), s.value()));
    }

    @Test
    void aLostGpuAndARenumberingReInitKeepEachGpusSeriesAndAlertsOnItsUuid() throws Exception {
        // Card 2 is lost from its 2nd poll for 2 polls; it answers again after a re-initialisation.
        FakeNvml.configure(Map.of("FAKE_NVML_LOST_GPU", "2", "FAKE_NVML_LOST_AFTER", "1", "FAKE_NVML_LOST_FOR", "2"));
        GpuSource source = new GpuSource(List.of(() -> NvmlGpuReader.open(FakeNvml.LIBRARY.toString(),
                clock, Duration.ofMillis(200))), Duration.ofSeconds(1));
        Evaluator e = new Evaluator(clock, MetricReader.of(store), DetectorInputs.none());
        e.setRules(List.of(GpuSignalsDetectorTest.shippedRule("gpu-lost"), GpuSignalsDetectorTest.shippedRule("gpu-xid"),
                // Written before GPUs were keyed by UUID: names GPU 1 by index.
                EvaluatorTest.rule("id: legacy-hot\nmetric: gpu.temperature_c{gpu=\"1\"}\nreducer: last\nwarning: 45")));
        try (source) {
            pollInto(source, HealthState.OK, "first poll");
            assertEquals(Map.of("legacy-hot", UUID_1), firingAll(e.tick()),
                    "an index selector still finds the GPU that has that index now (card 1, 47 °C)");

            clock.advance(Duration.ofSeconds(1));
            pollInto(source, HealthState.DEGRADED, "card 2 is lost");
            assertEquals(Map.of("gpu-lost", UUID_2, "legacy-hot", UUID_1), firingAll(e.tick()));

            // The driver enumerates the cards in another order at its next real initialisation.
            FakeNvml.setenv("FAKE_NVML_ORDER", "2,0,1");
            clock.advance(Duration.ofSeconds(1));
            pollInto(source, HealthState.DEGRADED, "re-initialised inside the lost window: card 2 still lost");
            assertEquals(List.of(UUID_2, UUID_0, UUID_1), source.latest().gpus().stream().map(g -> g.uuid()).toList(),
                    "renumbered, and the lost card, which cannot say who it is, keeps its UUID");
            assertTrue(source.latest().gpus().getFirst().lost());
            Evaluation renumbered = e.tick();
            assertEquals(UUID_2, firingAll(renumbered).get("gpu-lost"), "the lost alert stays on card 2, now index 0");
            assertEquals("GPU 0 (" + UUID_2 + ")", subject(renumbered, "gpu-lost"), "showing the index it has now");

            clock.advance(Duration.ofSeconds(1));
            pollInto(source, HealthState.DEGRADED, "lost window over; back only after the next re-init");
            clock.advance(Duration.ofSeconds(1));
            pollInto(source, HealthState.OK, "card 2 is back, still at index 0");
            assertEquals(List.of(UUID_2, UUID_0, UUID_1), source.latest().gpus().stream().map(g -> g.uuid()).toList());
            assertEquals(null, firingAll(e.tick()).get("gpu-lost"), "cleared on card 2");

            // An XID on card 1 (index 2 now), through the event thread that re-armed after the re-init.
            FakeNvml.injectXid(1, 43);
            Eventually.until("the XID arrives", Duration.ofSeconds(30), () -> {
                clock.advance(Duration.ofMillis(100));
                pollInto(source, HealthState.OK, "waiting for the XID");
                return !source.latest().events().isEmpty();
            });
            assertEquals(2, source.latest().events().getFirst().gpu());
            assertEquals(UUID_1, source.latest().events().getFirst().uuid());
            Evaluation xid = e.tick();
            assertEquals(UUID_1, firingAll(xid).get("gpu-xid"));
            assertEquals("GPU 2 (" + UUID_1 + ") / XID 43: GPU stopped processing (a program hit a fault and its channel was stopped)",
                    subject(xid, "gpu-xid"));
        }

        // History never moved to another card: each card's series holds only its own values.
        assertAll(UUID_0, GpuMetrics.UTILIZATION, 10);
        assertAll(UUID_1, GpuMetrics.UTILIZATION, 40);
        assertAll(UUID_0, GpuMetrics.TEMPERATURE_C, 40);
        assertAll(UUID_1, GpuMetrics.TEMPERATURE_C, 47);
        assertAll(UUID_2, GpuMetrics.TEMPERATURE_C, 54); // (not read while it was lost)
        assertEquals(List.of(0.0, 1.0), distinct(UUID_0, GpuMetrics.INDEX), "card 0 was index 0, then 1");
        assertEquals(List.of(2.0, 0.0), distinct(UUID_2, GpuMetrics.INDEX), "card 2 was index 2, then 0");
        assertEquals(List.of(), store.idsNamed(GpuMetrics.UTILIZATION).stream()
                .filter(id -> id.label("gpu").matches("[0-9]+")).toList(), "no series keyed by index");
    }

    private void assertAll(String uuid, String metric, double value) {
        SeriesPoints p = store.read(MetricId.of(metric, "gpu", uuid), 0, Long.MAX_VALUE, Integer.MAX_VALUE);
        assertTrue(p.size() >= 3, uuid + " " + metric + " has " + p.size() + " points");
        double[] v = Arrays.copyOf(p.values(), p.size());
        assertTrue(Arrays.stream(v).allMatch(x -> x == value), uuid + " " + metric + ": " + Arrays.toString(v));
    }

    private List<Double> distinct(String uuid, String metric) {
        SeriesPoints p = store.read(MetricId.of(metric, "gpu", uuid), 0, Long.MAX_VALUE, Integer.MAX_VALUE);
        return Arrays.stream(Arrays.copyOf(p.values(), p.size())).boxed().distinct().toList();
    }

    /** Rule id to the GPU (gpu or uuid identity label) of each firing instance. */
    private static Map<String, String> firingAll(Evaluation ev) {
        return ev.active().stream().filter(i -> i.phase() == InstancePhase.FIRING)
                .collect(Collectors.toMap(RuleInstance::ruleId,
                        i -> i.identity().getOrDefault("gpu", i.identity().getOrDefault("uuid", "?"))));
    }

    private static String subject(Evaluation ev, String rule) {
        return ev.active().stream().filter(i -> i.ruleId().equals(rule)).findFirst().orElseThrow().subject();
    }
}
