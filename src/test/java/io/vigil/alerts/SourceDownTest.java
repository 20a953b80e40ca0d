package io.vigil.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gpu.GpuReader;
import io.vigil.gpu.GpuReading;
import io.vigil.gpu.GpuSnapshot;
import io.vigil.gpu.GpuSource;
import io.vigil.gpu.GpuUnavailableException;
import io.vigil.host.HostSnapshot;
import io.vigil.rules.DetectorInputs;
import io.vigil.rules.Evaluator;
import io.vigil.rules.MetricReader;
import io.vigil.rules.Rule;
import io.vigil.rules.RuleFile;
import io.vigil.rules.RuleRepository;
import io.vigil.rules.Signatures;
import io.vigil.store.Database;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.SeriesStore;
import io.vigil.telemetry.SourceScheduler;
import io.vigil.telemetry.SourceStatus;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code source-down} rule over the real scheduler, GPU source, evaluator and alert
 * manager (SQLite file), on a manual clock: a GPU source that never found a GPU on this machine is
 * an informational state, not a critical alert; a GPU source that read GPUs and then lost them fires.
 */
class SourceDownTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-30T09:00:00Z"));

    /** Whether the driver is there: the GPU source's reader opens and reads only while it is. */
    private final AtomicBoolean driver = new AtomicBoolean();

    private GpuSource gpuSource() {
        return new GpuSource(List.of(() -> {
            if (!driver.get()) {
                throw new GpuUnavailableException("No NVIDIA driver found: libnvidia-ml.so.1 could not be loaded");
            }
            return new GpuReader() {
                @Override
                public String name() {
                    return "test";
                }

                @Override
                public GpuSnapshot read(long epochMillis) throws GpuUnavailableException {
                    if (!driver.get()) {
                        throw new GpuUnavailableException("NVML: driver/library version mismatch");
                    }
                    OptionalDouble d = OptionalDouble.of(40);
                    OptionalLong l = OptionalLong.empty();
                    return new GpuSnapshot(epochMillis, "test", "550.54", List.of(new GpuReading(0, "H100", "GPU-1",
                            false, d, d, l, l, d, d, d, l, l, d, l, l, l, l, l, List.of())), List.of());
                }

                @Override
                public void close() {
                }
            };
        }), Duration.ofSeconds(1));
    }

    private static Rule shippedSourceDownRule() throws Exception {
        try (InputStream in = RuleRepository.class.getResourceAsStream(RuleRepository.DEFAULT_RESOURCE)) {
            return new RuleFile().parse("default-rules.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .stream().filter(r -> r.id().equals("source-down")).findFirst().orElseThrow();
        }
    }

    /** Runs {@code minutes} of one-second scheduler and rule ticks; returns the open source-down alerts. */
    private List<Alert> run(SourceScheduler scheduler, Evaluator evaluator, AlertManager alerts, int minutes)
            throws Exception {
        for (int s = 0; s < minutes * 60; s++) {
            for (Future<?> f : scheduler.tick()) {
                f.get();
            }
            alerts.reconcile(evaluator.tick());
            clock.advance(Duration.ofSeconds(1));
        }
        return alerts.open().stream().filter(a -> a.ruleId().equals("source-down")).toList();
    }

    @Test
    void aGpuThatNeverExistedIsQuietAndALostOneFires() throws Exception {
        Rule rule = shippedSourceDownRule();
        SeriesStore series = new SeriesStore(100);
        try (Database db = Database.open(dir.resolve("vigil.db"));
             SourceScheduler scheduler = new SourceScheduler(clock, Executors.newVirtualThreadPerTaskExecutor())) {
            scheduler.addListener(series);
            scheduler.register(gpuSource());
            Evaluator evaluator = new Evaluator(clock, MetricReader.of(series), new DetectorInputs(
                    () -> HostSnapshot.EMPTY, List::of, scheduler::statuses, Signatures.builtIn()));
            evaluator.setRules(List.of(rule));
            AlertManager alerts = new AlertManager(db, clock, id -> Optional.of(rule), Duration.ZERO);

            // First start without a GPU: ten minutes, twice the rule's `for`, and nothing is raised.
            assertEquals(List.of(), run(scheduler, evaluator, alerts, 10), "never present: no source-down");
            SourceStatus gpu = scheduler.statuses().getFirst();
            assertTrue(gpu.neverPresent(), "shown as not found here, not as an outage: " + gpu);

            // A driver appears and GPUs are read; then the driver goes away: that is an outage.
            driver.set(true);
            scheduler.retryNow(src -> true);
            assertEquals(List.of(), run(scheduler, evaluator, alerts, 2));
            assertTrue(scheduler.statuses().getFirst().lastSuccess() != null, "it read a GPU");
            driver.set(false);
            List<Alert> down = run(scheduler, evaluator, alerts, 6);
            assertEquals(1, down.size(), "a GPU source that was present and is lost fires");
            assertEquals(AlertState.FIRING, down.getFirst().state());
            assertEquals("gpu", down.getFirst().labels().get("source"));
            assertTrue(!scheduler.statuses().getFirst().neverPresent());
        }
    }
}
