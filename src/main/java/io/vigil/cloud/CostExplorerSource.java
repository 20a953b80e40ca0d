package io.vigil.cloud;

import io.vigil.store.StoreException;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.Source;
import io.vigil.telemetry.SourceException;
import io.vigil.telemetry.SourceHealth;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import software.amazon.awssdk.services.costexplorer.CostExplorerClient;
import software.amazon.awssdk.services.costexplorer.model.Anomaly;
import software.amazon.awssdk.services.costexplorer.model.AnomalyDateInterval;
import software.amazon.awssdk.services.costexplorer.model.DateInterval;
import software.amazon.awssdk.services.costexplorer.model.GetAnomaliesResponse;
import software.amazon.awssdk.services.costexplorer.model.GetCostAndUsageResponse;
import software.amazon.awssdk.services.costexplorer.model.GetCostForecastResponse;
import software.amazon.awssdk.services.costexplorer.model.Granularity;
import software.amazon.awssdk.services.costexplorer.model.Group;
import software.amazon.awssdk.services.costexplorer.model.GroupDefinition;
import software.amazon.awssdk.services.costexplorer.model.GroupDefinitionType;
import software.amazon.awssdk.services.costexplorer.model.Metric;
import software.amazon.awssdk.services.costexplorer.model.MetricValue;
import software.amazon.awssdk.services.costexplorer.model.ResultByTime;
import software.amazon.awssdk.services.costexplorer.model.RootCause;

/**
 * Source {@code cost}: AWS Cost Explorer. Each poll (default hourly) re-reads the last
 * {@link #RECENT_DAYS} days by service; the whole window (the month so far and the last 30 days) is
 * re-read every {@code fullRefreshHours}, the forecast and the anomalies on their own, slower
 * schedules. Results are cached between polls, so at default settings a day costs about 36 paid
 * requests, under the budget of 50 (ADR 0200); the {@link RequestBudget} stops any request beyond it.
 *
 * <p>A failure of the cost query makes the poll fail (DOWN, with the guidance of {@link AwsProblem}
 * and its retry time); a failing forecast or anomaly query only degrades it; an exhausted budget
 * keeps the cached figures and degrades it until 00:00 UTC.
 *
 * <p>Thread-safety: {@link #poll} runs on one thread at a time (the scheduler's promise);
 * {@link #latest()} and {@link #statusDetails()} may be called from any thread.
 */
public final class CostExplorerSource implements Source {

    /** Days re-read at every poll: AWS still revises the last two days' estimates. */
    static final int RECENT_DAYS = 3;
    static final int WINDOW_DAYS = 30;
    static final String COST_METRIC = "UnblendedCost";
    private static final String SERVICE = "Cost Explorer";

    private final AwsClients clients;
    private final RequestBudget budget;
    private final CloudSettings settings;
    private final TreeMap<LocalDate, DailyCost> days = new TreeMap<>();
    private Instant costsAt;
    private Instant fullAt;
    private Instant forecastAt;
    private double forecastRestOfMonth = Double.NaN;
    private LocalDate forecastMonth;
    private Instant anomaliesAt;
    private List<CostAnomaly> anomalies = List.of();
    private int consecutiveFailures;
    private volatile CostSnapshot latest;

    public CostExplorerSource(AwsClients clients, RequestBudget budget) {
        this.clients = clients;
        this.budget = budget;
        this.settings = clients.settings();
        this.latest = CostSnapshot.empty(settings.monthlyBudgetUsd(), budget.dailyLimit());
    }

    @Override
    public String id() {
        return "cost";
    }

    @Override
    public String displayName() {
        return "AWS cost";
    }

    @Override
    public Duration period() {
        return settings.costExplorer().period();
    }

    @Override
    public Duration pollTimeout() {
        // Several paged calls, each bounded by the client's API-call timeout.
        return Duration.ofMinutes(3);
    }

    /** The newest snapshot; never null. */
    public CostSnapshot latest() {
        return latest;
    }

