package io.vigil.scenario;

import io.vigil.cloud.CostAnomaly;
import io.vigil.cloud.CostReadings;
import io.vigil.cloud.CostSnapshot;
import io.vigil.cloud.DailyCost;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.Source;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Source {@code cost} of a scenario replay, standing in for Cost Explorer: the same metric names
 * ({@code cost.*} curves, one {@code cost.anomaly.impact{id}} per open anomaly) for the rules, and
 * the same {@link CostSnapshot} for the Cloud view (ADR 0850): 30 days and the month so far of spend
 * by service from the scenario's {@code costs} baseline, the curves' today, month to date, forecast
 * and budget, and the anomalies AWS has reported by now. Dates follow the scenario's own time (its
 * start plus the offset in the loop), so a looping replay shows the same days again. No request
 * leaves the machine.
 *
 * <p>Thread-safe: {@link #poll} runs on one thread at a time; {@link #latest()} from any thread.
 */
public final class ScenarioCostSource implements Source, CostReadings {

    static final int WINDOW_DAYS = 30;
    static final String MONITOR_ARN = "arn:aws:ce::123456789012:anomalymonitor/demo-services";

    private final Scenario scenario;
    private final Duration period;
    private final int requestLimit;
    private volatile CostSnapshot latest;

    /** @param requestLimit the daily Cost Explorer budget shown beside the (always zero) requests */
    public ScenarioCostSource(Scenario scenario, Duration period, int requestLimit) {
        this.scenario = scenario;
        this.period = period;
        this.requestLimit = requestLimit;
        this.latest = CostSnapshot.empty(0, requestLimit);
    }

    @Override
    public String id() {
        return "cost";
    }

    @Override
    public String displayName() {
        return "AWS cost (scenario)";
    }

    @Override
    public Duration period() {
        return period;
    }

    @Override
    public CostSnapshot latest() {
        return latest;
    }

    @Override
    public PollResult poll(Instant now) {
        long t = now.toEpochMilli();
        long offset = scenario.offsetMillis(now);
        List<Sample> out = new ArrayList<>(scenario.samplesOf("cost.", now, false));
        for (Scenario.CostAnomaly a : scenario.anomalies()) {
            if (offset >= a.from().toMillis()) {
                out.add(Sample.of(MetricId.of("cost.anomaly.impact", "id", a.id()), t, a.impactUsd()));
            }
        }
        latest = snapshot(scenario.virtualNow(now), offset);
        return PollResult.ok(out);
    }

    private double curve(String metric, long offset, double otherwise) {
        return scenario.curve(MetricId.of(metric)).map(c -> c.at(offset)).orElse(otherwise);
    }

    /** What Cost Explorer would answer at the scenario's instant {@code at}. */
    CostSnapshot snapshot(Instant at, long offset) {
        LocalDate today = LocalDate.ofInstant(at, ZoneOffset.UTC);
        double todayUsd = Math.max(0, curve("cost.daily.total", offset, 0));
        double mtd = Math.max(todayUsd, curve("cost.mtd", offset, 0));
        double budget = Math.max(0, curve("cost.budget.monthly", offset, 0));
        OptionalDouble forecast = scenario.curve(MetricId.of("cost.forecast.eom")).isPresent()
                ? OptionalDouble.of(curve("cost.forecast.eom", offset, 0)) : OptionalDouble.empty();
        List<DailyCost> days = days(today, at, todayUsd, mtd);
        OptionalDouble pace = OptionalDouble.empty();
        if (budget > 0) {
            double elapsed = elapsedFractionOfMonth(at);
            pace = OptionalDouble.of(elapsed <= 0 ? 0 : mtd / (budget * elapsed));
        }
        List<CostAnomaly> anomalies = new ArrayList<>();
        for (Scenario.CostAnomaly a : scenario.anomalies()) {
            if (offset >= a.from().toMillis()) {
                LocalDate start = LocalDate.ofInstant(scenario.start().plus(a.from()), ZoneOffset.UTC);
                anomalies.add(new CostAnomaly(a.id(), start, Optional.empty(), a.service(), a.score(), a.score(),
                        a.impactUsd(), a.impactUsd(), List.of(new CostAnomaly.RootCause(a.service(), a.account(), "",
                        a.region(), a.usageType())), MONITOR_ARN));
            }
        }
        Optional<Instant> asOf = Optional.of(at);
        return new CostSnapshot(asOf, forecast.isPresent() ? asOf : Optional.empty(), asOf, days, todayUsd, mtd,
                forecast, budget, pace, anomalies, 0, requestLimit, Optional.empty());
    }

    /**
     * The window's days by service: before this month, the baseline (with its daily jitter); this
     * month before today, the baseline scaled so that the days add up to month-to-date minus today;
     * today, the other services' share of the day so far and the rest on the incident's service.
     */
    private List<DailyCost> days(LocalDate today, Instant at, double todayUsd, double mtd) {
        Scenario.CostHistory h = scenario.costs();
        if (h.baselineUsd().isEmpty()) {
            return List.of(new DailyCost(today, Map.of("Total", todayUsd), true));
        }
        LocalDate monthStart = YearMonth.from(today).atDay(1);
        LocalDate first = today.minusDays(WINDOW_DAYS - 1).isBefore(monthStart)
                ? today.minusDays(WINDOW_DAYS - 1) : monthStart;
        List<LocalDate> dates = first.datesUntil(today).toList();
        List<Map<String, Double>> values = new ArrayList<>();
        double monthBaseline = 0;
        for (LocalDate d : dates) {
            Map<String, Double> byService = new LinkedHashMap<>();
            h.baselineUsd().forEach((s, usd) -> byService.put(s, usd * (1 + h.jitter() * noise(d, s))));
            values.add(byService);
            if (!d.isBefore(monthStart)) {
                monthBaseline += byService.values().stream().mapToDouble(Double::doubleValue).sum();
            }
        }
        double scale = monthBaseline <= 0 ? 1 : Math.max(0, mtd - todayUsd) / monthBaseline;
        List<DailyCost> out = new ArrayList<>();
        for (int i = 0; i < dates.size(); i++) {
            Map<String, Double> byService = values.get(i);
            if (!dates.get(i).isBefore(monthStart)) {
                byService.replaceAll((s, v) -> v * scale);
            }
            // AWS still revises the last two days.
            out.add(new DailyCost(dates.get(i), byService, !dates.get(i).isBefore(today.minusDays(2))));
        }
        double dayFraction = (at.getEpochSecond() - today.atStartOfDay(ZoneOffset.UTC).toEpochSecond()) / 86_400.0;
        Map<String, Double> todayByService = new LinkedHashMap<>();
        double others = 0;
        for (var e : h.baselineUsd().entrySet()) {
            if (!e.getKey().equals(h.incidentService())) {
                double v = Math.min(e.getValue() * dayFraction, Math.max(0, todayUsd - others));
                todayByService.put(e.getKey(), v);
                others += v;
            }
        }
        todayByService.put(h.incidentService(), Math.max(0, todayUsd - others));
        out.add(new DailyCost(today, todayByService, true));
        return out;
    }

    /** A deterministic value in [-1, 1] for a day and a service. */
    private static double noise(LocalDate day, String service) {
        long x = day.toEpochDay() * 0x9E3779B97F4A7C15L + service.hashCode();
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        return ((x >>> 11) / (double) (1L << 53)) * 2 - 1;
    }

    /** Fraction of the UTC month elapsed at {@code at}, 0..1 (as the Cost Explorer source computes it). */
    static double elapsedFractionOfMonth(Instant at) {
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        Instant monthStart = day.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant monthEnd = day.withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        return (double) Duration.between(monthStart, at).toMillis() / Duration.between(monthStart, monthEnd).toMillis();
    }
}
