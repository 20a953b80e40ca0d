package io.vigil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.store.Database;
import io.vigil.store.RollupStore;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.SeriesStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backtest replays the same evaluation code and must agree with what ran live. */
class BacktestTest {

    static final Instant T0 = Instant.parse("2026-03-02T12:00:00Z");

    @Test
    void backtestReturnsTheFiringsLiveEvaluationSaw() throws Exception {
        Rule rule = EvaluatorTest.rule("id: hot\nmetric: gpu.temperature_c{gpu=\"*\"}\nreducer: avg\nwindow: 20s\n"
                + "warning: 80\ncritical: 88\nclear: 75\nfor: 15s\nkeep_firing_for: 10s");
        ManualClock clock = new ManualClock(T0);
        SeriesStore store = new SeriesStore(100_000);
        Evaluator live = new Evaluator(clock, MetricReader.of(store), DetectorInputs.none());
        live.setRules(List.of(rule));
        Random rnd = new Random(3);
        Map<String, Backtest.Firing> open = new HashMap<>();
        List<Backtest.Firing> liveFirings = new ArrayList<>();
        Instant end = T0.plus(Duration.ofMinutes(40));
        for (Instant t = T0; !t.isAfter(end); t = t.plusSeconds(1)) {
            clock.set(t);
            long s = Duration.between(T0, t).toSeconds();
            for (String gpu : List.of("0", "1")) {
                // Two heat episodes on GPU 0, one brief spike on GPU 1 (shorter than `for`).
                double base = 60 + rnd.nextGaussian() * 2;
                double v = gpu.equals("0") && ((s > 300 && s < 700) || (s > 1500 && s < 1600)) ? base + 35
                        : gpu.equals("1") && s > 1000 && s < 1010 ? base + 40 : base;
                store.append(MetricId.of("gpu.temperature_c", "gpu", gpu), t.toEpochMilli(), v);
            }
            Evaluation ev = live.tick();
            Map<String, RuleInstance> firing = new HashMap<>();
            ev.active().stream().filter(i -> i.phase() == InstancePhase.FIRING).forEach(i -> firing.put(i.dedupKey(), i));
            for (var e : firing.entrySet()) {
                open.putIfAbsent(e.getKey(), new Backtest.Firing("hot", e.getValue().subject(), e.getValue().labels(),
                        e.getValue().severity(), 0, e.getValue().firedAt(), null));
            }
            for (String k : List.copyOf(open.keySet())) {
                if (!firing.containsKey(k)) {
                    Backtest.Firing f = open.remove(k);
                    liveFirings.add(new Backtest.Firing(f.ruleId(), f.subject(), f.labels(), f.peakSeverity(), 0, f.start(), t));
                }
            }
        }
        assertEquals(2, liveFirings.size(), "two episodes on GPU 0; the short spike on GPU 1 never fired");

        Backtest.Result replay = Backtest.run(rule, MetricReader.of(store), T0, end, Duration.ofSeconds(1));
        assertEquals(liveFirings.size(), replay.firings().size());
        for (int i = 0; i < liveFirings.size(); i++) {
            assertEquals(liveFirings.get(i).start(), replay.firings().get(i).start());
            assertEquals(liveFirings.get(i).end(), replay.firings().get(i).end());
            assertEquals(liveFirings.get(i).subject(), replay.firings().get(i).subject());
        }
        assertEquals(Severity.CRITICAL, replay.firings().getFirst().peakSeverity());
        assertEquals(2401, replay.ticks());
    }

    @Test
    void backtestReadsStoredRollupsAfterARestart(@TempDir Path dir) throws Exception {
        ManualClock clock = new ManualClock(T0);
        Rule rule = EvaluatorTest.rule("id: cpu\nmetric: host.cpu.percent\nreducer: avg\nwindow: 1m\nwarning: 80\nfor: 2m");
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            RollupStore rollups = new RollupStore(db, clock);
            List<Sample> samples = new ArrayList<>();
            for (int s = 0; s < 3600; s++) {
                double v = s >= 1200 && s < 1800 ? 95 : 20;
                samples.add(new Sample(MetricId.of("host.cpu.percent"), T0.plusSeconds(s).toEpochMilli(), v));
            }
            rollups.onSamples("host", samples);
            clock.set(T0.plusSeconds(3600));
            rollups.flushAll();
        }
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            RollupStore rollups = new RollupStore(db, clock);
            Instant to = T0.plusSeconds(3600);
            MetricReader history = Backtest.history(rule, rollups, to.minus(Duration.ofHours(24)), to);
            Backtest.Result r = Backtest.run(rule, history, to.minus(Duration.ofHours(24)), to, Duration.ofSeconds(10));
            assertEquals(1, r.firings().size(), r.toString());
            Backtest.Firing f = r.firings().getFirst();
            // Busy from 20:00 to 30:00 min; the 1 min average passes 80 about 50 s in, then `for` adds 2 min.
            long startMin = Duration.between(T0, f.start()).toSeconds();
            assertTrue(startMin >= 1200 + 120 && startMin <= 1200 + 200, "fired at " + startMin + " s");
            assertTrue(f.end() != null && Duration.between(T0, f.end()).toSeconds() <= 1800 + 60);
        }
    }

    @Test
    void processDetectorsAreNotReplayedAndSaySo() throws Exception {
        Rule rule = EvaluatorTest.rule("id: m\ndetector: miner_signature");
        Backtest.Result r = Backtest.run(rule, MetricReader.of(new SeriesStore(10)), T0, T0.plusSeconds(60), Duration.ofSeconds(10));
        assertTrue(r.firings().isEmpty());
        assertTrue(r.note().contains("cannot be replayed"), r.note());
    }
}
