package io.vigil.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The scheduler thread sleeps until something is due instead of ticking ten times a second: the
 * planned wake is never later than the next poll or a running poll's timeout, and on a real clock
 * polls still run on their period and hangs are still caught although the longest sleep is long.
 */
class SourceSchedulerWakeTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void plansTheWakeAtTheNextPollOrTheRunningPollsTimeout() throws Exception {
        ManualClock clock = new ManualClock(T0);
        CountDownLatch release = new CountDownLatch(1);
        try (SourceScheduler scheduler = SourceScheduler.withVirtualThreads(clock)) {
            assertNull(scheduler.nextWake(), "no sources: nothing to wake for");
            SourceSchedulerTest.CountingSource slow = new SourceSchedulerTest.CountingSource("slow", Duration.ofSeconds(5));
            SourceSchedulerTest.CountingSource hanging = new SourceSchedulerTest.CountingSource("hanging", Duration.ofSeconds(60)) {
                @Override
                public Duration pollTimeout() {
                    return Duration.ofSeconds(3);
                }

                @Override
                public PollResult poll(Instant now) throws Exception {
                    release.await();
                    return super.poll(now);
                }
            };
            scheduler.register(slow);
            scheduler.register(hanging);
            assertEquals(T0, scheduler.nextWake(), "new sources are due at once");

            Future<?> slowPoll = scheduler.tick().getFirst();
            slowPoll.get(10, TimeUnit.SECONDS);
            // slow is next due at +5 s, but the hanging poll's timeout (+3 s) comes first.
            assertEquals(T0.plusSeconds(3), scheduler.nextWake());

            clock.advance(Duration.ofSeconds(3));
            scheduler.tick(); // marks the hang
            assertEquals("DOWN", scheduler.statuses().get(1).health().state().name());
            // The hung poll is given up on: only slow's due time is left to wake for.
            assertEquals(T0.plusSeconds(5), scheduler.nextWake());
            release.countDown();
        }
    }

    @Test
    void onARealClockPollsRunOnTimeAndHangsAreCaughtWithALongMaxWait() throws Exception {
        CountDownLatch fivePolls = new CountDownLatch(5);
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch stuckDown = new CountDownLatch(1);
        try (SourceScheduler scheduler = SourceScheduler.withVirtualThreads(Clock.systemUTC())) {
            scheduler.addListener(new TelemetryListener() {
                @Override
                public void onSamples(String sourceId, java.util.List<Sample> samples) {
                }

                @Override
                public void onHealth(String sourceId, SourceHealth health) {
                    if (sourceId.equals("stuck") && health.state() == HealthState.DOWN) {
                        stuckDown.countDown();
                    }
                }
            });
            scheduler.register(new SourceSchedulerTest.CountingSource("fast", Duration.ofMillis(200)) {
                @Override
                public Duration pollTimeout() {
                    return Duration.ofHours(1); // its own timeout never wakes the thread
                }

                @Override
                public PollResult poll(Instant now) throws Exception {
                    // A poll takes a while (a real one reads /proc or a socket): it ends after the
                    // thread planned its sleep, so only the wake on completion brings the next poll.
                    Thread.sleep(50);
                    fivePolls.countDown();
                    return super.poll(now);
                }
            });
            scheduler.register(new SourceSchedulerTest.CountingSource("stuck", Duration.ofHours(1)) {
                @Override
                public Duration pollTimeout() {
                    return Duration.ofMillis(500);
                }

                @Override
                public PollResult poll(Instant now) throws Exception {
                    never.await();
                    return super.poll(now);
                }
            });
            // One minute between forced wakes: polls and the hang can only be seen on time if the
            // thread wakes when they are due.
            scheduler.start(Duration.ofMinutes(1));
            assertTrue(fivePolls.await(20, TimeUnit.SECONDS), "a 200 ms source polled 5 times within 20 s");
            assertTrue(stuckDown.await(20, TimeUnit.SECONDS), "the hang was detected");
        } finally {
            never.countDown();
        }
    }
}
