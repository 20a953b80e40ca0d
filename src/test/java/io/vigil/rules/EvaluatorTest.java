package io.vigil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.host.HostSnapshot;
import io.vigil.telemetry.HealthState;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesPoints;
import io.vigil.telemetry.SeriesStore;
import io.vigil.telemetry.SourceHealth;
import io.vigil.telemetry.SourceStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The evaluator against samples written at fake-clock times. */
class EvaluatorTest {

    static final Instant T0 = Instant.parse("2026-03-02T12:00:00Z");
    final ManualClock clock = new ManualClock(T0);
    final SeriesStore store = new SeriesStore(100_000);
    static final MetricId TEMP = MetricId.of("gpu.temperature_c", "gpu", "0");

    /** One rule written as the body of a list item of a rules file. */
    static Rule rule(String yaml) throws RuleFileException {
        StringBuilder sb = new StringBuilder("rules:\n");
        String[] lines = yaml.split("\n");
        for (int i = 0; i < lines.length; i++) {
            sb.append(i == 0 ? "  - " : "    ").append(lines[i]).append('\n');
        }
        return new RuleFile().parse("test.yaml", sb.toString()).getFirst();
    }

    Evaluator evaluator(Rule... rules) {
        Evaluator e = new Evaluator(clock, MetricReader.of(store), DetectorInputs.none());
        e.setRules(List.of(rules));
        return e;
    }

    /** Writes {@code value} at the clock's time, evaluates, advances one second; returns the evaluation. */
    Evaluation step(Evaluator e, MetricId id, double value) {
        store.append(id, clock.millis(), value);
        Evaluation ev = e.tick();
        clock.advance(Duration.ofSeconds(1));
        return ev;
    }

    static String phase(Evaluation ev) {
        return ev.active().isEmpty() ? "none" : ev.active().getFirst().phase().name();
    }

    @Test
    void forDelaysFiringUntilTheBreachHasLastedThatLong() throws Exception {
        Evaluator e = evaluator(rule("id: hot\nmetric: gpu.temperature_c{gpu=\"*\"}\nreducer: last\ncritical: 90\nfor: 5s"));
        for (int i = 0; i < 5; i++) {
            assertEquals("PENDING", phase(step(e, TEMP, 95)), "second " + i);
        }
        Evaluation ev = step(e, TEMP, 95);
        assertEquals("FIRING", phase(ev));
        assertEquals("GPU 0", ev.active().getFirst().subject());
        assertEquals(Severity.CRITICAL, ev.active().getFirst().severity());
        assertEquals("firing", ev.statuses().get("hot").state());
    }

    @Test
    void aBreachShorterThanForNeverFires() throws Exception {
        Evaluator e = evaluator(rule("id: hot\nmetric: gpu.temperature_c{gpu=\"*\"}\nreducer: last\ncritical: 90\nfor: 5s"));
        for (int i = 0; i < 3; i++) {
            step(e, TEMP, 95);
        }
        assertEquals("none", phase(step(e, TEMP, 70)));
        assertEquals("ok", e.tick().statuses().get("hot").state());
    }

    @Test
    void hysteresisStopsFlappingAroundTheThreshold() throws Exception {
        Evaluator withClear = evaluator(rule("id: hot\nmetric: gpu.temperature_c{gpu=\"*\"}\nreducer: last\ncritical: 90\nclear: 80"));
        double[] flapping = {91, 89, 91, 88, 90.5, 85, 92, 81};
        int changes = 0;
        String last = "none";
        for (double v : flapping) {
            String p = phase(step(withClear, TEMP, v));
            changes += p.equals(last) ? 0 : 1;
            last = p;
        }
        assertEquals(1, changes, "fired once and stayed firing between 80 and 90");
        assertEquals("none", phase(step(withClear, TEMP, 79)), "clears below the clear threshold");

        ManualClock other = new ManualClock(T0);
        SeriesStore s2 = new SeriesStore(1000);
        Evaluator noClear = new Evaluator(other, MetricReader.of(s2), DetectorInputs.none());
        noClear.setRules(List.of(rule("id: hot\nmetric: gpu.temperature_c{gpu=\"*\"}\nreducer: last\ncritical: 90")));
        int flaps = 0;
        last = "none";
        for (double v : flapping) {
            s2.append(TEMP, other.millis(), v);
            String p = phase(noClear.tick());
            other.advance(Duration.ofSeconds(1));
            flaps += p.equals(last) ? 0 : 1;
            last = p;
        }
        assertTrue(flaps >= 6, "without a clear threshold it flaps (" + flaps + " changes)");
    }

