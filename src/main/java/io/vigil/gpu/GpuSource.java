package io.vigil.gpu;

import io.vigil.telemetry.MetricId;
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
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code gpu} telemetry source. Opens a {@link GpuReader} from its factories in order (NVML
 * first, nvidia-smi when NVML cannot load), reads every GPU each period, publishes the samples named
 * in {@link GpuMetrics} and keeps the latest typed {@link GpuSnapshot} for views and detectors.
 *
 * <p>Health: DOWN with the first factory's reason while no reader opens ("No NVIDIA driver found:
 * libnvidia-ml.so.1 could not be loaded"), retried with exponential backoff (1 s doubling to
 * 1 min) and recovering by itself; DEGRADED while a GPU is lost or a metric fails unexpectedly; OK
 * otherwise (an unsupported metric is a property of the card, not a fault). A reader failing
 * mid-run is closed and re-opened with the same backoff.
 *
 * <p>{@link #latest()} and {@link #statusDetails()} are safe from any thread; polls and
 * {@link #close()} are serialized.
 */
public final class GpuSource implements Source, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GpuSource.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final List<GpuReaderFactory> factories;
    private final Duration period;
    private final ReentrantLock lock = new ReentrantLock();
    private GpuReader reader;
    private Instant nextOpenAttempt = Instant.MIN;
    private Duration backoff = Duration.ofSeconds(1);
    private String downReason = "not polled yet";
    private boolean closed;
    private volatile GpuSnapshot latest = GpuSnapshot.EMPTY;
    /** The highest event number already published as a {@code gpu.xid} sample. */
    private long lastPublishedEvent;
    private volatile SourceHealth lastHealth = SourceHealth.unknown();

    /** @param factories tried in order; the first one's failure is the reason shown when all fail */
    public GpuSource(List<GpuReaderFactory> factories, Duration period) {
        if (factories.isEmpty()) {
            throw new IllegalArgumentException("at least one GPU reader factory is needed");
        }
        this.factories = List.copyOf(factories);
        this.period = period;
    }

    @Override
    public String id() {
        return "gpu";
    }

    @Override
    public String displayName() {
        return "GPU";
    }

    @Override
    public Duration period() {
        return period;
    }

    /** The newest reading of every GPU ({@link GpuSnapshot#EMPTY} before the first, or while DOWN). */
    public GpuSnapshot latest() {
        return latest;
    }

    /** The health the last poll reported (the DOWN reason when no driver is found). */
    public SourceHealth health() {
        return lastHealth;
    }

    @Override
    public PollResult poll(Instant now) {
        lock.lock();
        try {
            PollResult result = pollLocked(now);
            lastHealth = result.health();
            return result;
        } finally {
            lock.unlock();
        }
    }

    private PollResult pollLocked(Instant now) {
        if (closed) {
            return new PollResult(List.of(), SourceHealth.down("closed"));
        }
        if (reader == null) {
            if (now.isBefore(nextOpenAttempt)) {
                return down(now);
            }
            if (!open(now)) {
                return down(now);
            }
        }
        GpuSnapshot snapshot;
        try {
            snapshot = reader.read(now.toEpochMilli());
        } catch (GpuUnavailableException | RuntimeException e) {
            LOG.warn("GPU reader {} failed; re-opening with backoff: {}", reader.name(), e.getMessage());
            closeReader();
            downReason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            scheduleRetry(now);
            return down(now);
        }
        backoff = Duration.ofSeconds(1);
        latest = snapshot;
        List<Sample> samples = samples(snapshot);
        for (XidEvent e : snapshot.events()) {
            if (e.seq() > lastPublishedEvent) {
                lastPublishedEvent = e.seq();
                if (e.kind() == XidEvent.Kind.XID) {
                    // At the event's own time, identified by the card's UUID (gpu and, for old rules, uuid).
                    samples.add(Sample.of(MetricId.of(GpuMetrics.XID, "gpu", GpuMetrics.key(e.gpu(), e.uuid()),
                            "uuid", e.uuid(), "xid", Long.toString(e.xid())), e.epochMillis(), 1));
                }
            }
        }
        return new PollResult(samples, health(snapshot));
    }

    private boolean open(Instant now) {
        String firstReason = null;
        for (GpuReaderFactory factory : factories) {
            try {
                reader = factory.open();
                LOG.info("GPU telemetry through {}", reader.name());
                return true;
            } catch (GpuUnavailableException | RuntimeException e) {
                if (firstReason == null) {
                    firstReason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                }
            }
        }
        if (!firstReason.equals(downReason)) {
            LOG.warn("GPU source down: {}", firstReason);
        }
        downReason = firstReason;
        scheduleRetry(now);
        return false;
    }

    private void scheduleRetry(Instant now) {
        nextOpenAttempt = now.plus(backoff);
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    private PollResult down(Instant now) {
        latest = new GpuSnapshot(now.toEpochMilli(), "", "", List.of(), List.of());
        return new PollResult(List.of(), SourceHealth.down(downReason));
    }

    private static SourceHealth health(GpuSnapshot s) {
        List<String> lost = new ArrayList<>();
        for (GpuReading g : s.gpus()) {
            if (g.lost()) {
                lost.add("GPU " + g.index() + (g.name().isEmpty() ? "" : " (" + g.name() + ")"));
            }
        }
        if (!lost.isEmpty()) {
            return SourceHealth.degraded(String.join(", ", lost) + (lost.size() == 1 ? " is" : " are")
                    + " lost (fallen off the bus or needs a reset); retrying");
        }
        if (!s.problems().isEmpty()) {
            return SourceHealth.degraded(String.join("; ", s.problems()));
        }
        return SourceHealth.ok();
    }

    /** The samples of one snapshot, named as in {@link GpuMetrics}; unsupported readings give none. */
    static List<Sample> samples(GpuSnapshot s) {
        long t = s.epochMillis();
        List<Sample> out = new ArrayList<>(s.gpus().size() * 20 + 1);
        out.add(Sample.of(GpuMetrics.COUNT, t, s.gpus().size()));
        for (GpuReading g : s.gpus()) {
            // Keyed by UUID: a re-initialisation that renumbers the GPUs keeps each card's series.
            String key = GpuMetrics.key(g.index(), g.uuid());
            out.add(Sample.of(GpuMetrics.of(GpuMetrics.INDEX, key), t, g.index()));
            out.add(Sample.of(GpuMetrics.of(GpuMetrics.LOST, key), t, g.lost() ? 1 : 0));
            if (g.lost()) {
                continue;
            }
            add(out, GpuMetrics.UTILIZATION, key, t, g.utilizationPercent());
            add(out, GpuMetrics.MEMORY_UTILIZATION, key, t, g.memoryUtilizationPercent());
            add(out, GpuMetrics.MEMORY_USED_BYTES, key, t, g.memoryUsedBytes());
            add(out, GpuMetrics.MEMORY_TOTAL_BYTES, key, t, g.memoryTotalBytes());
            add(out, GpuMetrics.TEMPERATURE_C, key, t, g.temperatureC());
            add(out, GpuMetrics.POWER_WATTS, key, t, g.powerWatts());
            add(out, GpuMetrics.POWER_LIMIT_WATTS, key, t, g.powerLimitWatts());
            add(out, GpuMetrics.CLOCK_SM_MHZ, key, t, g.smClockMhz());
            add(out, GpuMetrics.CLOCK_MEMORY_MHZ, key, t, g.memoryClockMhz());
            add(out, GpuMetrics.FAN_PERCENT, key, t, g.fanPercent());
            add(out, GpuMetrics.THROTTLE_REASONS, key, t, g.clockEventReasons());
            ecc(out, GpuMetrics.ECC_CORRECTED, key, "volatile", t, g.eccCorrectedVolatile());
            ecc(out, GpuMetrics.ECC_CORRECTED, key, "aggregate", t, g.eccCorrectedAggregate());
            ecc(out, GpuMetrics.ECC_UNCORRECTED, key, "volatile", t, g.eccUncorrectedVolatile());
            ecc(out, GpuMetrics.ECC_UNCORRECTED, key, "aggregate", t, g.eccUncorrectedAggregate());
            Map<Integer, Long> perPid = new LinkedHashMap<>();
            for (GpuProcess p : g.processes()) {
                // A process with both a compute and a graphics context is one series: its total.
                perPid.merge(p.pid(), p.usedMemoryBytes().orElse(0), Long::sum);
            }
            perPid.forEach((pid, bytes) -> out.add(Sample.of(MetricId.of(GpuMetrics.PROCESS_MEMORY_BYTES,
                    "gpu", key, "pid", Integer.toString(pid)), t, bytes)));
            if (g.energyMillijoules().isPresent()) {
                out.add(Sample.of(GpuMetrics.of(GpuMetrics.ENERGY_JOULES, key), t, g.energyMillijoules().getAsLong() / 1000.0));
            }
            for (GpuProcess p : g.processes()) {
                if (p.smUtilPercent().isPresent()) {
                    out.add(Sample.of(MetricId.of(GpuMetrics.PROCESS_SM_UTIL, "gpu", key,
                            "pid", Integer.toString(p.pid())), t, p.smUtilPercent().getAsDouble()));
                }
            }
        }
        return out;
    }

    private static void add(List<Sample> out, String name, String gpu, long t, OptionalDouble v) {
        if (v.isPresent()) {
            out.add(Sample.of(GpuMetrics.of(name, gpu), t, v.getAsDouble()));
        }
    }

    private static void add(List<Sample> out, String name, String gpu, long t, OptionalLong v) {
        if (v.isPresent()) {
            out.add(Sample.of(GpuMetrics.of(name, gpu), t, v.getAsLong()));
        }
    }

    private static void ecc(List<Sample> out, String name, String gpu, String counter, long t, OptionalLong v) {
        if (v.isPresent()) {
            out.add(Sample.of(MetricId.of(name, "gpu", gpu, "counter", counter), t, v.getAsLong()));
        }
    }

    /** Every GPU with its identity, readings ("n/a" for unsupported) and processes. */
    @Override
    public Map<String, Object> statusDetails() {
        GpuSnapshot s = latest;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reader", s.reader());
        details.put("driverVersion", s.driverVersion());
        List<Map<String, Object>> gpus = new ArrayList<>();
        for (GpuReading g : s.gpus()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", g.index());
            m.put("name", g.name());
            m.put("uuid", g.uuid());
            m.put("lost", g.lost());
            if (!g.lost()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("utilizationPercent", json(g.utilizationPercent()));
                r.put("memoryUtilizationPercent", json(g.memoryUtilizationPercent()));
                r.put("memoryUsedBytes", json(g.memoryUsedBytes()));
                r.put("memoryTotalBytes", json(g.memoryTotalBytes()));
                r.put("temperatureC", json(g.temperatureC()));
                r.put("powerWatts", json(g.powerWatts()));
                r.put("powerLimitWatts", json(g.powerLimitWatts()));
                r.put("smClockMhz", json(g.smClockMhz()));
                r.put("memoryClockMhz", json(g.memoryClockMhz()));
                r.put("fanPercent", json(g.fanPercent()));
                r.put("clockEventReasons", g.clockEventReasons().isPresent()
                        ? ClockEventReasons.words(g.clockEventReasons().getAsLong()) : "n/a");
                r.put("eccCorrectedVolatile", json(g.eccCorrectedVolatile()));
                r.put("eccCorrectedAggregate", json(g.eccCorrectedAggregate()));
                r.put("eccUncorrectedVolatile", json(g.eccUncorrectedVolatile()));
                r.put("eccUncorrectedAggregate", json(g.eccUncorrectedAggregate()));
                r.put("energyJoules", g.energyMillijoules().isPresent()
                        ? (Object) (g.energyMillijoules().getAsLong() / 1000.0) : "n/a");
                m.put("readings", r);
                List<Map<String, Object>> procs = new ArrayList<>();
                for (GpuProcess p : g.processes()) {
                    Map<String, Object> pm = new LinkedHashMap<>();
                    pm.put("pid", p.pid());
                    pm.put("type", p.kind().name().toLowerCase(java.util.Locale.ROOT));
                    pm.put("usedMemoryBytes", json(p.usedMemoryBytes()));
                    pm.put("smUtilPercent", json(p.smUtilPercent()));
                    pm.put("memUtilPercent", json(p.memUtilPercent()));
                    procs.add(pm);
                }
                m.put("processes", procs);
                GpuReading.Mig mig = g.mig();
                if (mig.enabled().isPresent()) {
                    Map<String, Object> mm = new LinkedHashMap<>();
                    mm.put("enabled", mig.enabled().get());
                    if (mig.enabled().get()) {
                        mm.put("maxInstances", mig.maxInstances());
                        List<Map<String, Object>> inst = new ArrayList<>();
                        for (MigInstance mi : mig.instances()) {
                            Map<String, Object> im = new LinkedHashMap<>();
                            im.put("slot", mi.slot());
                            im.put("uuid", mi.uuid());
                            im.put("memoryUsedBytes", json(mi.memoryUsedBytes()));
                            im.put("memoryTotalBytes", json(mi.memoryTotalBytes()));
                            // NVML has no per-instance utilization, temperature, power or process samples.
                            im.put("utilizationPercent", "n/a (not given per MIG instance)");
                            inst.add(im);
                        }
                        mm.put("instances", inst);
                    }
                    m.put("mig", mm);
                }
            }
            gpus.add(m);
        }
        details.put("gpus", gpus);
        XidTable table = XidTable.standard();
        List<Map<String, Object>> events = new ArrayList<>();
        for (XidEvent e : s.events()) {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("time", Instant.ofEpochMilli(e.epochMillis()).toString());
            em.put("gpu", e.gpu());
            em.put("uuid", e.uuid());
            em.put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
            if (e.kind() == XidEvent.Kind.XID) {
                XidTable.Entry row = table.lookup(e.xid());
                em.put("xid", e.xid());
                em.put("meaning", row.meaning());
                em.put("severity", row.critical() ? "critical" : "warning");
                em.put("text", "GPU " + e.gpu() + " (" + e.uuid() + ") / " + table.describe(e.xid()));
                em.put("advice", row.advice());
            }
            events.add(em);
        }
        details.put("events", events);
        details.put("problems", s.problems());
        details.put("limitations", s.limitations());
        return details;
    }

    private static Object json(OptionalDouble v) {
        return v.isPresent() ? (Object) v.getAsDouble() : "n/a";
    }

    private static Object json(OptionalLong v) {
        return v.isPresent() ? (Object) v.getAsLong() : "n/a";
    }

    private void closeReader() {
        if (reader != null) {
            try {
                reader.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing GPU reader failed", e);
            }
            reader = null;
        }
    }

    /** Shuts NVML down. Waits briefly for a running poll; a hung driver call is left alone at exit. */
    @Override
    public void close() {
        try {
            if (lock.tryLock(2, TimeUnit.SECONDS)) {
                try {
                    closed = true;
                    closeReader();
                } finally {
                    lock.unlock();
                }
            } else {
                LOG.warn("A GPU poll is still running at exit; not shutting NVML down under it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
