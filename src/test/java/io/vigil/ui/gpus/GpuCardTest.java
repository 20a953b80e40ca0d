package io.vigil.ui.gpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gpu.GpuReading;
import io.vigil.gpu.MigInstance;
import io.vigil.gpu.XidEvent;
import io.vigil.ui.SeverityStyles;
import io.vigil.ui.Styles;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/** A GPU card's XID line (from the XID table) and its MIG instances. */
class GpuCardTest {

    private final FxRobot robot = new FxRobot();
    private GpuCard card;

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
    }

    private static GpuReading reading(GpuReading.Mig mig) {
        OptionalDouble d = OptionalDouble.of(40);
        OptionalLong l = OptionalLong.of(1L << 30);
        OptionalLong none = OptionalLong.empty();
        return new GpuReading(0, "NVIDIA A100-SXM4-80GB", "GPU-a", false, d, d, l, OptionalLong.of(80L << 30), d,
                OptionalDouble.of(200), OptionalDouble.of(400), none, none, d, none, none, none, none, none, List.of(),
                OptionalLong.empty(), mig);
    }

    @Test
    void showsTheLatestXidWithItsMeaningAndTheMigInstances() throws Exception {
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            card = new GpuCard(0);
            return (Parent) new StackPane(card);
        });
        FxToolkit.setupStage(stage -> {
            stage.getScene().getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
            stage.setX(0);
            stage.setY(0);
            stage.setWidth(500);
            stage.setHeight(700);
            stage.show();
        });
        GpuReading.Mig mig = new GpuReading.Mig(Optional.of(true), 7, List.of(
                new MigInstance(0, "MIG-aaaa", OptionalLong.of(2L << 30), OptionalLong.of(10L << 30)),
                new MigInstance(1, "MIG-bbbb", OptionalLong.empty(), OptionalLong.empty())));
        long t = Instant.parse("2026-11-30T09:12:03Z").toEpochMilli();
        List<XidEvent> events = List.of(
                new XidEvent(1, t - 60_000, 0, "GPU-a", XidEvent.Kind.XID, 13),
                new XidEvent(2, t, 0, "GPU-a", XidEvent.Kind.XID, 79),
                new XidEvent(3, t, 1, "GPU-b", XidEvent.Kind.XID, 31));
        robot.interact(() -> {
            card.update(reading(mig), "550.54");
            card.showEvents(events, ZoneOffset.UTC);
        });
        Label xid = robot.lookup("#gpu-0-xid").queryAs(Label.class);
        assertTrue(xid.isVisible());
        assertEquals("XID 79 · GPU has fallen off the bus · 09:12:03 (2 recent)", xid.getText(),
                "the newest of this GPU's XIDs; GPU 1's is not shown here");
        assertTrue(xid.getStyleClass().contains(SeverityStyles.CRITICAL), "a critical XID per the table");
        Label migLabel = robot.lookup("#gpu-0-mig").queryAs(Label.class);
        assertEquals("MIG on · 2 of 7 instances\n  0  MIG-aaaa  2 GiB of 10 GiB\n  1  MIG-bbbb", migLabel.getText());

        robot.interact(() -> {
            card.update(reading(GpuReading.Mig.UNKNOWN), "550.54");
            card.showEvents(List.of(), ZoneOffset.UTC);
        });
        assertFalse(robot.lookup("#gpu-0-mig").query().isVisible(), "no MIG section without MIG");
        assertFalse(xid.isVisible());
    }
}