    @Override
    public PollResult poll(Instant now) throws SourceException {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate windowStart = windowStart(today);
        List<String> partial = new ArrayList<>();
        AwsProblem budgetProblem = null;

        boolean full = fullAt == null || !now.isBefore(fullAt.plus(settings.costExplorer().fullRefresh()))
                || days.isEmpty() || days.firstKey().isAfter(windowStart);
        CostExplorerClient ce = null;
        try {
            ce = clients.costExplorer(); // built here, on the poll thread, once
            LocalDate from = full ? windowStart : today.minusDays(RECENT_DAYS - 1L);
            Map<LocalDate, DailyCost> read = readCosts(ce, from, today.plusDays(1));
            days.subMap(from, true, today, true).clear();
            days.putAll(read);
            days.headMap(windowStart, false).clear();
            costsAt = now;
            if (full) {
                fullAt = now;
            }
        } catch (RuntimeException e) {
            AwsProblem p = fail(e);
            if (p.kind() != AwsProblem.Kind.BUDGET_EXHAUSTED || costsAt == null) {
                latest = latest.withProblem(p, requestsToday());
                throw new SourceException(p.message(), p.retryAfter() != null ? p.retryAfter()
                        : Duration.between(now, budget.resetsAt()), e);
            }
            budgetProblem = p;
        }

        boolean newMonth = forecastMonth != null && !forecastMonth.equals(today.withDayOfMonth(1));
        if (budgetProblem == null && (newMonth || due(forecastAt, settings.costExplorer().forecastRefresh(), now))) {
            try {
                forecastRestOfMonth = readForecast(ce, today);
                forecastMonth = today.withDayOfMonth(1);
                forecastAt = now;
            } catch (RuntimeException e) {
                AwsProblem p = AwsProblem.classify(e, SERVICE, clients.profileName(), 1);
                partial.add("forecast unavailable: " + p.message());
                if (p.kind() == AwsProblem.Kind.BUDGET_EXHAUSTED) {
                    budgetProblem = p;
                }
            }
        }
        if (budgetProblem == null && due(anomaliesAt, settings.costExplorer().anomalyRefresh(), now)) {
            try {
                anomalies = readAnomalies(ce, today);
                anomaliesAt = now;
            } catch (RuntimeException e) {
                AwsProblem p = AwsProblem.classify(e, SERVICE, clients.profileName(), 1);
                partial.add("anomalies unavailable: " + p.message());
                if (p.kind() == AwsProblem.Kind.BUDGET_EXHAUSTED) {
                    budgetProblem = p;
                }
            }
        }
        consecutiveFailures = 0;

        CostSnapshot snapshot = snapshot(now, today, budgetProblem);
        latest = snapshot;
        List<Sample> samples = samples(snapshot, now, today);
        if (budgetProblem != null) {
            return new PollResult(samples, SourceHealth.degraded(budgetProblem.message() + "; showing figures as of "
                    + costsAt.atZone(ZoneOffset.UTC).toLocalTime().withNano(0) + " UTC"));
        }
        if (!partial.isEmpty()) {
            return new PollResult(samples, SourceHealth.degraded(String.join("; ", partial)));
        }
        return PollResult.ok(samples);
    }

    private AwsProblem fail(RuntimeException e) {
        consecutiveFailures++;
        return AwsProblem.classify(e, SERVICE, clients.profileName(), consecutiveFailures);
    }

    private static boolean due(Instant last, Duration every, Instant now) {
        return last == null || !now.isBefore(last.plus(every));
    }

    /** The first day shown: the 1st of the month or 29 days ago, whichever is earlier. */
    static LocalDate windowStart(LocalDate today) {
        LocalDate monthStart = today.withDayOfMonth(1);
        LocalDate thirty = today.minusDays(WINDOW_DAYS - 1L);
        return monthStart.isBefore(thirty) ? monthStart : thirty;
    }

