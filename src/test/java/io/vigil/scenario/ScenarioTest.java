package io.vigil.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.host.HostMetrics;
import io.vigil.host.NetConnection;
import io.vigil.host.ProcessInfo;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.Sample;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ScenarioTest {

    private final Scenario demo;

    ScenarioTest() throws ScenarioException {
        demo = ScenarioFile.builtInDemo();
    }

    @Test
    void curvesInterpolateHoldAndJitterDeterministically() {
        Curve c = new Curve(new long[] {0, 1000, 2000}, new double[] {0, 10, 10}, 0, 0);
        assertEquals(5, c.at(500));
        assertEquals(10, c.at(5000), "held after the last point");
        Curve noisy = new Curve(new long[] {0}, new double[] {50}, 3, 7);
        for (long t = 0; t < 600_000; t += 997) {
            double v = noisy.at(t);
            assertTrue(v >= 47 && v <= 53, "jitter stays within ±3: " + v);
            assertEquals(v, noisy.at(t), "the same instant reads the same value");
        }
    }

    @Test
    void theBuiltInDemoHasTheIncidentAtTwoThirteen() {
        assertEquals(4, demo.gpus().size());
        ManualClock clock = new ManualClock(demo.start().plus(Duration.ofHours(4).plusMinutes(12)));
        ScenarioProcessReader processes = new ScenarioProcessReader(demo, clock);
        assertTrue(processes.read().stream().noneMatch(p -> p.commandLine().contains("stratum")), "no miner at 02:12");
        clock.advance(Duration.ofMinutes(2));
        ProcessInfo miner = processes.read().stream().filter(p -> p.commandLine().contains("stratum+tcp://"))
                .findFirst().orElseThrow();
        assertEquals("kthreadd-helper", miner.name());
        List<NetConnection> pool = new ScenarioNetworkReader(demo, clock).read().connections().stream()
                .filter(c -> c.pid() == miner.pid() && c.remotePort() == 3333).toList();
        assertEquals(1, pool.size());
        double gpu2 = demo.curve(MetricId.of("gpu.utilization", "gpu", "2")).orElseThrow().at(demo.offsetMillis(clock.instant()));
        assertTrue(gpu2 > 90, "GPU 2 busy: " + gpu2);
    }

    @Test
    void theDemosXidReachesTheGpuSourceOncePerLoop() throws Exception {
        ManualClock clock = new ManualClock(demo.start().plus(Duration.ofHours(4).plusMinutes(39)));
        io.vigil.gpu.GpuSource source = new io.vigil.gpu.GpuSource(
                List.of(() -> new ScenarioGpuReader(demo)), Duration.ofSeconds(1));
        assertTrue(xids(source, clock).isEmpty(), "no XID before 02:40");
        clock.advance(Duration.ofMinutes(2));
        List<Sample> first = xids(source, clock);
        assertEquals(1, first.size(), "XID 31 once: " + first);
        MetricId id = first.getFirst().metric();
        assertEquals("GPU-e5a93b18-7d4c-4f6e-a2b9-8c1e0f5d7a34", id.labels().get("gpu"), "GPU 3 by its UUID");
        assertEquals("31", id.labels().get("xid"));
        assertEquals(demo.start().plus(Duration.ofHours(4).plusMinutes(40)).toEpochMilli(), first.getFirst().epochMillis(),
                "stamped when it happened");
        clock.advance(Duration.ofMinutes(1));
        assertTrue(xids(source, clock).isEmpty(), "not published again");
        clock.advance(demo.length());
        assertEquals(1, xids(source, clock).size(), "the next loop's XID is a new event");
    }

    private static List<Sample> xids(io.vigil.gpu.GpuSource source, ManualClock clock) throws Exception {
        return source.poll(clock.instant()).samples().stream()
                .filter(s -> s.metric().name().equals(io.vigil.gpu.GpuMetrics.XID)).toList();
    }

    @Test
    void hostReaderEmitsTheHostCurvesAndLoops() {
        ScenarioHostReader reader = new ScenarioHostReader(demo);
        Instant egress = demo.start().plus(Duration.ofHours(5));
        double tx = value(reader.read(egress).samples(), HostMetrics.NET_TX_BYTES_PER_S);
        assertTrue(tx > 50e6, "egress high at 03:00: " + tx);
        Instant nextLoop = egress.plus(demo.length());
        assertEquals(tx, value(reader.read(nextLoop).samples(), HostMetrics.NET_TX_BYTES_PER_S), "loops");
        assertTrue(reader.read(egress).samples().stream().allMatch(s -> s.metric().name().startsWith("host.")));
    }

    private static double value(List<Sample> samples, MetricId id) {
        return samples.stream().filter(s -> s.metric().equals(id)).findFirst().orElseThrow().value();
    }

    @Test
    void badFilesSayWhereAndWhat() {
        ScenarioException typo = assertThrows(ScenarioException.class, () -> ScenarioFile.parse(
                "name: x\nstart: 2026-01-01T00:00:00Z\nlength: 1h\nproceses: []\n".getBytes(StandardCharsets.UTF_8), "s.yaml"));
        assertTrue(typo.getMessage().startsWith("s.yaml:4:1: unknown key 'proceses'; expected one of"), typo.getMessage());
        assertTrue(typo.getMessage().contains("processes"), typo.getMessage());
        ScenarioException duration = assertThrows(ScenarioException.class, () -> ScenarioFile.parse(
                "name: x\nstart: 2026-01-01T00:00:00Z\nlength: 1h\nprocesses: [{pid: 1, name: a, cmd: a, from: soon}]\n"
                        .getBytes(StandardCharsets.UTF_8), "s.yaml"));
        assertTrue(duration.getMessage().contains("processes[0].from: expected a duration"), duration.getMessage());
        ScenarioException start = assertThrows(ScenarioException.class, () -> ScenarioFile.parse(
                "name: x\nstart: tonight\nlength: 1h\n".getBytes(StandardCharsets.UTF_8), "s.yaml"));
        assertTrue(start.getMessage().contains("start: expected an instant"), start.getMessage());
        String bomb = "name: x\nstart: 2026-01-01T00:00:00Z\nlength: 1h\na: &a [1,1,1,1,1,1,1,1,1]\n"
                + "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n";
        assertThrows(ScenarioException.class, () -> ScenarioFile.parse(bomb.getBytes(StandardCharsets.UTF_8), "bomb.yaml"));
    }

    @Test
    void durationsAcceptCompoundForms() throws ScenarioException {
        assertEquals(Duration.ofMinutes(253), ScenarioFile.duration("4h13m", "f", "p"));
        assertEquals(Duration.ofMillis(1500), ScenarioFile.duration("1.5s", "f", "p"));
        assertEquals(Duration.ZERO, ScenarioFile.duration("0", "f", "p"));
        assertThrows(ScenarioException.class, () -> ScenarioFile.duration("4h 13m", "f", "p"));
        assertThrows(ScenarioException.class, () -> ScenarioFile.duration("13x", "f", "p"));
    }

    @Test
    void scenarioClockRunsFasterAndChangesSpeedWithoutAJump() {
        AtomicLong nanos = new AtomicLong(0);
        Instant start = Instant.parse("2026-03-13T22:00:00Z");
        ScenarioClock clock = new ScenarioClock(start, 30, ZoneOffset.UTC, nanos::get);
        nanos.addAndGet(Duration.ofMinutes(2).toNanos());
        assertEquals(start.plus(Duration.ofHours(1)), clock.instant(), "an hour in two minutes at 30×");
        clock.setSpeed(60);
        assertEquals(start.plus(Duration.ofHours(1)), clock.instant(), "no jump when the speed changes");
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        assertEquals(start.plus(Duration.ofHours(2)), clock.instant());
        assertThrows(IllegalArgumentException.class, () -> clock.setSpeed(0));
    }
}
