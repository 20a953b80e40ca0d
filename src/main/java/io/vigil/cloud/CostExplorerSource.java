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
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
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
 * schedules. Results are cached between polls and, through {@link CostCache}, between processes: a
 * poll whose costs are younger than the configured period sends nothing (ADR 0211). The period adapts
 * to the budget left and to how many pages the last reads needed, so the day's polls fit the daily
 * budget by construction (ADR 0212); the {@link RequestBudget} stops any request beyond it anyway.
 *
 * <p>A throttled or 5xx page is retried inside the poll with backoff and jitter; pages already read
 * are kept, and a poll that still fails resumes at the next poll from the page token (ADR 0210).
 *
 * <p>A failure of the cost query makes the poll fail (DOWN, with the guidance of {@link AwsProblem}
 * and its retry time); a failing forecast or anomaly query only degrades it; an exhausted budget
 * keeps the cached figures and degrades it until 00:00 UTC.
 *
 * <p>Thread-safety: {@link #poll} runs on one thread at a time (the scheduler's promise);
 * {@link #latest()} and {@link #statusDetails()} may be called from any thread.
 */
public final class CostExplorerSource implements Source, CostReadings {

    /** Days re-read at every poll: AWS still revises the last two days' estimates. */
    static final int RECENT_DAYS = 3;
    static final int WINDOW_DAYS = 30;
    static final String COST_METRIC = "UnblendedCost";
    private static final String SERVICE = "Cost Explorer";
    /** Attempts of one page inside a poll (throttling and 5xx only); each attempt is a paid request. */
    static final int PAGE_ATTEMPTS = 3;
    static final Duration RETRY_BASE = Duration.ofSeconds(2);
    static final Duration RETRY_CAP = Duration.ofSeconds(20);
    /** A half-read query older than this starts again from page 1 rather than trust an old token. */
    static final Duration PENDING_MAX_AGE = Duration.ofHours(1);

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
    private final CostCache cache;
    private final CredentialGate gate;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private PendingRead pending;
    private boolean restored;
    /** Pages the last reads needed; 0 while unknown. */
    private int recentPages;
    private int fullPages;
    private int anomalyPages;
    private volatile boolean refreshRequested;
    private volatile boolean servedFromCache;
    private volatile Duration period;

    public CostExplorerSource(AwsClients clients, RequestBudget budget) {
        this(clients, budget, Sleeper.THREAD, RandomGenerator.getDefault());
    }

    /**
     * @param sleeper waits between attempts of a page (tests: records and returns)
     * @param random  the jitter of those waits and of the retry after a failed poll
     */
    public CostExplorerSource(AwsClients clients, RequestBudget budget, Sleeper sleeper, RandomGenerator random) {
        this(clients, budget, sleeper, random, CredentialGate.forEnvironment(System.getenv()));
    }

    /** @param gate holds polls back after refused credentials until the credential files change */
    public CostExplorerSource(AwsClients clients, RequestBudget budget, Sleeper sleeper, RandomGenerator random,
                              CredentialGate gate) {
        this.gate = gate;
        this.clients = clients;
        this.budget = budget;
        this.settings = clients.settings();
        this.cache = budget.cache();
        this.sleeper = sleeper;
        this.random = random;
        this.period = settings.costExplorer().period();
        this.latest = CostSnapshot.empty(settings.monthlyBudgetUsd(), budget.dailyLimit());
    }

    /** The next poll reads AWS whatever the cache holds ("Retry now", {@code vigil status --refresh}). */
    @Override
    public void requestRefresh() {
        refreshRequested = true;
        gate.reset();
    }

    /** True when the last poll sent nothing and served figures read earlier (by this or another process). */
    public boolean servedFromCache() {
        return servedFromCache;
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
        // Computed at the end of each poll (adaptivePeriod); the scheduler reads it right after.
        return period;
    }

    @Override
    public Duration pollTimeout() {
        // Several paged calls, each bounded by the client's API-call timeout.
        return Duration.ofMinutes(3);
    }

    /** The newest snapshot; never null. */
    @Override
    public CostSnapshot latest() {
        return latest;
    }

    @Override
    public PollResult poll(Instant now) throws SourceException {
        try {
            return pollOnce(now);
        } finally {
            period = adaptivePeriod(now);
        }
    }

    private PollResult pollOnce(Instant now) throws SourceException {
        restoreOnce();
        boolean refresh = refreshRequested;
        refreshRequested = false;
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate windowStart = windowStart(today);
        List<String> partial = new ArrayList<>();
        AwsProblem budgetProblem = null;
        int usedBefore = requestsToday();

        boolean full = refresh || fullAt == null || !now.isBefore(fullAt.plus(settings.costExplorer().fullRefresh()))
                || days.isEmpty() || days.firstKey().isAfter(windowStart);
        // Younger than the configured period (the analyst's freshness), same UTC day: serve what was paid for.
        boolean fresh = !full && costsAt != null && now.isBefore(costsAt.plus(settings.costExplorer().period()))
                && !costsAt.isAfter(now) && LocalDate.ofInstant(costsAt, ZoneOffset.UTC).equals(today);
        CostExplorerClient ce = null;
        Optional<AwsProblem> refused = fresh ? Optional.empty() : gate.stillRefused(now);
        if (refused.isPresent()) {
            // Credentials were refused and nothing changed since: say so again, send nothing.
            latest = costsAt != null ? snapshot(now, today, refused.get()) : latest.withProblem(refused.get(),
                    requestsToday());
            throw new SourceException(refused.get().message() + " (waiting for the AWS credential files to change)",
                    CredentialGate.RECHECK, null);
        }
        try {
            ce = clients.costExplorer(); // built here, on the poll thread, once
            if (!fresh) {
                LocalDate from = full ? windowStart : today.minusDays(RECENT_DAYS - 1L);
                Map<LocalDate, DailyCost> read = readCosts(ce, from, today.plusDays(1), now);
                days.subMap(from, true, today, true).clear();
                days.putAll(read);
                days.headMap(windowStart, false).clear();
                costsAt = now;
                if (full) {
                    fullAt = now;
                }
            }
        } catch (RuntimeException e) {
            AwsProblem p = fail(e);
            if (p.kind() != AwsProblem.Kind.BUDGET_EXHAUSTED || costsAt == null) {
                // Figures restored from the cache stay visible, with the current problem above them.
                latest = costsAt != null ? snapshot(now, today, p) : latest.withProblem(p, requestsToday());
                save();
                Duration retry = gate.failed(p, now);
                throw new SourceException(p.message(), retry == null ? Duration.between(now, budget.resetsAt())
                        : retry == p.retryAfter() ? jittered(p) : retry, e);
            }
            budgetProblem = p;
        }

        boolean newMonth = forecastMonth != null && !forecastMonth.equals(today.withDayOfMonth(1));
        if (budgetProblem == null && (refresh || newMonth
                || due(forecastAt, settings.costExplorer().forecastRefresh(), now))) {
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
        if (budgetProblem == null && (refresh || due(anomaliesAt, settings.costExplorer().anomalyRefresh(), now))) {
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
        gate.succeeded();
        boolean sent = requestsToday() != usedBefore;
        servedFromCache = !sent;
        if (sent) {
            save();
        }

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

    /**
     * One page, tried again inside this poll when AWS throttles or fails on its side (each attempt is
     * a paid request and counted), after an equal-jitter backoff: half of min(cap, base·2^n) plus a
     * random part of the other half, so clients throttled together do not retry together.
     */
    private <T> T withRetries(Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (AwsServiceException e) {
                if (attempt >= PAGE_ATTEMPTS || !retryable(e)) {
                    throw e;
                }
                try {
                    sleeper.sleep(pageBackoff(attempt, random));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    static boolean retryable(AwsServiceException e) {
        String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                ? "" : e.awsErrorDetails().errorCode().toLowerCase(java.util.Locale.ROOT);
        return e.isThrottlingException() || code.contains("throttl") || e.statusCode() == 429 || e.statusCode() >= 500;
    }

    /** The wait before attempt {@code attempt + 1} of a page: within [cap/2, cap], cap = min(20 s, 2 s·2^(n-1)). */
    static Duration pageBackoff(int attempt, RandomGenerator random) {
        long cap = Math.min(RETRY_CAP.toMillis(), RETRY_BASE.toMillis() << Math.min(attempt - 1, 10));
        return Duration.ofMillis(cap / 2 + random.nextLong(cap / 2 + 1));
    }

    /** The retry after a failed poll, spread by ±20 % for transient failures. */
    private Duration jittered(AwsProblem p) {
        Duration d = p.retryAfter();
        if (p.kind() != AwsProblem.Kind.THROTTLED && p.kind() != AwsProblem.Kind.UNAVAILABLE) {
            return d;
        }
        return Duration.ofMillis((long) (d.toMillis() * (0.8 + 0.4 * random.nextDouble())));
    }

    /**
     * The period that makes the rest of the UTC day fit the budget left: the requests the slower
     * refreshes will need before midnight (at the page counts their last reads needed) are set
     * aside, and the remaining budget is spread over polls of the recent days; never shorter than
     * the configured period. When nothing is left, the next poll is at 00:00 UTC when the count
     * starts again. A page count that grows later is caught by the budget itself (never exceeded).
     */
    Duration adaptivePeriod(Instant now) {
        Duration configured = settings.costExplorer().period();
        int left;
        try {
            left = budget.dailyLimit() - budget.usedToday();
        } catch (StoreException e) {
            return configured;
        }
        Instant midnight = LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Duration untilMidnight = Duration.between(now, midnight);
        int full = Math.max(fullPages, 1);
        // Before the first read of the recent days, estimate it from the window's pages (3 days of 30);
        // the poll after it knows the real count and corrects the period.
        int recent = recentPages > 0 ? recentPages : Math.max(1, (full * RECENT_DAYS + WINDOW_DAYS - 1) / WINDOW_DAYS);
        int reserve = dueBefore(fullAt, settings.costExplorer().fullRefresh(), now, midnight) * Math.max(0, full - recent)
                + dueBefore(forecastAt, settings.costExplorer().forecastRefresh(), now, midnight)
                + dueBefore(anomaliesAt, settings.costExplorer().anomalyRefresh(), now, midnight)
                * Math.max(anomalyPages, 1);
        int polls = (left - reserve) / recent;
        if (polls <= 0) {
            return untilMidnight.compareTo(configured) > 0 ? untilMidnight : configured;
        }
        Duration spread = untilMidnight.dividedBy(polls);
        return spread.compareTo(configured) > 0 ? spread : configured;
    }

    /** How many refreshes every {@code every} after {@code last} fall in (now, midnight). */
    static int dueBefore(Instant last, Duration every, Instant now, Instant midnight) {
        int n = 0;
        Instant t = last == null ? now.plus(every) : last.plus(every);
        for (; t.isBefore(midnight) && n < 1000; t = t.plus(every)) {
            if (t.isAfter(now)) {
                n++;
            }
        }
        return n;
    }

    /** Once per source: what an earlier process (or this one before a restart) paid for. */
    private void restoreOnce() {
        if (restored) {
            return;
        }
        restored = true;
        if (costsAt != null) {
            return;
        }
        try {
            cache.load(clients.profileName()).ifPresent(st -> {
                st.days().forEach(d -> days.put(d.day(), d));
                costsAt = st.costsAt();
                fullAt = st.fullAt();
                forecastAt = st.forecastAt();
                forecastRestOfMonth = st.forecastRestOfMonth();
                forecastMonth = st.forecastMonth();
                anomaliesAt = st.anomaliesAt();
                anomalies = st.anomalies();
                recentPages = st.recentPages();
                fullPages = st.fullPages();
                anomalyPages = st.anomalyPages();
            });
        } catch (StoreException e) {
            // Without the cache the source reads AWS as on a first run.
        }
    }

    private void save() {
        if (costsAt == null) {
            return;
        }
        try {
            cache.save(clients.profileName(), new CostCache.State(List.copyOf(days.values()), costsAt, fullAt,
                    forecastAt, forecastRestOfMonth, forecastMonth, anomaliesAt, anomalies, recentPages, fullPages,
                    anomalyPages));
        } catch (StoreException e) {
            // Only a cache: the next process reads AWS again.
        }
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

    /**
     * A query half read: the pages already paid for and the token of the next one. Kept across a
     * failed poll so the next one resumes where AWS stopped answering.
     */
    private static final class PendingRead {
        final LocalDate from;
        final LocalDate toExclusive;
        final Instant startedAt;
        final Map<LocalDate, Map<String, Double>> amounts = new TreeMap<>();
        final Map<LocalDate, Boolean> estimated = new HashMap<>();
        String token;
        int pages;

        PendingRead(LocalDate from, LocalDate toExclusive, Instant startedAt) {
            this.from = from;
            this.toExclusive = toExclusive;
            this.startedAt = startedAt;
        }
    }

    private Map<LocalDate, DailyCost> readCosts(CostExplorerClient ce, LocalDate from, LocalDate toExclusive,
                                                Instant now) {
        PendingRead p = pending;
        if (p == null || !p.from.equals(from) || !p.toExclusive.equals(toExclusive)
                || !now.isBefore(p.startedAt.plus(PENDING_MAX_AGE)) || now.isBefore(p.startedAt)) {
            p = new PendingRead(from, toExclusive, now);
            pending = p;
        }
        Map<LocalDate, Map<String, Double>> amounts = p.amounts;
        Map<LocalDate, Boolean> estimated = p.estimated;
        do {
            String page = p.token;
            GetCostAndUsageResponse r = withRetries(() -> ce.getCostAndUsage(b -> b
                    .timePeriod(DateInterval.builder().start(from.toString()).end(toExclusive.toString()).build())
                    .granularity(Granularity.DAILY)
                    .metrics(COST_METRIC)
                    .groupBy(GroupDefinition.builder().type(GroupDefinitionType.DIMENSION).key("SERVICE").build())
                    .nextPageToken(page)));
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
            p.pages++;
            p.token = r.nextPageToken();
        } while (p.token != null && !p.token.isEmpty());
        pending = null;
        boolean whole = from.equals(windowStart(toExclusive.minusDays(1)));
        if (whole) {
            fullPages = p.pages;
        } else {
            recentPages = p.pages;
        }
        Map<LocalDate, DailyCost> out = new TreeMap<>();
        for (LocalDate d = from; d.isBefore(toExclusive); d = d.plusDays(1)) {
            out.put(d, new DailyCost(d, amounts.getOrDefault(d, Map.of()), estimated.getOrDefault(d, false)));
        }
        return out;
    }

    /** AWS's forecast from today to the end of the month, USD. */
    private double readForecast(CostExplorerClient ce, LocalDate today) {
        LocalDate nextMonth = today.withDayOfMonth(1).plusMonths(1);
        GetCostForecastResponse r = withRetries(() -> ce.getCostForecast(b -> b
                .timePeriod(DateInterval.builder().start(today.toString()).end(nextMonth.toString()).build())
                .metric(Metric.UNBLENDED_COST)
                .granularity(Granularity.MONTHLY)));
        return Double.parseDouble(r.total().amount());
    }

    private List<CostAnomaly> readAnomalies(CostExplorerClient ce, LocalDate today) {
        List<CostAnomaly> out = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String page = token;
            GetAnomaliesResponse r = withRetries(() -> ce.getAnomalies(b -> b
                    .dateInterval(AnomalyDateInterval.builder().startDate(today.minusDays(WINDOW_DAYS).toString())
                            .endDate(today.toString()).build())
                    .nextPageToken(page)));
            pages++;
            for (Anomaly a : r.anomalies()) {
                out.add(toAnomaly(a));
            }
            token = r.nextPageToken();
        } while (token != null && !token.isEmpty());
        anomalyPages = pages;
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
        cost.put("fromCache", servedFromCache);
        // Unknown is null, never 0.0: nothing read yet (throttled, expired, budget used up).
        cost.put("todayUsd", s.hasData() ? round2(s.todayUsd()) : null);
        cost.put("mtdUsd", s.hasData() ? round2(s.mtdUsd()) : null);
        cost.put("forecastEomUsd", s.forecastEomUsd().isPresent() ? round2(s.forecastEomUsd().getAsDouble()) : null);
        cost.put("monthlyBudgetUsd", s.monthlyBudgetUsd() > 0 ? s.monthlyBudgetUsd() : null);
        cost.put("paceRatio", s.paceRatio().isPresent() ? round2(s.paceRatio().getAsDouble()) : null);
        LocalDate today = s.costsAsOf().map(i -> LocalDate.ofInstant(i, ZoneOffset.UTC)).orElse(LocalDate.MIN);
        cost.put("openAnomalies", s.anomaliesAsOf().isPresent()
                ? s.anomalies().stream().filter(a -> a.isOpen(today)).count() : null);
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
