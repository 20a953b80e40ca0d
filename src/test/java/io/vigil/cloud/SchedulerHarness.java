package io.vigil.cloud;

import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.Source;
import io.vigil.telemetry.SourceHealth;
import io.vigil.telemetry.SourceScheduler;
import io.vigil.telemetry.SourceStatus;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** The real scheduler driven by a manual clock: tick, then wait for the polls it started. */
final class SchedulerHarness implements AutoCloseable {

    final SourceScheduler scheduler;
    private final ManualClock clock;

    SchedulerHarness(ManualClock clock, Source source) {
        this.clock = clock;
        this.scheduler = new SourceScheduler(clock, Executors.newVirtualThreadPerTaskExecutor());
        scheduler.register(source);
    }

    /** Ticks once and waits for every poll it started; returns how many started. */
    int tick() throws Exception {
        var started = scheduler.tick();
        for (Future<?> f : started) {
            f.get(30, TimeUnit.SECONDS);
        }
        return started.size();
    }

    SourceStatus status() {
        return scheduler.statuses().getFirst();
    }

    SourceHealth health() {
        return status().health();
    }

    /** Moves the clock to the next due poll and runs it. */
    void runNextPoll() throws Exception {
        clock.set(status().nextPoll());
        if (tick() != 1) {
            throw new AssertionError("no poll started at " + clock.instant());
        }
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
