package io.vigil.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SourceSchedulerTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SourceScheduler scheduler = SourceScheduler.withVirtualThreads(clock);
    private final BlockingQueue<String> polled = new LinkedBlockingQueue<>();

    SourceSchedulerTest() {
        scheduler.addListener((sourceId, samples) -> polled.add(sourceId));
    }

    @AfterEach
    void close() {
        scheduler.close();
    }

    /** A source that counts its polls and emits one sample each time. */
    static class CountingSource implements Source {
        final String id;
        final Duration period;
        final AtomicInteger polls = new AtomicInteger();

        CountingSource(String id, Duration period) {
            this.id = id;
            this.period = period;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String displayName() {
            return id;
        }

        @Override
        public Duration period() {
            return period;
        }

        @Override
        public PollResult poll(Instant now) throws Exception {
            polls.incrementAndGet();
            return PollResult.ok(List.of(Sample.of(MetricId.of(id + ".value"), now.toEpochMilli(), 1)));
        }
    }

    private void tickAndWait() throws Exception {
        for (Future<?> f : scheduler.tick()) {
            f.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void pollsEachSourceOnItsOwnPeriod() throws Exception {
        CountingSource fast = new CountingSource("fast", Duration.ofSeconds(1));
        CountingSource slow = new CountingSource("slow", Duration.ofSeconds(5));
        scheduler.register(fast);
        scheduler.register(slow);
        for (int second = 0; second <= 10; second++) {
            tickAndWait();
            tickAndWait(); // a second tick in the same instant starts nothing
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(11, fast.polls.get());
        assertEquals(3, slow.polls.get());
        assertEquals(HealthState.OK, scheduler.statuses().get(0).health().state());
    }

    @Test
    void aThrowingSourceGoesDownBacksOffAndRecoversWithoutDelayingOthers() throws Exception {
        AtomicBoolean broken = new AtomicBoolean(true);
        CountingSource healthy = new CountingSource("healthy", Duration.ofSeconds(1));
        CountingSource flaky = new CountingSource("flaky", Duration.ofSeconds(1)) {
            @Override
            public PollResult poll(Instant now) throws Exception {
                polls.incrementAndGet();
                if (broken.get()) {
                    throw new SourceException("NVML library not found");
                }
                return super.poll(now);
            }
        };
        scheduler.register(healthy);
        scheduler.register(flaky);
        for (int second = 0; second < 8; second++) {
            tickAndWait();
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(8, healthy.polls.get(), "the healthy source kept its 1 s period");
        // Failures at t=0, then retries after 1 s, 2 s, 4 s: t=1, t=3, t=7.
        assertEquals(4, flaky.polls.get(), "the failing source backed off exponentially");
        SourceStatus status = scheduler.statuses().get(1);
        assertEquals(HealthState.DOWN, status.health().state());
        assertTrue(status.health().reason().startsWith("NVML library not found; retrying in 8 s"), status.health().reason());

        broken.set(false);
        clock.advance(Duration.ofSeconds(8));
        tickAndWait();
        assertEquals(HealthState.OK, scheduler.statuses().get(1).health().state());
        assertEquals(0, scheduler.statuses().get(1).consecutiveFailures());
    }

    @Test
    void aHangingSourceIsMarkedDownInterruptedAndRecovers() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        AtomicBoolean hang = new AtomicBoolean(true);
        AtomicInteger stuckPolls = new AtomicInteger();
        CountingSource healthy = new CountingSource("healthy", Duration.ofSeconds(1));
        Source stuck = new CountingSource("stuck", Duration.ofSeconds(1)) {
            @Override
            public PollResult poll(Instant now) throws Exception {
                stuckPolls.incrementAndGet();
                if (hang.getAndSet(false)) {
                    entered.countDown();
                    new CountDownLatch(1).await(); // blocks until interrupted
                }
                return super.poll(now);
            }
        };
        scheduler.register(healthy);
        scheduler.register(stuck);

        scheduler.tick();
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        assertEquals("healthy", polled.poll(10, TimeUnit.SECONDS));
        for (int second = 1; second <= 9; second++) {
            clock.advance(Duration.ofSeconds(1));
            scheduler.tick();
            assertEquals("healthy", polled.poll(10, TimeUnit.SECONDS), "healthy source polled at t=" + second);
        }
        assertTrue(scheduler.isPolling("stuck"));
        assertEquals(1, stuckPolls.get(), "never polled twice at once");

        clock.advance(Duration.ofSeconds(1)); // t = 10 s = the stuck source's timeout
        scheduler.tick();
        SourceHealth health = scheduler.statuses().get(1).health();
        assertEquals(HealthState.DOWN, health.state());
        assertTrue(health.reason().startsWith("no answer after 10 s"), health.reason());
        awaitIdle("stuck");

        clock.advance(Duration.ofSeconds(1));
        tickAndWait();
        assertEquals(2, stuckPolls.get());
        assertEquals(HealthState.OK, scheduler.statuses().get(1).health().state());
    }

    private void awaitIdle(String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (scheduler.isPolling(id)) {
            assertTrue(System.nanoTime() < deadline, "interrupted poll returned");
            Thread.onSpinWait();
        }
    }

    @Test
    void retryDelayDoublesFromThePeriodUpToFiveMinutes() {
        Source hourly = new CountingSource("cost", Duration.ofHours(1));
        assertEquals(Duration.ofSeconds(30), SourceScheduler.retryDelay(hourly, 1));
        assertEquals(Duration.ofSeconds(60), SourceScheduler.retryDelay(hourly, 2));
        assertEquals(Duration.ofMinutes(5), SourceScheduler.retryDelay(hourly, 30));
        Source fast = new CountingSource("host", Duration.ofSeconds(2));
        assertEquals(Duration.ofSeconds(2), SourceScheduler.retryDelay(fast, 1));
        assertEquals(Duration.ofSeconds(16), SourceScheduler.retryDelay(fast, 4));
    }

    @Test
    void aSourceSuggestedRetryIsHonoured() throws Exception {
        CountingSource throttled = new CountingSource("cost", Duration.ofSeconds(1)) {
            @Override
            public PollResult poll(Instant now) throws Exception {
                polls.incrementAndGet();
                throw new SourceException("throttled by AWS", Duration.ofSeconds(40), null);
            }
        };
        scheduler.register(throttled);
        tickAndWait();
        assertTrue(scheduler.statuses().getFirst().health().reason().contains("retrying in 40 s"));
        clock.advance(Duration.ofSeconds(39));
        assertTrue(scheduler.tick().isEmpty());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, scheduler.tick().size());
    }

    @Test
    void aPollGivenUpOnBeforeItStartedFreesItsSourceForTheNextRetry() throws Exception {
        // One poll thread, held busy: the source's poll is queued and never starts before its timeout
        // (what a loaded machine does to a scenario replayed at 120x).
        java.util.concurrent.ExecutorService one = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        one.submit(() -> {
            release.await();
            return null;
        });
        SourceScheduler queued = new SourceScheduler(clock, one);
        CountingSource source = new CountingSource("slow-start", Duration.ofSeconds(1));
        queued.register(source);
        try {
            assertEquals(1, queued.tick().size());
            clock.advance(source.pollTimeout().plusSeconds(1));
            queued.tick(); // gives up on the poll that never started
            assertEquals(HealthState.DOWN, queued.statuses().getFirst().health().state());
            release.countDown();
            clock.advance(Duration.ofMinutes(1));
            List<Future<?>> retry = queued.tick();
            assertEquals(1, retry.size(), "the source is polled again, not stuck behind a poll that never ran");
            retry.getFirst().get(10, TimeUnit.SECONDS);
            assertEquals(1, source.polls.get(), "the abandoned poll never ran; the retry did");
            assertEquals(HealthState.OK, queued.statuses().getFirst().health().state());
        } finally {
            queued.close();
            one.shutdownNow();
        }
    }
}
