package io.vigil.rules;

import io.vigil.store.RollupStore;
import io.vigil.store.StoreException;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesPoints;
import io.vigil.telemetry.SeriesStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays recorded history through the same {@link Evaluator} the app runs live, tick by tick, and
 * reports when the rule would have fired. Only metric-based detectors can be replayed; process and
 * source-health detectors need live data and are refused with a message. Stateless; each run builds
 * its own evaluator.
 */
public final class Backtest {

    /** One period during which an instance was firing; {@code end} is null when still firing at the end. */
    public record Firing(String ruleId, String subject, Map<String, String> labels, Severity peakSeverity,
                         double peakValue, Instant start, Instant end) {
    }

    /** The firings, and how many ticks were evaluated. */
    public record Result(List<Firing> firings, int ticks, String note) {
    }

    private Backtest() {
    }

    /** Replays {@code rule} over {@code reader} from {@code from} to {@code to}, one tick every {@code step}. */
    public static Result run(Rule rule, MetricReader reader, Instant from, Instant to, Duration step) {
        if (!rule.detector().replayable()) {
            return new Result(List.of(), 0, "the " + rule.detector().key()
                    + " detector needs live process or source data and cannot be replayed from metric history");
        }
        Rule enabled = new Rule(rule.id(), rule.description(), true, rule.detector(), rule.selector(),
                rule.condition(), rule.reducer(), rule.window(), rule.warning(), rule.critical(), rule.clear(),
                rule.forDuration(), rule.keepFiringFor(), rule.noData(), rule.onError(), rule.activeHours(),
                rule.labels(), rule.runbook(), rule.playbook(), rule.baseline(), rule.ewmaAlpha(), rule.promql(),
                rule.fleetPlaybook());
        ReplayClock clock = new ReplayClock(from);
        Evaluator evaluator = new Evaluator(clock, reader, DetectorInputs.none());
        evaluator.setRules(List.of(enabled));
        Map<String, Firing> open = new HashMap<>();
        List<Firing> done = new ArrayList<>();
        int ticks = 0;
        for (Instant t = from; !t.isAfter(to); t = t.plus(step)) {
            clock.now = t;
            Evaluation ev = evaluator.tick();
            ticks++;
            Map<String, RuleInstance> firing = new HashMap<>();
            for (RuleInstance i : ev.active()) {
                if (i.phase() == InstancePhase.FIRING) {
                    firing.put(i.dedupKey(), i);
                }
            }
            for (var e : firing.entrySet()) {
                RuleInstance i = e.getValue();
                Firing f = open.get(e.getKey());
                if (f == null) {
                    open.put(e.getKey(), new Firing(rule.id(), i.subject(), i.labels(), i.severity(), i.value(),
                            i.firedAt(), null));
                } else {
                    Severity sev = i.severity().compareTo(f.peakSeverity()) > 0 ? i.severity() : f.peakSeverity();
                    double peak = Double.isNaN(f.peakValue()) || (!Double.isNaN(i.value())
                            && (rule.condition().below() ? i.value() < f.peakValue() : i.value() > f.peakValue()))
                            ? i.value() : f.peakValue();
                    open.put(e.getKey(), new Firing(f.ruleId(), f.subject(), f.labels(), sev, peak, f.start(), null));
                }
            }
            for (String key : List.copyOf(open.keySet())) {
                if (!firing.containsKey(key)) {
                    Firing f = open.remove(key);
                    done.add(new Firing(f.ruleId(), f.subject(), f.labels(), f.peakSeverity(), f.peakValue(), f.start(), t));
                }
            }
        }
        done.addAll(open.values());
        done.sort((a, b) -> a.start().compareTo(b.start()));
        return new Result(done, ticks, "");
    }

    /**
     * Loads the history of every series the rule selects from {@code rollups} (10 s buckets when the
     * range fits in their retention, else 1 min), as a reader for {@link #run}.
     */
    public static MetricReader history(Rule rule, RollupStore rollups, Instant from, Instant to) throws StoreException {
        return history(rule, rollups, null, from, to);
    }

    /**
     * As {@link #history(Rule, RollupStore, Instant, Instant)}, completed with the live points of
     * {@code live} newer than the last stored bucket (roll-ups are written every few seconds, so the
     * newest minutes are only in memory). {@code live} may be null.
     */
    public static MetricReader history(Rule rule, RollupStore rollups, SeriesStore live, Instant from, Instant to)
            throws StoreException {
        boolean fine = Duration.between(from, to).compareTo(RollupStore.RETAIN_10S) <= 0;
        int resolution = fine ? 10 : 60;
        long start = from.toEpochMilli() - rule.window().toMillis() - rule.baseline().toMillis();
        // Room for one point a second over the whole range (live points are that dense), capped.
        int capacity = (int) Math.min(8_000_000, (to.toEpochMilli() - start) / 1000 + 16);
        SeriesStore store = new SeriesStore(capacity);
        List<MetricId> wanted = new ArrayList<>();
        for (MetricId id : rollups.metricIds()) {
            if (rule.selector() == null ? id.name().startsWith("cost.") : rule.selector().matches(id)) {
                wanted.add(id);
            }
        }
        if (live != null) {
            for (MetricId id : live.ids()) {
                if (!wanted.contains(id) && (rule.selector() == null ? id.name().startsWith("cost.")
                        : rule.selector().matches(id))) {
                    wanted.add(id);
                }
            }
        }
        for (MetricId id : wanted) {
            long last = start - 1;
            for (var r : rollups.read(id, resolution, start, to.toEpochMilli() + 1)) {
                store.append(id, r.bucketStartMillis(), r.mean());
                last = r.bucketStartMillis() + resolution * 1000L - 1;
            }
            if (live != null) {
                SeriesPoints p = live.read(id, last + 1, to.toEpochMilli() + 1, Integer.MAX_VALUE);
                for (int i = 0; i < p.size(); i++) {
                    store.append(id, p.times()[i], p.values()[i]);
                }
            }
        }
        return MetricReader.of(store);
    }

    /** The default tick for a range: 10 s up to 2 days, else 1 min (the roll-up resolutions). */
    public static Duration stepFor(Duration range) {
        return range.compareTo(RollupStore.RETAIN_10S) <= 0 ? Duration.ofSeconds(10) : Duration.ofMinutes(1);
    }

    /** A clock the backtest moves by hand. */
    private static final class ReplayClock extends Clock {
        Instant now;

        ReplayClock(Instant start) {
            now = start;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** For tests: the points a reader returns, to compare live and replayed inputs. */
    static SeriesPoints window(MetricReader r, MetricId id, Instant from, Instant to) {
        return r.read(id, from.toEpochMilli(), to.toEpochMilli());
    }
}
