package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/**
 * The real console's Settings view, reached with Ctrl+9: Reload (button and F5) picks up an edited
 * settings.yaml, applies the refresh rate at once, names the sections that need a restart, and
 * reports a broken file or a bad value with its line and column.
 */
class SettingsReloadTest {

    @TempDir
    Path dir;

    private VigilApp app;
    private Path settingsFile;
    private final FxRobot robot = new FxRobot();

    @BeforeEach
    void start() throws Exception {
        Stage stage = FxToolkit.registerPrimaryStage();
        AppPaths paths = new AppPaths(dir.resolve("config"), dir.resolve("data"));
        settingsFile = paths.settingsFile();
        app = (VigilApp) FxToolkit.setupApplication(() -> new VigilApp(() -> Wiring.forDesktop(paths, Clock.systemUTC())));
        assertTrue(app.awaitConsole(Duration.ofSeconds(60)), "the console attached its views");
        robot.interact(() -> { // well inside the 1000×1000 headless screen
            stage.setX(0);
            stage.setY(0);
            stage.setWidth(960);
            stage.setHeight(720);
        });
        robot.clickOn("#nav-dashboard");
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT9);
        assertEquals("settings", app.shell().currentId());
    }

    @AfterEach
    void stop() throws Exception {
        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
    }

    private String message() {
        return robot.lookup("#settings-message").queryAs(Label.class).getText();
    }

    private List<String> problems() {
        return robot.lookup("#settings-problems .label").queryAllAs(Label.class).stream().map(Label::getText).toList();
    }

    private void edit(String from, String to) throws Exception {
        String text = Files.readString(settingsFile);
        assertTrue(text.contains(from), "the file has " + from);
        Files.writeString(settingsFile, text.replace(from, to));
    }

    @Test
    void reloadPicksUpAnEditedFileAndSaysWhatNeedsARestart() throws Exception {
        edit("refreshHz: 1\n", "refreshHz: 10\n");
        edit("periodSeconds: 2", "periodSeconds: 3");
        robot.clickOn("#settings-reload");
        Eventually.until("the reload is shown", Duration.ofSeconds(20), () -> message().contains("Applied now"));
        assertTrue(message().contains("Applied now: ui.refreshHz 1 → 10."), message());
        assertTrue(message().contains("takes effect after a restart: host."), message());
        assertTrue(robot.lookup("#settings-effective").queryAs(TextArea.class).getText().contains("refreshHz: 10"));
        assertTrue(robot.lookup("#settings-restart").queryAs(Button.class).isVisible(), "Restart sources is offered");
        assertTrue(problems().isEmpty(), problems().toString());

        // F5 reloads too; the applied rate is now the baseline.
        edit("refreshHz: 10", "refreshHz: 12");
        robot.push(KeyCode.F5);
        Eventually.until("F5 reloaded", Duration.ofSeconds(20), () -> message().contains("ui.refreshHz 10 → 12"));
    }

    @Test
    void aBrokenFileOrABadValueIsReportedWithLineAndColumn() throws Exception {
        Files.writeString(settingsFile, "host:\n  periodSeconds: 2\nui:\n  refreshHz: [4\n");
        robot.clickOn("#settings-reload");
        Eventually.until("the problem is shown", Duration.ofSeconds(20), () -> !problems().isEmpty());
        String broken = problems().getFirst();
        assertTrue(broken.matches("(?s)\\Q" + settingsFile + "\\E:4:\\d+: .*"), broken);
        assertTrue(message().startsWith("Reloaded with 1 problem"), message());

        Files.writeString(settingsFile, "host:\n  periodSeconds: soon\n");
        robot.clickOn("#settings-reload");
        Eventually.until("the bad value is shown", Duration.ofSeconds(20),
                () -> problems().stream().anyMatch(p -> p.contains("host.periodSeconds")));
        String bad = problems().stream().filter(p -> p.contains("host.periodSeconds")).findFirst().orElseThrow();
        assertTrue(bad.startsWith(settingsFile + ":2:18: host.periodSeconds: expected a number"), bad);
    }
}
