package io.vigil.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.store.Database;
import io.vigil.telemetry.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestBudgetTest {

    @TempDir
    Path dir;

    @Test
    void neverGrantsMoreThanTheLimitEvenUnderConcurrency() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:00:00Z"));
        try (Database db = Database.open(dir.resolve("vigil.db"));
             ExecutorService pool = Executors.newFixedThreadPool(8)) {
            RequestBudget budget = new RequestBudget(db, clock, 50);
            List<Callable<Boolean>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                calls.add(budget::tryAcquire);
            }
            int granted = 0;
            for (Future<Boolean> f : pool.invokeAll(calls)) {
                granted += f.get() ? 1 : 0;
            }
            assertEquals(50, granted);
            assertEquals(50, budget.usedToday());
        }
    }

    @Test
    void survivesARestartAndStartsAgainAtUtcMidnight() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-22T23:59:00Z"));
        Path file = dir.resolve("vigil.db");
        try (Database db = Database.open(file)) {
            RequestBudget budget = new RequestBudget(db, clock, 3);
            for (int i = 0; i < 3; i++) {
                assertTrue(budget.tryAcquire());
            }
            assertFalse(budget.tryAcquire());
        }
        try (Database db = Database.open(file)) {
            RequestBudget budget = new RequestBudget(db, clock, 3);
            assertEquals(3, budget.usedToday(), "count read back after a restart");
            assertFalse(budget.tryAcquire(), "still used up after a restart");
            assertEquals(Instant.parse("2026-11-23T00:00:00Z"), budget.resetsAt());
            clock.advance(Duration.ofSeconds(59));
            assertFalse(budget.tryAcquire(), "23:59:59 is still the same UTC day");
            clock.advance(Duration.ofSeconds(1));
            assertEquals(0, budget.usedToday());
            assertTrue(budget.tryAcquire(), "a new UTC day, a new budget");
            assertEquals(1, budget.usedToday());
        }
    }

    @Test
    void utcDayIsUsedWhateverTheClockZone() throws Exception {
        // 01:30 in Berlin is still the previous day in UTC.
        ManualClock clock = new ManualClock(Instant.parse("2026-11-22T00:30:00Z"), java.time.ZoneId.of("Europe/Berlin"));
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            RequestBudget budget = new RequestBudget(db, clock, 3);
            assertEquals(Instant.parse("2026-11-23T00:00:00Z"), budget.resetsAt());
        }
    }
}
