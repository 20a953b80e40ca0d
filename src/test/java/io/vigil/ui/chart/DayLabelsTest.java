package io.vigil.ui.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.Eventually;
import io.vigil.ui.Styles;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import javafx.collections.FXCollections;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.StackedBarChart;
import javafx.scene.chart.XYChart;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/** The Cloud view's daily bars: 30 day labels in a 960 (and a 480) wide window never overlap. */
class DayLabelsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final FxRobot robot = new FxRobot();
    private CategoryAxis axis;
    private StackedBarChart<String, Number> bars;
    private Stage stage;
    private javafx.scene.layout.VBox box;

    @AfterEach
    void close() throws Exception {
        FxToolkit.cleanupStages();
    }

    @Test
    void thirtyDayLabelsReadShortAndNeverOverlap() throws Exception {
        List<String> days = new ArrayList<>();
        for (LocalDate d = LocalDate.of(2026, 10, 31); days.size() < 30; d = d.plusDays(1)) {
            days.add(String.format("%02d-%02d", d.getMonthValue(), d.getDayOfMonth())); // as the Cloud view names them
        }
        stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            axis = new CategoryAxis();
            bars = new StackedBarChart<>(axis, new NumberAxis());
            bars.setId("bars");
            bars.setAnimated(false);
            bars.getStyleClass().add("cloud-chart");
            axis.setCategories(FXCollections.observableArrayList(days));
            for (String service : List.of("EC2 compute", "S3")) {
                XYChart.Series<String, Number> s = new XYChart.Series<>();
                s.setName(service);
                days.forEach(d -> s.getData().add(new XYChart.Data<>(d, 100 + d.hashCode() % 50)));
                bars.getData().add(s);
            }
            box = DayLabels.under(bars);
            return new javafx.scene.layout.HBox(box);
        });
        FxToolkit.setupStage(st -> {
            st.getScene().getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
            st.setX(0);
            st.setY(0);
            st.setWidth(960);
            javafx.scene.layout.HBox.setHgrow(box, javafx.scene.layout.Priority.ALWAYS);
            st.setHeight(500);
            st.show();
        });
        DayLabels strip = robot.lookup("#bars-days").queryAs(DayLabels.class);
        assertFalse(axis.isTickLabelsVisible(), "the axis' own labels give way");
        assertFits(strip, 960);

        robot.interact(() -> box.setMaxWidth(480));
        Eventually.until("the strip lays out at 480", WAIT, () -> strip.getWidth() <= 480);
        assertFits(strip, 480);
    }

    private void assertFits(DayLabels strip, int windowWidth) throws Exception {
        Eventually.until("day labels at " + windowWidth, WAIT, () -> strip.labels().size() >= 4
                && strip.labels().getLast().right() <= strip.getWidth());
        List<DayLabels.DayLabel> labels = strip.labels();
        Text measure = new Text();
        measure.setFont(Font.font(11));
        for (int i = 0; i < labels.size(); i++) {
            DayLabels.DayLabel l = labels.get(i);
            assertTrue(l.text().matches("(Oct|Nov) \\d{1,2}"), "short day label: " + l.text());
            measure.setText(l.text());
            assertTrue(l.right() - l.left() >= measure.getLayoutBounds().getWidth() - 0.5, "box holds " + l);
            if (i > 0) {
                assertTrue(labels.get(i - 1).right() + 4 <= l.left(),
                        "overlap at " + windowWidth + ": " + labels.get(i - 1) + " / " + l);
            }
            // Each label sits under its own day's bar.
            Node bar = bars.getData().getFirst().getData().stream().filter(d -> d.getXValue().equals(l.category()))
                    .findFirst().orElseThrow().getNode();
            double[] barCentre = new double[1];
            robot.interact(() -> barCentre[0] = strip.sceneToLocal(bar.localToScene(bar.getLayoutBounds())).getCenterX());
            double centre = (l.left() + l.right()) / 2;
            assertTrue(Math.abs(centre - barCentre[0]) < 3 || l.left() == 0 || l.right() >= strip.getWidth() - 0.5,
                    l + " under its bar at " + barCentre[0]);
        }
        assertEquals("Nov 29", labels.getLast().text(), "the latest day keeps its label");
        assertTrue(labels.size() < 30, "days skipped to fit");
    }
}
