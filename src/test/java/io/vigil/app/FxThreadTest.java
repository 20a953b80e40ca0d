package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.alerts.AlertManager;
import io.vigil.rules.Evaluation;
import io.vigil.rules.InstancePhase;
import io.vigil.rules.RuleInstance;
import io.vigil.rules.Severity;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The FX thread never waits on SQLite: with the database's write lock held by another connection on
 * the same file, the alert manager's writer sits in SQLite's busy wait holding its own monitor,
 * while the console keeps refreshing the open-alert counts in the header and the Alerts view at
 * 4 Hz. No FX pulse may be delayed by more than 50 ms.
 */
class FxThreadTest {

    @TempDir
    Path dir;

    private VigilApp app;
    private final FxRobot robot = new FxRobot();

    @BeforeEach
    void start() throws Exception {
        FxToolkit.registerPrimaryStage();
        AppPaths paths = new AppPaths(dir.resolve("config"), dir.resolve("data"));
        app = (VigilApp) FxToolkit.setupApplication(() -> new VigilApp(() -> Wiring.forDesktop(paths, Clock.systemUTC())));
        assertTrue(app.awaitConsole(Duration.ofSeconds(60)), "the console attached its views");
    }

    @AfterEach
    void stop() throws Exception {
        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
    }

    @Test
    void aDatabaseHeldByAnotherWriterDoesNotDelayAFrame() throws Exception {
        robot.clickOn("#nav-alerts");
        WaitForAsyncUtils.waitForFxEvents();
        AlertManager alerts = app.wiring().alertEngine().orElseThrow().alerts();
        Path file = app.wiring().paths().databaseFile();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong attempts = new AtomicLong();
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement st = other.createStatement()) {
                st.execute("BEGIN EXCLUSIVE");
            }
            // A writer that keeps trying to record a new alert: each attempt waits out SQLite's busy
            // timeout inside reconcile, holding the alert manager's monitor and the database lock.
            Thread writer = Thread.ofPlatform().name("slow-writer").start(() -> {
                int pid = 1;
                while (writing.get()) {
                    Instant now = Instant.now();
                    String p = Integer.toString(pid++);
                    attempts.incrementAndGet();
                    alerts.reconcile(new Evaluation(now, List.of(new RuleInstance("miner-signature", Map.of("pid", p),
                            Map.of("pid", p), "pid " + p, Severity.CRITICAL, 3, InstancePhase.FIRING, now, now, "")),
                            Map.of()));
                }
            });
            try {
                WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> attempts.get() > 0);
                // Up to five 1 s windows: a loaded machine may drop one frame by itself, but a
                // blocked FX thread stalls every window for the whole busy timeout (5 s).
                List<Long> worst = new ArrayList<>();
                for (int window = 0; window < 5; window++) {
                    long gapMs = longestPulseGapMs(Duration.ofSeconds(1));
                    worst.add(gapMs);
                    if (gapMs <= 50) {
                        break;
                    }
                }
                assertTrue(worst.getLast() <= 50, "longest gap between FX pulses per window (ms): " + worst);
            } finally {
                writing.set(false);
                try (Statement st = other.createStatement()) {
                    st.execute("ROLLBACK");
                }
                writer.join(30_000);
            }
        }
    }

    /** The longest time between two consecutive pulses over {@code window}, measured by an AnimationTimer. */
    private static long longestPulseGapMs(Duration window) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        long[] worst = {0};
        Platform.runLater(() -> new AnimationTimer() {
            long first = -1;
            long last = -1;

            @Override
            public void handle(long now) {
                long t = System.nanoTime(); // when the FX thread got to it, not the pulse's nominal time
                if (first < 0) {
                    first = t;
                } else {
                    worst[0] = Math.max(worst[0], t - last);
                }
                last = t;
                if (t - first >= window.toNanos()) {
                    stop();
                    done.countDown();
                }
            }
        }.start());
        assertTrue(done.await(60, TimeUnit.SECONDS), "the FX thread came back within 60 s");
        return TimeUnit.NANOSECONDS.toMillis(worst[0]);
    }
}