    private Map<LocalDate, DailyCost> readCosts(CostExplorerClient ce, LocalDate from, LocalDate toExclusive) {
        Map<LocalDate, Map<String, Double>> amounts = new TreeMap<>();
        Map<LocalDate, Boolean> estimated = new HashMap<>();
        String token = null;
        do {
            String page = token;
            GetCostAndUsageResponse r = ce.getCostAndUsage(b -> b
                    .timePeriod(DateInterval.builder().start(from.toString()).end(toExclusive.toString()).build())
                    .granularity(Granularity.DAILY)
                    .metrics(COST_METRIC)
                    .groupBy(GroupDefinition.builder().type(GroupDefinitionType.DIMENSION).key("SERVICE").build())
                    .nextPageToken(page));
            for (ResultByTime rt : r.resultsByTime()) {
                LocalDate day = LocalDate.parse(rt.timePeriod().start().substring(0, 10));
                Map<String, Double> byService = amounts.computeIfAbsent(day, d -> new LinkedHashMap<>());
                estimated.merge(day, Boolean.TRUE.equals(rt.estimated()), (a, b) -> a || b);
                for (Group g : rt.groups()) {
                    MetricValue mv = g.metrics().get(COST_METRIC);
                    if (mv == null || mv.amount() == null || g.keys().isEmpty()) {
                        continue;
                    }
                    // Amounts are decimal strings; AWS may page one day's groups across responses.
                    byService.merge(g.keys().getFirst(), Double.parseDouble(mv.amount()), Double::sum);
                }
            }
            token = r.nextPageToken();
        } while (token != null && !token.isEmpty());
        Map<LocalDate, DailyCost> out = new TreeMap<>();
        for (LocalDate d = from; d.isBefore(toExclusive); d = d.plusDays(1)) {
            out.put(d, new DailyCost(d, amounts.getOrDefault(d, Map.of()), estimated.getOrDefault(d, false)));
        }
        return out;
    }

    /** AWS's forecast from today to the end of the month, USD. */
    private static double readForecast(CostExplorerClient ce, LocalDate today) {
        LocalDate nextMonth = today.withDayOfMonth(1).plusMonths(1);
        GetCostForecastResponse r = ce.getCostForecast(b -> b
                .timePeriod(DateInterval.builder().start(today.toString()).end(nextMonth.toString()).build())
                .metric(Metric.UNBLENDED_COST)
                .granularity(Granularity.MONTHLY));
        return Double.parseDouble(r.total().amount());
    }

    private static List<CostAnomaly> readAnomalies(CostExplorerClient ce, LocalDate today) {
        List<CostAnomaly> out = new ArrayList<>();
        String token = null;
        do {
            String page = token;
            GetAnomaliesResponse r = ce.getAnomalies(b -> b
                    .dateInterval(AnomalyDateInterval.builder().startDate(today.minusDays(WINDOW_DAYS).toString())
                            .endDate(today.toString()).build())
                    .nextPageToken(page));
            for (Anomaly a : r.anomalies()) {
                out.add(toAnomaly(a));
            }
            token = r.nextPageToken();
        } while (token != null && !token.isEmpty());
        // Largest impact first: that is the order an analyst works through them.
        out.sort((x, y) -> Double.compare(y.totalImpactUsd(), x.totalImpactUsd()));
        return out;
    }