    @Test
    void keepFiringForHoldsAFiringInstanceAfterTheBreachEnds() throws Exception {
        Evaluator e = evaluator(rule("id: hot\nmetric: gpu.temperature_c{gpu=\"*\"}\nreducer: last\ncritical: 90\nkeep_firing_for: 3s"));
        assertEquals("FIRING", phase(step(e, TEMP, 95)));
        assertEquals("FIRING", phase(step(e, TEMP, 50)), "1 s after the last breach");
        assertEquals("FIRING", phase(step(e, TEMP, 50)), "2 s after");
        assertEquals("none", phase(step(e, TEMP, 50)), "3 s after the last breach it resolves");
    }

    @Test
    void warningAndCriticalThresholdsGiveTheSeverity() throws Exception {
        Evaluator e = evaluator(rule("id: hot\nmetric: gpu.temperature_c{gpu=\"*\"}\nreducer: last\nwarning: 80\ncritical: 90"));
        assertEquals(Severity.WARNING, step(e, TEMP, 85).active().getFirst().severity());
        assertEquals(Severity.CRITICAL, step(e, TEMP, 93).active().getFirst().severity());
    }

    @Test
    void noDataMapsToAlertingNormalOrKeepLast() throws Exception {
        MetricId missing = MetricId.of("gpu.lost", "gpu", "1");
        Evaluator alerting = evaluator(rule("id: a\nmetric: gpu.lost{gpu=\"1\"}\nreducer: last\ncritical: 1\nno_data: alerting\nwindow: 10s"));
        Evaluation ev = alerting.tick();
        assertEquals("FIRING", phase(ev), "nothing matches and no_data is alerting: silence is an alert");
        assertTrue(Double.isNaN(ev.active().getFirst().value()));
        assertEquals("1", ev.active().getFirst().identity().get("gpu"));

        Evaluator normal = evaluator(rule("id: n\nmetric: gpu.lost{gpu=\"1\"}\nreducer: last\ncritical: 1\nwindow: 10s"));
        assertEquals("none", phase(normal.tick()), "no_data defaults to normal");

        Evaluator keep = evaluator(rule("id: k\nmetric: gpu.lost{gpu=\"*\"}\nreducer: last\ncondition: \">=\"\ncritical: 1\nno_data: keep_last\nwindow: 5s"));
        assertEquals("FIRING", phase(step(keep, missing, 1)));
        clock.advance(Duration.ofSeconds(30));
        assertEquals("FIRING", phase(keep.tick()), "the series went quiet: keep_last keeps it firing");

        Evaluator normalAfter = evaluator(rule("id: n2\nmetric: gpu.lost{gpu=\"*\"}\nreducer: last\ncondition: \">=\"\ncritical: 1\nwindow: 5s"));
        assertEquals("FIRING", phase(step(normalAfter, missing, 1)));
        clock.advance(Duration.ofSeconds(30));
        assertEquals("none", phase(normalAfter.tick()), "with normal it resolves when data stops");
        assertEquals("no data", normalAfter.tick().statuses().get("n2").state());
    }

