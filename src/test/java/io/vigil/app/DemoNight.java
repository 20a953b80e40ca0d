package io.vigil.app;

import io.vigil.alerts.Alert;
import io.vigil.scenario.Scenario;
import io.vigil.scenario.ScenarioFile;
import io.vigil.telemetry.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The built-in demo night replayed through the real pipeline (scenario readers, scheduler, series
 * store, rules, alert database) on a manual clock, for tests that look at the alerts it leaves open.
 *
 * @param open the alerts open at {@code at}
 * @param at   the scenario time the replay stopped at
 */
record DemoNight(List<Alert> open, Instant at) {

    /**
     * From 04:00 into the night (before either miner starts) to 05:30 (both mining, one fleet node
     * down), in 10 s steps: every due poll is waited for, then the alert engine ticks.
     */
    static DemoNight at0530(Path dir) throws Exception {
        Scenario scenario = ScenarioFile.builtInDemo();
        ManualClock clock = new ManualClock(scenario.start().plus(Duration.ofHours(4)));
        try (Wiring wiring = Wiring.forScenario(new AppPaths(dir.resolve("config"), dir.resolve("data")), scenario, clock)) {
            for (int step = 0; step < 90 * 6; step++) {
                clock.advance(Duration.ofSeconds(10));
                for (Future<?> poll : wiring.scheduler().tick()) {
                    poll.get(30, TimeUnit.SECONDS);
                }
                wiring.alertEngine().orElseThrow().tick();
            }
            return new DemoNight(wiring.alertEngine().orElseThrow().alerts().open(), clock.instant());
        }
    }
}
