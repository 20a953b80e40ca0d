package io.vigil.app;

import io.vigil.alerts.AlertManager;
import io.vigil.cost.LiveCostMetrics;
import io.vigil.scenario.Scenario;
import io.vigil.scenario.ScenarioFile;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesPoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * How much earlier the live estimate crosses an analyst's USD-per-hour threshold than billing data
 * does, on the demo's recorded night ({@code ./mvnw -Pbench verify -Dbench=cost}; docs/bench/cost.md).
 *
 * <p>Live side: the night replayed through the real pipeline (scenario readers, GPU source, live cost
 * source, series store, rules, alerts) on a manual clock in {@link #STEP} steps; the threshold is the
 * default rule {@code unexplained-gpu-cost} (critical at 5 USD/h per GPU no workload explains, for 2 min),
 * and its first breach and firing are taken from the alert events.
 *
 * <p>Billing side, a model (the scenario's Cost Explorer curve is drawn by hand, not recorded billing
 * data): the miner's GPU-hours are assumed billed on top of the usual spend at the live estimate's own
 * rate (the case most favourable to billing; a miner on an instance that runs anyway adds nothing to
 * the bill and billing never crosses). Cost Explorer refreshes every 8 h (~3×/day) and each refresh is
 * assumed to bring usage up to the refresh itself (no further processing delay, again favourable to
 * billing); the billing data crosses the threshold at the first refresh whose extra spend over the
 * 8 h since the previous one averages at least the threshold. The refresh times are not published,
 * so every phase of the 8 h cycle is tried, minute by minute.
 */
public final class CostLeadBench {

    static final Duration STEP = Duration.ofSeconds(30);
    static final Duration FROM = Duration.ofHours(4); // 02:00, 13 minutes before the miner
    static final Duration TO = Duration.ofHours(11).plusMinutes(30); // past the recorded anomaly and billing alarm
    static final Duration REFRESH = Duration.ofHours(8);
    static final double THRESHOLD_USD_PER_HOUR = 5;

    private CostLeadBench() {
    }

    /** Offsets from the scenario's start, and the billing model's crossings by refresh phase. */
    public record Result(Duration minerStart, Duration liveBreach, Duration liveFiring, double minerUsdPerHour,
                         Duration anomalyAlert, Duration billingAlarm, List<Duration> billingCrossingByPhase,
                         Duration billingCrossingAtMidnightPhase, Duration wallTime) {

        Duration leadAtMidnightPhase() {
            return billingCrossingAtMidnightPhase.minus(liveFiring);
        }

        List<Duration> leads() {
            List<Duration> out = new ArrayList<>();
            billingCrossingByPhase.forEach(c -> out.add(c.minus(liveFiring)));
            Collections.sort(out);
            return out;
        }
    }

    public static void run() throws Exception {
        Path dir = Files.createTempDirectory("vigil-cost-bench");
        Result r = measure(dir);
        List<Duration> leads = r.leads();
        Scenario s = ScenarioFile.builtInDemo();
        System.out.println("Live estimate vs billing data on the demo's recorded night (" + s.name() + ")");
        System.out.printf("  replay %s..%s in %d s steps took %d s%n", clock(s, FROM), clock(s, TO), STEP.toSeconds(),
                r.wallTime().toSeconds());
        System.out.printf("  miner starts                 %s%n", clock(s, r.minerStart()));
        System.out.printf("  live: rule breaches (>= $%.0f/h) %s, fires (after its 2 min) %s; miner's GPUs cost $%.2f/h%n",
                THRESHOLD_USD_PER_HOUR, clock(s, r.liveBreach()), clock(s, r.liveFiring()), r.minerUsdPerHour());
        System.out.printf("  billing model, refreshes at 00:00/08:00/16:00 UTC: crosses %s -> live is %s earlier%n",
                clock(s, r.billingCrossingAtMidnightPhase()), hm(r.leadAtMidnightPhase()));
        System.out.printf("  billing model, any refresh phase: live is %s to %s earlier (median %s)%n",
                hm(leads.getFirst()), hm(leads.getLast()), hm(leads.get(leads.size() / 2)));
        System.out.printf("  the recording's own billing signals: aws-cost-anomaly fires %s (%s later), "
                + "cloudwatch-billing-alarm %s (%s later)%n", clock(s, r.anomalyAlert()),
                hm(r.anomalyAlert().minus(r.liveFiring())), clock(s, r.billingAlarm()),
                hm(r.billingAlarm().minus(r.liveFiring())));
    }

    /** Replays the night in {@code dir} and applies the billing model. */
    public static Result measure(Path dir) throws Exception {
        long wallStart = System.nanoTime();
        Scenario scenario = ScenarioFile.builtInDemo();
        ManualClock clock = new ManualClock(scenario.start().plus(FROM));
        Map<String, Duration> first = new ConcurrentHashMap<>();
        Map<String, String> minerGpus = new ConcurrentHashMap<>();
        Map<String, Double> minerUsd = new TreeMap<>();
        try (Wiring wiring = Wiring.forScenario(new AppPaths(dir.resolve("config"), dir.resolve("data")), scenario, clock)) {
            AlertManager alerts = wiring.alertEngine().orElseThrow().alerts();
            alerts.addListener((alert, event) -> {
                Duration at = Duration.between(scenario.start(), clock.instant());
                first.putIfAbsent(alert.ruleId() + ":" + event.kind(), at);
                if (alert.ruleId().equals("unexplained-gpu-cost") && alert.labels().containsKey("pid")) {
                    minerGpus.put(alert.labels().get("gpu"), alert.labels().get("pid"));
                }
            });
            for (Duration t = FROM; t.compareTo(TO) < 0; t = t.plus(STEP)) {
                clock.advance(STEP);
                for (Future<?> poll : wiring.scheduler().tick()) {
                    poll.get(30, TimeUnit.SECONDS);
                }
                wiring.alertEngine().get().tick();
            }
            long now = clock.millis();
            for (MetricId id : wiring.series().idsNamed(LiveCostMetrics.GPU_COST_PER_HOUR)) {
                String gpu = id.label("gpu");
                if (minerGpus.containsKey(gpu)) {
                    SeriesPoints p = wiring.series().read(id, now - Duration.ofHours(1).toMillis(), now + 1, 100_000);
                    double sum = 0;
                    for (int i = 0; i < p.size(); i++) {
                        sum += p.values()[i];
                    }
                    minerUsd.put(gpu, sum / p.size());
                }
            }
        }
        int pid = Integer.parseInt(minerGpus.values().iterator().next());
        Duration minerStart = scenario.processes().stream().filter(p -> p.pid() == pid).findFirst().orElseThrow().from();
        double x = minerUsd.values().stream().mapToDouble(Double::doubleValue).sum();
        List<Duration> byPhase = new ArrayList<>();
        for (long phase = 0; phase < REFRESH.toMinutes(); phase++) {
            byPhase.add(billingCrossing(scenario.start(), minerStart, x, Duration.ofMinutes(phase)));
        }
        // Phase of refreshes at 00:00, 08:00, 16:00 UTC, as an offset into the scenario.
        LocalTime startTime = LocalTime.ofInstant(scenario.start(), ZoneOffset.UTC);
        Duration midnightPhase = Duration.ofMinutes(Math.floorMod(-startTime.toSecondOfDay() / 60, REFRESH.toMinutes()));
        return new Result(minerStart, first.get("unexplained-gpu-cost:pending"), first.get("unexplained-gpu-cost:firing"),
                x, first.get("aws-cost-anomaly:firing"), first.get("cloudwatch-billing-alarm:firing"), byPhase,
                billingCrossing(scenario.start(), minerStart, x, midnightPhase),
                Duration.ofNanos(System.nanoTime() - wallStart));
    }

    /**
     * The first refresh (every 8 h from {@code phase}, offsets from the scenario's start) whose extra
     * spend since the previous refresh averages the threshold: the miner billed at {@code usdPerHour}
     * from {@code minerStart}; null when it never does.
     */
    static Duration billingCrossing(Instant start, Duration minerStart, double usdPerHour, Duration phase) {
        if (usdPerHour < THRESHOLD_USD_PER_HOUR) {
            return null; // not even a whole interval of it averages the threshold: billing never crosses
        }
        for (Duration r = phase; ; r = r.plus(REFRESH)) {
            if (r.compareTo(minerStart) <= 0) {
                continue;
            }
            Duration billedWindow = r.minus(minerStart).compareTo(REFRESH) < 0 ? r.minus(minerStart) : REFRESH;
            double averageExcess = usdPerHour * billedWindow.toMillis() / REFRESH.toMillis();
            if (averageExcess >= THRESHOLD_USD_PER_HOUR) {
                return r;
            }
        }
    }

    private static String clock(Scenario s, Duration offset) {
        return offset == null ? "never" : LocalTime.ofInstant(s.start().plus(offset), ZoneOffset.UTC).toString();
    }

    private static String hm(Duration d) {
        return d.toHours() + " h " + d.toMinutesPart() + " min";
    }
}