    private static CostAnomaly toAnomaly(Anomaly a) {
        List<CostAnomaly.RootCause> causes = new ArrayList<>();
        for (RootCause rc : a.rootCauses()) {
            causes.add(new CostAnomaly.RootCause(nz(rc.service()), nz(rc.linkedAccount()), nz(rc.linkedAccountName()),
                    nz(rc.region()), nz(rc.usageType())));
        }
        Optional<LocalDate> end = a.anomalyEndDate() == null || a.anomalyEndDate().isBlank()
                ? Optional.empty() : Optional.of(LocalDate.parse(a.anomalyEndDate().substring(0, 10)));
        double max = a.anomalyScore() == null || a.anomalyScore().maxScore() == null ? 0 : a.anomalyScore().maxScore();
        double cur = a.anomalyScore() == null || a.anomalyScore().currentScore() == null
                ? 0 : a.anomalyScore().currentScore();
        double total = a.impact() == null || a.impact().totalImpact() == null ? 0 : a.impact().totalImpact();
        double maxImpact = a.impact() == null || a.impact().maxImpact() == null ? 0 : a.impact().maxImpact();
        return new CostAnomaly(a.anomalyId(), LocalDate.parse(a.anomalyStartDate().substring(0, 10)), end,
                nz(a.dimensionValue()), max, cur, total, maxImpact, causes, nz(a.monitorArn()));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private CostSnapshot snapshot(Instant now, LocalDate today, AwsProblem problem) {
        List<DailyCost> list = List.copyOf(days.values());
        DailyCost todays = days.get(today);
        double todayUsd = todays == null ? 0 : todays.total();
        double mtd = 0;
        for (DailyCost d : days.tailMap(today.withDayOfMonth(1), true).values()) {
            mtd += d.total();
        }
        OptionalDouble eom = Double.isNaN(forecastRestOfMonth) ? OptionalDouble.empty()
                // The forecast starts today, so today's spend so far is inside it.
                : OptionalDouble.of(mtd - todayUsd + Math.max(forecastRestOfMonth, todayUsd));
        double monthly = settings.monthlyBudgetUsd();
        OptionalDouble pace = OptionalDouble.empty();
        if (monthly > 0) {
            double elapsed = elapsedFractionOfMonth(now);
            pace = OptionalDouble.of(elapsed <= 0 ? 0 : mtd / (monthly * elapsed));
        }
        return new CostSnapshot(Optional.ofNullable(costsAt), Optional.ofNullable(forecastAt),
                Optional.ofNullable(anomaliesAt), list, todayUsd, mtd, eom, monthly, pace, anomalies, requestsToday(),
                budget.dailyLimit(), Optional.ofNullable(problem));
    }

    /** Fraction of the UTC month elapsed at {@code now}, 0..1. */
    static double elapsedFractionOfMonth(Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant start = today.withDayOfMonth(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant end = today.withDayOfMonth(1).plusMonths(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        return (double) Duration.between(start, now).toMillis() / Duration.between(start, end).toMillis();
    }

    private int requestsToday() {
        try {
            return budget.usedToday();
        } catch (StoreException e) {
            return 0;
        }
    }

    private static List<Sample> samples(CostSnapshot s, Instant now, LocalDate today) {
        long t = now.toEpochMilli();
        List<Sample> out = new ArrayList<>();
        out.add(Sample.of(CostMetrics.DAILY_TOTAL_ID, t, s.todayUsd()));
        for (DailyCost d : s.days()) {
            if (d.day().equals(today)) {
                d.byService().forEach((service, usd) ->
                        out.add(Sample.of(MetricId.of(CostMetrics.DAILY_BY_SERVICE, "service", service), t, usd)));
            }
        }
        out.add(Sample.of(CostMetrics.MTD_ID, t, s.mtdUsd()));
        s.forecastEomUsd().ifPresent(v -> out.add(Sample.of(CostMetrics.FORECAST_EOM_ID, t, v)));
        if (s.monthlyBudgetUsd() > 0) {
            out.add(Sample.of(MetricId.of(CostMetrics.BUDGET_MONTHLY), t, s.monthlyBudgetUsd()));
        }
        s.paceRatio().ifPresent(v -> out.add(Sample.of(MetricId.of(CostMetrics.BUDGET_PACE_RATIO), t, v)));
        for (CostAnomaly a : s.anomalies()) {
            if (a.isOpen(today)) {
                out.add(Sample.of(MetricId.of(CostMetrics.ANOMALY_IMPACT, "id", a.id()), t, a.totalImpactUsd()));
            }
        }
        out.add(Sample.of(MetricId.of(CostMetrics.REQUESTS_TODAY), t, s.requestsToday()));
        return out;
    }

    @Override
    public Map<String, Object> statusDetails() {
        CostSnapshot s = latest;
        Map<String, Object> cost = new LinkedHashMap<>();
        cost.put("asOf", s.costsAsOf().map(Instant::toString).orElse(null));
        cost.put("todayUsd", round2(s.todayUsd()));
        cost.put("mtdUsd", round2(s.mtdUsd()));
        cost.put("forecastEomUsd", s.forecastEomUsd().isPresent() ? round2(s.forecastEomUsd().getAsDouble()) : null);
        cost.put("monthlyBudgetUsd", s.monthlyBudgetUsd() > 0 ? s.monthlyBudgetUsd() : null);
        cost.put("paceRatio", s.paceRatio().isPresent() ? round2(s.paceRatio().getAsDouble()) : null);
        LocalDate today = s.costsAsOf().map(i -> LocalDate.ofInstant(i, ZoneOffset.UTC)).orElse(LocalDate.MIN);
        cost.put("openAnomalies", s.anomalies().stream().filter(a -> a.isOpen(today)).count());
        Map<String, Object> req = new LinkedHashMap<>();
        int used = requestsToday();
        req.put("usedToday", used);
        req.put("dailyLimit", budget.dailyLimit());
        req.put("costTodayUsd", round2(used * RequestBudget.USD_PER_REQUEST));
        req.put("resetsAt", budget.resetsAt().toString());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cost", cost);
        out.put("requestBudget", req);
        s.problem().ifPresent(p -> out.put("problem", p.message()));
        return out;
    }

    static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    @Override
    public void close() {
        clients.close();
    }
}
