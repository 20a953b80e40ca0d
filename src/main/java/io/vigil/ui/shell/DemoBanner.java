package io.vigil.ui.shell;

import io.vigil.scenario.Scenario;
import io.vigil.scenario.ScenarioClock;
import java.time.Duration;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * The banner that stays on screen while the console replays a scenario: it says DEMO and which
 * incident, lets the analyst change the replay speed, and leads back to the live console.
 */
public final class DemoBanner extends HBox {

    static final double[] SPEEDS = {1, 10, 30, 60, 120, 600};

    public DemoBanner(Scenario scenario, ScenarioClock clock, Runnable leave) {
        setId("demo-banner");
        getStyleClass().add("banner-demo");
        setAlignment(Pos.CENTER_LEFT);
        setSpacing(12);
        Label text = new Label("DEMO · " + scenario.name() + " · recorded incident, loops every "
                + hours(scenario.length()) + " · nothing on this machine is touched; playbook runs are simulated");
        text.setWrapText(true);
        text.setMinWidth(200);
        HBox.setHgrow(text, Priority.SOMETIMES);
        text.setId("demo-banner-text");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        ComboBox<String> speed = new ComboBox<>();
        speed.setId("demo-speed");
        for (double s : SPEEDS) {
            speed.getItems().add(label(s));
        }
        speed.setValue(label(clock.speed()));
        speed.setOnAction(e -> {
            String v = speed.getValue();
            clock.setSpeed(Double.parseDouble(v.substring(0, v.indexOf('×'))));
        });
        Button exit = new Button("Leave demo");
        exit.setId("demo-leave");
        exit.setOnAction(e -> leave.run());
        Label speedLabel = new Label("Speed");
        for (javafx.scene.control.Control c : new javafx.scene.control.Control[] {speedLabel, speed, exit}) {
            c.setMinWidth(Region.USE_PREF_SIZE);
        }
        getChildren().addAll(text, spacer, speedLabel, speed, exit);
    }

    private static String label(double speed) {
        return (speed == Math.rint(speed) ? String.valueOf((long) speed) : String.valueOf(speed)) + "× real time";
    }

    private static String hours(Duration d) {
        return d.toMinutes() % 60 == 0 ? d.toHours() + " h" : d.toMinutes() + " min";
    }
}
