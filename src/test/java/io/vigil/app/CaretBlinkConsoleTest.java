package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The console puts a focused filter's caret at rest once 10 s pass without input (ADR 0892): its UI
 * ticker checks the timeout and it watches the window's keys. The caret's clock is injected; that the
 * rest lets the toolkit idle is CaretBlinkTimeoutTest's part, in a JVM of its own.
 */
class CaretBlinkConsoleTest {

    @TempDir
    Path dir;

    private final FxRobot robot = new FxRobot();
    private final AtomicLong nanos = new AtomicLong(1_000);
    private VigilApp app;

    @BeforeEach
    void start() throws Exception {
        FxToolkit.registerPrimaryStage();
        AppPaths paths = new AppPaths(dir.resolve("config"), dir.resolve("data"));
        app = (VigilApp) FxToolkit.setupApplication(
                () -> new VigilApp(() -> Wiring.forDesktop(paths, Clock.systemUTC())).caretClock(nanos::get));
        assertTrue(app.awaitConsole(Duration.ofSeconds(60)), "the console attached its views");
    }

    @AfterEach
    void stop() throws Exception {
        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
    }

    @Test
    void theFocusedRulesFilterRestsAfterTenSecondsWithoutInputAndATypedKeyWakesIt() throws Exception {
        robot.clickOn("#nav-rules");
        robot.clickOn("#rules-filter-text");
        TextField filter = robot.lookup("#rules-filter-text").queryAs(TextField.class);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, filter::isFocused);

        nanos.addAndGet(Duration.ofSeconds(10).toNanos());

        // The next UI frame (once a second by default) checks the timeout.
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> onFx(app::restingCaret).isPresent());
        assertEquals(Optional.<TextInputControl>of(filter), onFx(app::restingCaret));

        robot.type(KeyCode.G);

        assertEquals(Optional.empty(), onFx(app::restingCaret), "the key set the caret blinking again");
        assertEquals("g", filter.getText());
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> call) throws Exception {
        return WaitForAsyncUtils.asyncFx(call).get(10, TimeUnit.SECONDS);
    }
}
