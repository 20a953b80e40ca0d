package io.vigil.cost;

import io.vigil.gpu.GpuSnapshot;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.Source;
import io.vigil.telemetry.SourceHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code live-cost} source: each period it prices the GPU source's newest reading (see
 * {@link LiveCostEstimator}) and publishes {@code gpu.cost_per_hour{gpu}} (by UUID) and
 * {@code cost.live_per_hour}, at the reading's own time. The instance type is the one set by hand,
 * else asked from the EC2 instance metadata on this poll thread (short timeouts; retried every 10
 * minutes doubling to 4 hours while nothing answers, quietly), else unknown: then only the energy
 * part is estimated and {@code vigil status} says why. The price file is re-checked every poll.
 *
 * <p>Health is OK, or DEGRADED while the analyst's price file cannot be used (the last good prices
 * stay in force). {@link #latest()} and {@link #statusDetails()} are safe from any thread; polls are
 * serialized by the scheduler.
 */
public final class LiveCostSource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(LiveCostSource.class);
    private static final Duration FIRST_RETRY = Duration.ofMinutes(10);
    private static final Duration MAX_RETRY = Duration.ofHours(4);

    private final Supplier<GpuSnapshot> gpus;
    private final GpuPricing pricing;
    private final Optional<InstanceMetadata> metadata;
    private final double usdPerKwh;
    private final Duration period;
    private final LiveCostEstimator estimator = new LiveCostEstimator();
    private final LiveCostLedger ledger = new LiveCostLedger();

    private String instanceType;
    private String instanceTypeNote;
    private Instant nextLookup = Instant.MIN;
    private Duration retry = FIRST_RETRY;
    private long lastSnapshotMillis = -1;
    private volatile LiveCost latest = LiveCost.NONE;

    /**
     * @param fixedType the instance type set by hand (or a scenario's), with where it came from; empty to
     *                  use {@code metadata}
     * @param metadata  the metadata service to ask when no type is fixed; empty when that is off
     */
    public LiveCostSource(Supplier<GpuSnapshot> gpus, GpuPricing pricing, Optional<String> fixedType, String fixedTypeNote,
                          Optional<InstanceMetadata> metadata, double usdPerKwh, Duration period) {
        this.gpus = gpus;
        this.pricing = pricing;
        this.metadata = fixedType.isPresent() ? Optional.empty() : metadata;
        this.usdPerKwh = usdPerKwh;
        this.period = period;
        this.instanceType = fixedType.orElse("");
        this.instanceTypeNote = fixedType.isPresent() ? fixedTypeNote
                : metadata.isPresent() ? "not asked yet" : "unknown: set liveCost.instanceType in settings.yaml";
    }

    /** From the {@code liveCost:} settings: the type set by hand, or the metadata service unless it is off. */
    public static LiveCostSource create(Supplier<GpuSnapshot> gpus, GpuPricing pricing, LiveCostSettings settings,
                                        Map<String, String> env, Duration period) {
        Optional<String> fixed = settings.instanceType().isEmpty() ? Optional.empty() : Optional.of(settings.instanceType());
        Optional<InstanceMetadata> imds = settings.metadataAllowed(env)
                ? Optional.of(new InstanceMetadata(settings.metadataEndpoint(env), settings.metadataTimeout()))
                : Optional.empty();
        return new LiveCostSource(gpus, pricing, fixed, "set by hand (liveCost.instanceType)", imds,
                settings.electricityUsdPerKwh(), period);
    }

    @Override
    public String id() {
        return "live-cost";
    }

    @Override
    public String displayName() {
        return "Live cost";
    }

    @Override
    public Duration period() {
        return period;
    }

    /** The newest estimate ({@link LiveCost#NONE} before the first GPU reading). */
    public LiveCost latest() {
        return latest;
    }

    /** The running total of the estimate, for "spent since" questions (the Cloud view's bridge). */
    public LiveCostLedger ledger() {
        return ledger;
    }

    @Override
    public PollResult poll(Instant now) {
        pricing.refresh();
        lookUpInstanceType(now);
        SourceHealth health = pricing.problem().map(SourceHealth::degraded).orElseGet(SourceHealth::ok);
        GpuSnapshot snapshot = gpus.get();
        if (snapshot.gpus().isEmpty()) {
            latest = new LiveCost(now.toEpochMilli(), List.of(), 0, instanceType, instanceTypeNote, price(), usdPerKwh);
            return new PollResult(List.of(), health);
        }
        if (snapshot.epochMillis() == lastSnapshotMillis) {
            return new PollResult(List.of(), health); // nothing new read since the last poll
        }
        lastSnapshotMillis = snapshot.epochMillis();
        LiveCost cost = estimator.estimate(snapshot, price(), usdPerKwh, instanceType, instanceTypeNote);
        latest = cost;
        ledger.add(cost.epochMillis(), cost.totalUsdPerHour());
        List<Sample> out = new ArrayList<>(cost.gpus().size() + 1);
        for (GpuCost g : cost.gpus()) {
            out.add(Sample.of(LiveCostMetrics.gpu(g.index(), g.uuid()), cost.epochMillis(), g.usdPerHour()));
        }
        out.add(Sample.of(LiveCostMetrics.LIVE_PER_HOUR_ID, cost.epochMillis(), cost.totalUsdPerHour()));
        return new PollResult(out, health);
    }

    private Optional<GpuPrice> price() {
        return instanceType.isEmpty() ? Optional.empty() : pricing.table().lookup(instanceType);
    }

    private void lookUpInstanceType(Instant now) {
        if (metadata.isEmpty() || !instanceType.isEmpty() || now.isBefore(nextLookup)) {
            return;
        }
        InstanceMetadata.Lookup found = metadata.get().instanceType();
        if (found.instanceType().isPresent()) {
            instanceType = found.instanceType().get();
            instanceTypeNote = found.note();
            LOG.info("Live cost: instance type {} {}", instanceType, instanceTypeNote);
            return;
        }
        // Off EC2 this is the normal case: say it once at info level, then only in status.
        if (nextLookup == Instant.MIN) {
            LOG.info("Live cost: {}; GPU-hours are not priced until liveCost.instanceType is set", found.note());
        }
        instanceTypeNote = "unknown: " + found.note() + "; set liveCost.instanceType in settings.yaml";
        nextLookup = now.plus(retry);
        Duration doubled = retry.multipliedBy(2);
        retry = doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled;
    }

    /** The estimate and what it rests on, for {@code vigil status --json}. */
    @Override
    public Map<String, Object> statusDetails() {
        LiveCost c = latest;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("usdPerHour", c.present() ? round(c.totalUsdPerHour()) : null);
        m.put("instanceType", c.instanceType().isEmpty() ? null : c.instanceType());
        m.put("instanceTypeFrom", c.instanceTypeNote());
        GpuPriceTable table = pricing.table();
        if (c.price().isPresent()) {
            GpuPrice p = c.price().get();
            m.put("usdPerGpuHour", round(p.usdPerGpuHour()));
            m.put("priceFrom", p.origin() + (p.origin().equals("built-in") && !table.asOf().isEmpty()
                    ? " (" + table.source() + ", " + table.asOf() + ")" : ""));
        } else {
            m.put("usdPerGpuHour", null);
            m.put("priceFrom", c.instanceType().isEmpty() ? "no instance type"
                    : c.instanceType() + " is not in the price table: add it to " + pricing.userFile()
                            .map(Object::toString).orElse(GpuPricing.FILE));
        }
        m.put("electricityUsdPerKwh", c.electricityUsdPerKwh());
        List<Map<String, Object>> list = new ArrayList<>();
        for (GpuCost g : c.gpus()) {
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("index", g.index());
            gm.put("uuid", g.uuid());
            gm.put("usdPerHour", round(g.usdPerHour()));
            gm.put("gpuHourUsd", round(g.gpuHourUsd()));
            gm.put("energyUsdPerHour", round(g.energyUsdPerHour()));
            gm.put("watts", Math.round(g.watts() * 10) / 10.0);
            gm.put("powerFrom", g.powerFrom().name().toLowerCase(java.util.Locale.ROOT));
            list.add(gm);
        }
        m.put("gpus", list);
        pricing.problem().ifPresent(p -> m.put("pricingProblem", p));
        return Map.of("liveCost", m);
    }

    private static double round(double usd) {
        return Math.round(usd * 10_000) / 10_000.0;
    }
}