    @Test
    void errorsMapToAlertingNormalOrKeepLast() throws Exception {
        AtomicReference<Boolean> broken = new AtomicReference<>(false);
        MetricReader flaky = new MetricReader() {
            @Override
            public List<MetricId> ids() {
                if (broken.get()) {
                    throw new IllegalStateException("history unavailable");
                }
                return store.ids();
            }

            @Override
            public SeriesPoints read(MetricId id, long from, long to) {
                return store.read(id, from, to + 1, Integer.MAX_VALUE);
            }
        };
        for (String mode : List.of("alerting", "normal", "keep_last")) {
            Evaluator e = new Evaluator(clock, flaky, DetectorInputs.none());
            e.setRules(List.of(rule("id: r\nmetric: gpu.temperature_c{gpu=\"*\"}\nreducer: last\nwarning: 80\ncritical: 90\non_error: " + mode)));
            broken.set(false);
            store.append(TEMP, clock.millis(), 85);
            assertEquals(Severity.WARNING, e.tick().active().getFirst().severity());
            broken.set(true);
            Evaluation ev = e.tick();
            assertEquals("error", ev.statuses().get("r").state());
            assertEquals("history unavailable", ev.statuses().get("r").lastError());
            switch (mode) {
                case "alerting" -> assertEquals(Severity.CRITICAL, ev.active().getFirst().severity(),
                        "an error alerts at the top severity");
                case "normal" -> assertTrue(ev.active().isEmpty());
                default -> assertEquals(Severity.WARNING, ev.active().getFirst().severity(), "kept as it was");
            }
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void reducersFoldTheWindow() throws Exception {
        double[] values = {10, 40, 20, 30};
        for (int i = 0; i < values.length; i++) {
            store.append(TEMP, clock.millis() + i * 1000L, values[i]);
        }
        clock.advance(Duration.ofSeconds(3));
        SeriesPoints p = store.read(TEMP, T0.toEpochMilli(), clock.millis() + 1, 100);
        assertEquals(25, Reducer.AVG.apply(p));
        assertEquals(40, Reducer.MAX.apply(p));
        assertEquals(10, Reducer.MIN.apply(p));
        assertEquals(30, Reducer.LAST.apply(p));
        assertTrue(Double.isNaN(Reducer.AVG.apply(SeriesPoints.EMPTY)));
        // Through a rule: avg over the 1m window is 25, which breaches 24 but not 26.
        assertEquals(1, evaluator(rule("id: a\nmetric: gpu.temperature_c\nwarning: 24")).tick().active().size());
        assertEquals(0, evaluator(rule("id: a\nmetric: gpu.temperature_c\nwarning: 26")).tick().active().size());
        assertEquals(1, evaluator(rule("id: a\nmetric: gpu.temperature_c\nreducer: min\ncondition: \"<=\"\nwarning: 10")).tick().active().size());
        assertEquals(0, evaluator(rule("id: a\nmetric: gpu.temperature_c\nreducer: max\nwindow: 1s\nwarning: 35")).tick().active().size(),
                "a 1 s window sees only the last points");
    }

    @Test
    void rateOfChangeIsPerSecondOverTheWindow() throws Exception {
        MetricId ecc = MetricId.of("gpu.ecc.uncorrected", "gpu", "0", "counter", "volatile");
        Evaluator e = evaluator(rule("id: ecc\nmetric: gpu.ecc.uncorrected{gpu=\"*\",counter=\"volatile\"}\ncondition: rate_of_change\nwindow: 10s\ncritical: 0"));
        for (int i = 0; i < 5; i++) {
            assertEquals("none", phase(step(e, ecc, 3)), "a flat counter does not fire");
        }
        Evaluation ev = step(e, ecc, 5);
        assertEquals("FIRING", phase(ev));
        assertEquals(2 / 5.0, ev.active().getFirst().value(), 1e-9);
    }

    @Test
    void offHoursWindowRunsAcrossMidnight() throws Exception {
        Rule r = rule("id: night\nmetric: gpu.temperature_c\nreducer: last\nwarning: 0\nactive_hours:\n  from: \"22:00\"\n  to: \"06:00\"\n  zone: Europe/Berlin");
        TimeOfDayWindow w = r.activeHours().orElseThrow();
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        assertTrue(w.contains(java.time.ZonedDateTime.of(2026, 1, 10, 23, 30, 0, 0, berlin).toInstant()));
        assertTrue(w.contains(java.time.ZonedDateTime.of(2026, 1, 11, 5, 59, 0, 0, berlin).toInstant()));
        assertFalse(w.contains(java.time.ZonedDateTime.of(2026, 1, 11, 6, 0, 0, 0, berlin).toInstant()));
        assertFalse(w.contains(java.time.ZonedDateTime.of(2026, 1, 11, 12, 0, 0, 0, berlin).toInstant()));

        clock.set(java.time.ZonedDateTime.of(2026, 1, 10, 12, 0, 0, 0, berlin).toInstant());
        Evaluator e = evaluator(r);
        assertEquals("none", phase(step(e, TEMP, 50)), "midday: outside the window");
        assertEquals("inactive hours", e.tick().statuses().get("night").state());
        clock.set(java.time.ZonedDateTime.of(2026, 1, 10, 23, 0, 0, 0, berlin).toInstant());
        assertEquals("FIRING", phase(step(e, TEMP, 50)), "23:00 local: inside");
    }

    @Test
    void offHoursWindowKeepsLocalTimeAcrossDaylightSavingChanges() throws Exception {
        // Europe/Berlin springs forward on 2026-03-29 at 02:00 → 03:00 and falls back on 2026-10-25 03:00 → 02:00.
        TimeOfDayWindow w = new TimeOfDayWindow(java.time.LocalTime.of(1, 0), java.time.LocalTime.of(3, 30),
                ZoneId.of("Europe/Berlin"));
        assertTrue(w.contains(Instant.parse("2026-03-29T00:30:00Z")), "01:30 CET");
        assertTrue(w.contains(Instant.parse("2026-03-29T01:15:00Z")), "03:15 CEST, right after the jump");
        assertFalse(w.contains(Instant.parse("2026-03-29T01:45:00Z")), "03:45 CEST: after the window");
        // Fall back: 02:30 local happens twice; both are inside.
        assertTrue(w.contains(Instant.parse("2026-10-25T00:30:00Z")), "02:30 CEST");
        assertTrue(w.contains(Instant.parse("2026-10-25T01:30:00Z")), "02:30 CET (the repeated hour)");
        assertFalse(w.contains(Instant.parse("2026-10-25T02:45:00Z")), "03:45 CET");
        // In UTC terms the window is 30 minutes shorter in spring and longer in autumn, as a local window should be.
    }

    @Test
    void anomalyZFiresOnAPlantedSpikeButNotOnNoise() throws Exception {
        MetricId power = MetricId.of("gpu.power_watts", "gpu", "0");
        Rule r = rule("id: z\nmetric: gpu.power_watts{gpu=\"*\"}\ncondition: anomaly_z\nwindow: 5m\nwarning: 6\ncritical: 9");
        Random rnd = new Random(42);
        Evaluator noisy = evaluator(r);
        int fired = 0;
        for (int i = 0; i < 900; i++) {
            fired += step(noisy, power, 250 + rnd.nextGaussian() * 8).active().size();
        }
        assertEquals(0, fired, "15 minutes of gaussian noise (σ = 8 W) never reach z > 6");

        ManualClock c2 = new ManualClock(T0);
        SeriesStore s2 = new SeriesStore(10_000);
        Evaluator planted = new Evaluator(c2, MetricReader.of(s2), DetectorInputs.none());
        planted.setRules(List.of(r));
        List<Evaluation> evs = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            double v = 250 + rnd.nextGaussian() * 8 + (i == 300 ? 120 : 0);
            s2.append(power, c2.millis(), v);
            evs.add(planted.tick());
            c2.advance(Duration.ofSeconds(1));
        }
        assertTrue(evs.subList(0, 300).stream().allMatch(ev -> ev.active().isEmpty()), "quiet before the spike");
        Evaluation at = evs.get(300);
        assertEquals(1, at.active().size(), "the +120 W spike fires");
        assertEquals(Severity.CRITICAL, at.active().getFirst().severity());
        assertTrue(at.active().getFirst().value() > 9);
        assertTrue(evs.get(302).active().isEmpty(), "and resolves once it passed");
    }

    @Test
    void wassersteinDriftSeesADistributionChangingShape() throws Exception {
        MetricId mem = MetricId.of("gpu.memory.used_bytes", "gpu", "0");
        Rule r = rule("id: drift\ndetector: wasserstein_drift\nmetric: gpu.memory.used_bytes{gpu=\"*\"}\nwindow: 60s\nbaseline: 60s\nwarning: 5");
        Evaluator e = evaluator(r);
        Random rnd = new Random(7);
        Evaluation ev = null;
        for (int i = 0; i < 120; i++) {
            ev = step(e, mem, 100 + rnd.nextGaussian());
        }
        assertTrue(ev.active().isEmpty(), "same distribution: small distance");
        for (int i = 0; i < 60; i++) {
            ev = step(e, mem, 100 + (i % 2 == 0 ? 20 : -20) + rnd.nextGaussian());
        }
        assertEquals(1, ev.active().size(), "bimodal ±20 against a narrow baseline: distance ≈ 20");
        assertEquals(20, ev.active().getFirst().value(), 2.5);
    }

    @Test
    void aSourceThatNeverAnsweredIsNotAnAlert() throws Exception {
        DetectorInputs in = new DetectorInputs(() -> HostSnapshot.EMPTY, List::of, () -> List.of(new SourceStatus("gpu",
                "GPU", SourceHealth.down("No NVIDIA driver found"), null, T0, 3)), Signatures.builtIn());
        Evaluator e = new Evaluator(clock, MetricReader.of(store), in);
        e.setRules(List.of(rule("id: down\ndetector: source_down\nfor: 5m")));
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofMinutes(1));
            assertTrue(e.tick().active().isEmpty(), "no driver on this machine: not set up, not stale");
        }
    }

    @Test
    void sourceDownForLongerThanForFires() throws Exception {
        AtomicReference<HealthState> state = new AtomicReference<>(HealthState.OK);
        DetectorInputs in = new DetectorInputs(() -> HostSnapshot.EMPTY, List::of, () -> List.of(new SourceStatus("gpu", "GPU",
                state.get() == HealthState.OK ? SourceHealth.ok() : SourceHealth.down("NVML not found"),
                T0, T0, 0)), Signatures.builtIn());
        Evaluator e = new Evaluator(clock, MetricReader.of(store), in);
        e.setRules(List.of(rule("id: down\ndetector: source_down\nfor: 5m")));
        assertTrue(e.tick().active().isEmpty());
        state.set(HealthState.DOWN);
        clock.advance(Duration.ofMinutes(4));
        assertEquals("PENDING", phase(e.tick()));
        clock.advance(Duration.ofMinutes(2));
        e.tick();
        clock.advance(Duration.ofMinutes(2));
        Evaluation ev = e.tick();
        assertEquals("PENDING", phase(ev), "4 minutes DOWN: not yet");
        clock.advance(Duration.ofMinutes(1));
        ev = e.tick();
        assertEquals("FIRING", phase(ev));
        assertEquals("gpu", ev.active().getFirst().identity().get("source"));
        assertEquals("NVML not found", ev.active().getFirst().labels().get("reason"));
    }

    @Test
    void budgetPaceComparesMonthToDateWithTheBudget() throws Exception {
        clock.set(Instant.parse("2026-04-16T00:00:00Z")); // half of April has elapsed
        store.append(MetricId.of("cost.budget.monthly"), clock.millis(), 3000);
        store.append(MetricId.of("cost.mtd"), clock.millis(), 2400);
        Evaluation ev = evaluator(rule("id: pace\ndetector: budget_pace\nwindow: 1d\nwarning: 1.0\ncritical: 1.5")).tick();
        assertEquals(1.6, ev.active().getFirst().value(), 1e-9, "2400 spent where 1500 was the pace");
        assertEquals(Severity.CRITICAL, ev.active().getFirst().severity());
    }
}
