package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.scenario.Scenario;
import io.vigil.scenario.ScenarioFile;
import io.vigil.scenario.ScenarioFleetReader;
import io.vigil.telemetry.ManualClock;
import io.vigil.ui.Styles;
import io.vigil.ui.fleet.FleetView;
import io.vigil.ui.fleet.FleetViewAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Fleet view over the demo's wiring (scenario replay through the real scheduler and fleet
 * source), and the first-run form of a console without a fleet.
 */
class FleetDemoTest {

    @TempDir
    Path dir;

    private final FxRobot robot = new FxRobot();
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private Wiring wiring;
    private FleetView view;

    @AfterEach
    void stop() throws Exception {
        FxToolkit.cleanupStages();
        background.shutdownNow();
        if (wiring != null) {
            wiring.close();
        }
    }

    private void show(java.util.function.Supplier<FleetView> make) throws Exception {
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            view = make.get();
            return (Parent) view.node();
        });
        FxToolkit.setupStage(stage -> {
            stage.getScene().getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
            stage.setX(0); // inside the 1000×1000 headless screen with room to spare, whatever an earlier test left
            stage.setY(0);
            stage.setWidth(960);
            stage.setHeight(900);
            stage.show();
        });
    }

    @Test
    void theDemoShowsTheFleetWithItsTwoMiningNodesHottest() throws Exception {
        Scenario scenario = ScenarioFile.builtInDemo();
        ManualClock clock = new ManualClock(scenario.start().plus(Duration.ofHours(5).plusMinutes(30)));
        wiring = Wiring.forScenario(new AppPaths(dir.resolve("config"), dir.resolve("data")), scenario, clock);
        assertTrue(wiring.fleet().isPresent(), "a scenario replay has a fleet");
        for (Future<?> poll : wiring.scheduler().tick()) {
            poll.get(30, TimeUnit.SECONDS);
        }
        show(() -> FleetView.create(wiring::fleet, clock, background, f -> "", () -> { }, null));
        robot.interact(view::refresh);
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals(24, FleetViewAccess.rowNames(view).size());
        assertEquals(23 * 8, FleetViewAccess.cellsPainted(view), "every node in view; the DOWN one without cells");
        assertTrue(FleetViewAccess.paintedStatus(view, ScenarioFleetReader.DOWN_NODE).startsWith("DOWN — Get "));
        assertEquals("23 / 1", robot.lookup("#fleet-tile-nodes-value").queryAs(Label.class).getText());
        assertTrue(robot.lookup("#fleet-origin").queryAs(Label.class).getText().contains("demo fleet"));

        robot.clickOn("#fleet-sort");
        robot.clickOn("Hottest first");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(Set.of(ScenarioFleetReader.MINER_NODE_1, ScenarioFleetReader.MINER_NODE_2),
                Set.copyOf(FleetViewAccess.rowNames(view).subList(0, 2)), FleetViewAccess.rowNames(view).toString());

        robot.clickOn("#fleet-filter").write("xmrig");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(), FleetViewAccess.rowNames(view), "process names are not labels: no match");
        robot.eraseText(5).write("kube-system");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(ScenarioFleetReader.MINER_NODE_1), FleetViewAccess.rowNames(view));
    }

    @Test
    void withoutAFleetTheFormWritesTheFleetSectionOffTheFxThread() throws Exception {
        Path settings = dir.resolve("config/settings.yaml");
        Set<String> savedOn = ConcurrentHashMap.newKeySet();
        AtomicBoolean reconnected = new AtomicBoolean();
        show(() -> FleetView.create(Optional::empty, java.time.Clock.systemUTC(), background, form -> {
            savedOn.add(Thread.currentThread().getName());
            return FleetSettingsFile.write(settings, form).toString();
        }, () -> reconnected.set(true), () -> { }));
        robot.interact(view::refresh);
        assertTrue(robot.lookup("#fleet-setup").query().isVisible());
        assertTrue(robot.lookup("#fleet-start-demo").tryQuery().isPresent(), "Start demo is offered");

        robot.clickOn("#fleet-setup-url").write("http://prometheus.example:9090");
        robot.clickOn("#fleet-setup-auth");
        robot.clickOn("Bearer token");
        robot.clickOn("#fleet-setup-secret").write("eyJhbGciOiJIUzI1NiJ9.pasted.token");
        robot.clickOn("#fleet-setup-save");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#fleet-setup-message").queryAs(Label.class).getText().contains("never stores the secret"));
        assertFalse(Files.exists(settings), "nothing written for a pasted secret");

        robot.doubleClickOn("#fleet-setup-secret").eraseText(40).write("env:PROM_TOKEN");
        robot.clickOn("#fleet-setup-save");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, reconnected::get);
        assertTrue(savedOn.stream().noneMatch(t -> t.contains("JavaFX")), "written off the FX thread: " + savedOn);
        String yaml = Files.readString(settings);
        assertTrue(yaml.contains("token: \"env:PROM_TOKEN\""), yaml);
        assertFalse(yaml.contains("pasted"), yaml);
        assertTrue(robot.lookup("#fleet-setup-message").queryAs(Label.class).getText().startsWith("Saved to "));
    }
}
