package io.vigil.ui.cloud;

import io.vigil.cloud.AwsProblem;
import io.vigil.cloud.BillingSnapshot;
import io.vigil.cloud.CostSnapshot;
import io.vigil.cloud.DailyCost;
import io.vigil.text.Durations;
import io.vigil.text.Unit;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Supplier;

/**
 * What the Cloud cost view shows, derived from the sources' snapshots: daily bars by service (top
 * services plus "Other"), the month-to-date line against forecast and budget, freshness texts and
 * the guidance to show instead of charts when credentials are missing. No JavaFX controls here, so
 * it is tested as plain Java; the view reads it on the FX thread.
 */
public final class CloudViewModel {

    /** Services shown by name in the bars; the rest are summed as "Other". */
    static final int TOP_SERVICES = 5;
    static final String OTHER = "Other";
    static final String AWS_CADENCE = "AWS updates billing data ~3×/day";

    private final Supplier<CostSnapshot> cost;
    private final Supplier<BillingSnapshot> billing;
    private final ZoneId zone;

    public CloudViewModel(Supplier<CostSnapshot> cost, Supplier<BillingSnapshot> billing, ZoneId zone) {
        this(cost, billing, zone, Optional::empty);
    }

    // --- live cost: the bridge from Cost Explorer's figure to now ---
    private final Supplier<Optional<io.vigil.cost.CostBridge>> bridge;

    /** @param bridge Cost Explorer's today plus the live estimate since it was read (empty: no line) */
    public CloudViewModel(Supplier<CostSnapshot> cost, Supplier<BillingSnapshot> billing, ZoneId zone,
                          Supplier<Optional<io.vigil.cost.CostBridge>> bridge) {
        this.bridge = bridge;
        this.cost = cost;
        this.billing = billing;
        this.zone = zone;
    }

    public CostSnapshot cost() {
        return cost.get();
    }

    public BillingSnapshot billing() {
        return billing.get();
    }

    /** Daily stacked bars: {@code values[s][d]} is service {@code s} on day {@code d}, USD. */
    public record ServiceBars(List<String> services, List<LocalDate> days, double[][] values) {
    }

    /** The top services of the whole window by spend, then "Other" if anything is left. */
    public static ServiceBars bars(List<DailyCost> days, int top) {
        Map<String, Double> totals = new HashMap<>();
        for (DailyCost d : days) {
            d.byService().forEach((s, v) -> totals.merge(s, v, Double::sum));
        }
        List<String> ranked = new ArrayList<>(totals.keySet());
        ranked.sort(Comparator.comparing((String s) -> -totals.get(s)).thenComparing(s -> s));
        List<String> shown = new ArrayList<>(ranked.subList(0, Math.min(top, ranked.size())));
        boolean other = ranked.size() > top;
        if (other) {
            shown.add(OTHER);
        }
        double[][] values = new double[shown.size()][days.size()];
        List<LocalDate> dates = new ArrayList<>();
        for (int d = 0; d < days.size(); d++) {
            dates.add(days.get(d).day());
            for (var e : days.get(d).byService().entrySet()) {
                int s = shown.indexOf(e.getKey());
                values[s < 0 ? shown.size() - 1 : s][d] += e.getValue();
            }
        }
        return new ServiceBars(List.copyOf(shown), List.copyOf(dates), values);
    }

    /**
     * The month's pace: cumulative spend per day of the month so far, the forecast at month end and
     * the budget (0 when none).
     *
     * @param cumulative {@code [dayOfMonth, usd]} pairs
     */
    public record Pace(YearMonth month, List<double[]> cumulative, OptionalDouble forecastEom, double budget) {
    }

    public static Pace pace(CostSnapshot s, LocalDate today) {
        YearMonth month = YearMonth.from(today);
        List<double[]> points = new ArrayList<>();
        double sum = 0;
        for (DailyCost d : s.days()) {
            if (YearMonth.from(d.day()).equals(month) && !d.day().isAfter(today)) {
                sum += d.total();
                points.add(new double[] {d.day().getDayOfMonth(), sum});
            }
        }
        return new Pace(month, points, s.forecastEomUsd(), s.monthlyBudgetUsd());
    }

    /** "as of 14:02, AWS updates billing data ~3×/day", or what Vigil is waiting for. */
    public String freshness(Optional<Instant> asOf) {
        return asOf.map(t -> "as of " + time(t) + ", " + AWS_CADENCE).orElse("waiting for the first reading");
    }

    /** A time of day as every view writes it ({@link Durations}). */
    public String time(Instant t) {
        return Durations.timeOfDay(t, zone);
    }

    /** Time of day when {@code t} is today, else date and time. */
    public String moment(Instant t, Instant now) {
        return Durations.moment(t, now, zone);
    }

    public String dateTime(Instant t) {
        return Durations.dateTime(t, zone);
    }

    /** The problem to show instead of the charts: credentials or permissions, with nothing cached. */
    public Optional<AwsProblem> guidance() {
        CostSnapshot c = cost.get();
        BillingSnapshot b = billing.get();
        if (c.hasData() || b.asOf().isPresent()) {
            return Optional.empty();
        }
        Optional<AwsProblem> p = c.problem().or(b::problem);
        return p.filter(x -> x.kind().needsAction());
    }

    /**
     * A problem to show above the (cached) figures, if any: one only the analyst can fix (expired,
     * denied, no credentials) before a transient one, so a stale "throttling" never hides it.
     */
    public Optional<AwsProblem> banner() {
        Optional<AwsProblem> c = cost.get().problem();
        Optional<AwsProblem> b = billing.get().problem();
        if (c.isPresent() && b.isPresent() && !c.get().kind().needsAction() && b.get().kind().needsAction()) {
            return b;
        }
        return c.or(() -> b);
    }

    /**
     * "Cost Explorer today $41.20 as of 14:02 + live GPU estimate since then $12.31 = $53.51", with
     * where the live data starts when Vigil was not watching since then; empty without both parts.
     */
    public Optional<String> bridgeLine() {
        return bridge.get().map(b -> "Cost Explorer today " + usd(b.costExplorerTodayUsd()) + " as of "
                + io.vigil.text.Durations.timeOfDay(b.asOf(), zone).substring(0, 5) + " + live GPU estimate since then " + usd(b.liveSinceUsd()) + " = "
                + usd(b.totalUsd()) + (b.covered() ? "" : " (live data only from " + io.vigil.text.Durations.timeOfDay(b.liveFrom(), zone).substring(0, 5) + ")"));
    }

    /** Dollars as every view writes them ({@link Unit#money}). */
    static String usd(double v) {
        return Unit.money(v);
    }
}
