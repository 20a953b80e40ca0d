package io.vigil.ui.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.Eventually;
import io.vigil.telemetry.SeriesPoints;
import io.vigil.telemetry.TimeWindow;
import io.vigil.text.Ticks;
import io.vigil.text.Unit;
import io.vigil.ui.Styles;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongToDoubleFunction;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Point2D;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/** The chart in a real (headless) window, 960 wide, driven with the TestFX robot. */
class TimeSeriesChartTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ZoneId ZONE = ZoneOffset.UTC;
    private static final long NOW = Instant.parse("2026-11-22T03:00:00Z").toEpochMilli();
    private static final long GIB = 1L << 30;

    private final FxRobot robot = new FxRobot();
    private final ObjectProperty<TimeWindow> window = new SimpleObjectProperty<>(TimeWindow.FIVE_MINUTES);
    private TimeSeriesChart chart;
    private TimeSeriesChart second;
    private HBox selector;

    @BeforeEach
    void open() throws Exception {
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupSceneRoot(() -> {
            chart = new TimeSeriesChart("Memory used by GPU");
            chart.setZone(ZONE);
            chart.setPrefSize(940, 320);
            second = new TimeSeriesChart("Power W");
            second.setZone(ZONE);
            second.setUnit(Unit.WATTS);
            second.setPrefSize(940, 200);
            selector = WindowSelector.of("t-", window, chart, second);
            return (Parent) new VBox(6, selector, chart, second);
        });
        FxToolkit.setupStage(stage -> {
            stage.getScene().getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
            stage.setX(0);
            stage.setY(0);
            stage.setWidth(960);
            stage.setHeight(700);
            stage.show();
        });
    }

    @AfterEach
    void close() throws Exception {
        FxToolkit.cleanupStages();
    }

    /** Samples every {@code stepMillis} over [from, to), leaving out [gapFrom, gapTo). */
    private static SeriesPoints points(long from, long to, long stepMillis, long gapFrom, long gapTo,
            LongToDoubleFunction value) {
        List<Long> t = new ArrayList<>();
        for (long x = from; x < to; x += stepMillis) {
            if (x < gapFrom || x >= gapTo) {
                t.add(x);
            }
        }
        long[] times = t.stream().mapToLong(Long::longValue).toArray();
        double[] values = new double[times.length];
        for (int i = 0; i < times.length; i++) {
            values[i] = value.applyAsDouble(times[i]);
        }
        return new SeriesPoints(times, values, times.length);
    }

    private void show(Unit unit, long from, long to, List<ChartSeries> series) {
        robot.interact(() -> {
            chart.setUnit(unit);
            chart.setData(from, to, series);
        });
    }

    private Point2D onScreen(TimeSeriesChart c, long timeMillis) {
        return c.localToScreen(c.xOf(timeMillis), c.plotMiddleY());
    }

    @Test
    void hoverReadoutShowsTheTimeAndEverySeriesValueUnderTheMouseWithItsUnit() throws Exception {
        long from = NOW - 300_000;
        // GPU 0 climbs 1 GiB a minute from 10 GiB; GPU 1 holds 40 GiB.
        show(Unit.BYTES, from, NOW, List.of(
                new ChartSeries("GPU 1", 2, points(from, NOW, 1000, 0, 0, t -> 40.0 * GIB)),
                new ChartSeries("GPU 0", 1, points(from, NOW, 1000, 0, 0, t -> 10.0 * GIB + (t - from) / 60_000.0 * GIB))));
        long at = from + 180_000; // 3 min in: GPU 0 reads 13 GiB
        robot.moveTo(onScreen(chart, at));
        Eventually.until("the readout shows", WAIT, () -> chart.readoutProperty().get() != null);
        TimeSeriesChart.Readout r = chart.readoutProperty().get();
        assertTrue(Math.abs(r.timeMillis() - at) <= 2000, "readout time " + r.timeMillis() + " vs " + at);
        assertTrue(r.time().matches("02:5[78]:\\d\\d"), r.time());
        assertEquals("GPU 0", r.lines().get(0).series(), "stable order: GPU 0 before GPU 1");
        assertTrue(r.lines().get(0).value().matches("13(\\.0)? GiB"), r.lines().get(0).value());
        assertEquals("40 GiB", r.lines().get(1).value());

        robot.moveTo(chart.localToScreen(2, 2)); // off the plot: the readout goes
        Eventually.until("the readout hides", WAIT, () -> chart.readoutProperty().get() == null);
    }

    @Test
    void dragZoomNarrowsTheVisibleRangeOfLinkedChartsAndDoubleClickOrResetRestoresIt() throws Exception {
        long from = NOW - 3_600_000;
        window.set(TimeWindow.ONE_HOUR);
        SeriesPoints p = points(from, NOW, 5000, 0, 0, t -> 100 + (t % 60_000) / 1000.0);
        robot.interact(() -> {
            chart.setData(from, NOW, List.of(new ChartSeries("GPU 0", 1, p)));
            second.setData(from, NOW, List.of(new ChartSeries("GPU 0", 1, p)));
        });
        int budget = chart.pointBudget();
        long a = from + 1_200_000;
        long b = from + 1_800_000;
        robot.drag(onScreen(chart, a)).dropTo(onScreen(chart, b));
        Eventually.until("the chart zooms", WAIT, () -> chart.zoomProperty().get() != null);
        TimeRange z = chart.visibleRange();
        assertTrue(Math.abs(z.fromMillis() - a) < 30_000 && Math.abs(z.toMillis() - b) < 30_000, "zoomed to " + z);
        assertEquals(z, second.visibleRange(), "the linked chart zooms alike");
        assertTrue(chart.timeLabels().stream().allMatch(l -> l.timeMillis() >= z.fromMillis()
                && l.timeMillis() <= z.toMillis()), "time labels inside the zoom");
        assertTrue(chart.pointBudget() > 3 * budget, "a zoomed chart asks for more points to keep 2 a pixel");
        assertTrue(robot.lookup("#t-custom").queryAs(javafx.scene.control.ToggleButton.class).isSelected());
        assertEquals(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").format(
                Instant.ofEpochMilli(z.fromMillis()).atZone(ZONE)),
                robot.lookup("#t-custom-from").queryAs(TextField.class).getText(), "the fields show the zoom");

        robot.doubleClickOn(onScreen(chart, a + 100_000));
        Eventually.until("double-click resets", WAIT, () -> chart.zoomProperty().get() == null);
        assertEquals(new TimeRange(from, NOW), chart.visibleRange());
        assertNull(second.zoomProperty().get());

        robot.drag(onScreen(chart, a)).dropTo(onScreen(chart, b));
        Eventually.until("zoomed again", WAIT, () -> chart.zoomProperty().get() != null);
        Button reset = robot.from(chart).lookup(".chart-reset-zoom").queryAs(Button.class);
        Eventually.until("Reset zoom shows", WAIT, reset::isVisible);
        robot.clickOn(reset);
        Eventually.until("Reset zoom resets", WAIT, () -> chart.zoomProperty().get() == null);
    }

    @Test
    void aCustomRangeLoadsTheWindowThatHoldsItAndZoomsToIt() throws Exception {
        long from = NOW - 86_400_000;
        window.addListener((o, old, w) -> { // as a view does: a window change reloads the data
            long f = NOW - w.duration().toMillis();
            chart.setData(f, NOW, List.of(new ChartSeries("GPU 0", 1, points(f, NOW, 60_000, 0, 0, t -> GIB))));
        });
        show(Unit.BYTES, NOW - 300_000, NOW, List.of(new ChartSeries("GPU 0", 1,
                points(NOW - 300_000, NOW, 1000, 0, 0, t -> GIB))));
        robot.clickOn("#t-custom");
        robot.interact(() -> {
            robot.lookup("#t-custom-from").queryAs(TextField.class).setText("yesterday");
            robot.lookup("#t-custom-to").queryAs(TextField.class).setText("02:00");
        });
        robot.clickOn("#t-custom-apply");
        Eventually.until("bad input is named", WAIT,
                () -> robot.lookup("#t-custom-error").queryAs(Label.class).getText().startsWith("From: expected"));
        assertNull(chart.zoomProperty().get(), "nothing changes on bad input");

        robot.interact(() -> robot.lookup("#t-custom-from").queryAs(TextField.class).setText("2026-11-21 20:00"));
        robot.clickOn("#t-custom-apply");
        Eventually.until("the custom range applies", WAIT, () -> chart.zoomProperty().get() != null);
        assertEquals(TimeWindow.ONE_DAY, window.get(), "the 24 h window holds 7 h ago");
        assertEquals(from, chart.dataRange().fromMillis());
        assertEquals(new TimeRange(Instant.parse("2026-11-21T20:00:00Z").toEpochMilli(),
                Instant.parse("2026-11-22T02:00:00Z").toEpochMilli()), chart.visibleRange());
        assertEquals(chart.visibleRange(), second.visibleRange());
        assertEquals("", robot.lookup("#t-custom-error").queryAs(Label.class).getText());

        robot.clickOn("#t-five_minutes");
        Eventually.until("a window button resets the zoom", WAIT, () -> chart.zoomProperty().get() == null);
    }

    @Test
    void aLostGpusThirtySecondOutageIsDrawnAsAGap() throws Exception {
        long from = NOW - 300_000;
        long gapFrom = NOW - 150_000;
        long gapTo = gapFrom + 30_000;
        show(Unit.WATTS, from, NOW, List.of(new ChartSeries("GPU 3", 1,
                points(from, NOW, 1000, gapFrom, gapTo, t -> 260))));
        List<TimeSeriesChart.Segment> s = chart.drawnSegments();
        assertEquals(2, s.size(), "two runs: " + s);
        assertEquals(gapFrom - 1000, s.get(0).toMillis());
        assertEquals(gapTo, s.get(1).fromMillis());

        // And on the pixels: the series' colour in the plot before the gap, none in its middle.
        Color line = Color.web("#4fc3f7");
        assertTrue(columnHas(chart, chart.xOf(gapFrom - 20_000), line), "the line before the gap");
        assertFalse(columnHas(chart, chart.xOf(gapFrom + 15_000), line), "no line inside the gap");

        // NaN samples (a reader that reported "lost") break the line too.
        SeriesPoints p = points(from, NOW, 1000, 0, 0, t -> t >= gapFrom && t < gapTo ? Double.NaN : 260);
        show(Unit.WATTS, from, NOW, List.of(new ChartSeries("GPU 3", 1, p)));
        assertEquals(2, chart.drawnSegments().size());
        assertFalse(columnHas(chart, chart.xOf(gapFrom + 15_000), line));
    }

    private boolean columnHas(TimeSeriesChart c, double x, Color color) {
        WritableImage[] image = new WritableImage[1];
        robot.interact(() -> image[0] = c.snapshot(null, null));
        PixelReader px = image[0].getPixelReader();
        for (int y = 30; y < (int) image[0].getHeight() - 25; y++) {
            Color p = px.getColor((int) Math.round(x), y);
            if (Math.abs(p.getRed() - color.getRed()) < 0.15 && Math.abs(p.getGreen() - color.getGreen()) < 0.15
                    && Math.abs(p.getBlue() - color.getBlue()) < 0.15 && p.getOpacity() > 0.5) {
                return true;
            }
        }
        return false;
    }

    @Test
    void valueTicksAreRoundAndCarryTheUnit() {
        long from = NOW - 300_000;
        show(Unit.BYTES, from, NOW, List.of(new ChartSeries("GPU 0", 1,
                points(from, NOW, 1000, 0, 0, t -> 69.8 * GIB * (t - from) / 300_000))));
        Ticks t = chart.valueTicks();
        assertTrue(t.values().getLast() >= 69.8 * GIB, "the top tick covers the data");
        double stepGib = t.step() / GIB;
        assertTrue(List.of(4.0, 8.0, 16.0, 32.0).contains(stepGib), "a power-of-two GiB step: " + stepGib);
        for (int i = 0; i < t.values().size(); i++) {
            assertEquals(0, t.values().get(i) % t.step(), 1e-3, "round tick " + t.values().get(i));
            assertTrue(t.labels().get(i).endsWith(" GiB"), t.labels().get(i));
        }
        assertTrue(t.labels().contains("16 GiB") || t.labels().contains("32 GiB"), t.labels().toString());

        show(Unit.WATTS, from, NOW, List.of(new ChartSeries("GPU 0", 1, points(from, NOW, 1000, 0, 0, t2 -> 2443))));
        assertTrue(chart.valueTicks().labels().stream().allMatch(l -> l.endsWith(" W")), chart.valueTicks().labels().toString());
        assertTrue(chart.valueTicks().labels().contains("2,500 W") || chart.valueTicks().labels().contains("3,000 W"),
                chart.valueTicks().labels().toString());

        robot.interact(() -> chart.setMetric("gpu.temperature_c{gpu=\"0\"}"));
        assertEquals(Unit.CELSIUS, chart.unit(), "the unit from an alert's metric, labels ignored");
        assertTrue(chart.valueTicks().labels().stream().allMatch(l -> l.endsWith(" °C")));
    }

    @Test
    void timeLabelsAreRoundAndNeverOverlapAt960ForEveryWindow() {
        Text measure = new Text();
        measure.setFont(Font.font(10));
        for (TimeWindow w : TimeWindow.values()) {
            long span = w.duration().toMillis();
            long from = NOW - span + 7_777; // not on a round time
            show(Unit.PERCENT, from, NOW, List.of(new ChartSeries("cpu", 1,
                    points(from, NOW, span / 600, 0, 0, t -> 50))));
            List<TimeAxis.Label> labels = chart.timeLabels();
            assertTrue(labels.size() >= 4, w + ": " + labels);
            long step = labels.get(1).timeMillis() - labels.get(0).timeMillis();
            for (int i = 0; i < labels.size(); i++) {
                TimeAxis.Label l = labels.get(i);
                measure.setText(l.text());
                assertTrue(l.right() - l.left() >= measure.getLayoutBounds().getWidth() - 0.5, "box holds " + l);
                assertTrue(l.left() >= 0 && l.right() <= chart.getWidth(), "inside the chart: " + l);
                assertEquals(0, l.timeMillis() % Math.min(step, 86_400_000L), w + " round time " + l);
                if (i > 0) {
                    assertTrue(l.left() >= labels.get(i - 1).right() + 4, w + " overlap: " + labels.get(i - 1) + " / " + l);
                }
            }
            assertTrue(List.of(30_000L, 60_000L, 120_000L, 300_000L, 600_000L, 900_000L, 1_800_000L, 3_600_000L,
                    10_800_000L, 21_600_000L, 43_200_000L, 86_400_000L, 172_800_000L).contains(step),
                    w + " round step " + step + " " + labels);
        }
        // 24 h: the midnight tick reads as a day, not as "00:00".
        assertTrue(chart.timeLabels().stream().anyMatch(l -> l.text().matches("Nov \\d+")), chart.timeLabels().toString());
    }

    @Test
    void anEmptyRangeSaysSoInsteadOfDrawingMadeUpAxes() {
        show(Unit.BYTES, NOW - 300_000, NOW, List.of());
        assertTrue(chart.showsEmptyMessage());
        assertNull(chart.valueTicks(), "no value axis");
        assertTrue(chart.timeLabels().isEmpty(), "no time axis");

        show(Unit.BYTES, NOW - 300_000, NOW, List.of(new ChartSeries("GPU 0", 1, SeriesPoints.EMPTY)));
        assertTrue(chart.showsEmptyMessage(), "a series without points is no data either");

        show(Unit.BYTES, NOW - 300_000, NOW, List.of(new ChartSeries("GPU 0", 1,
                points(NOW - 300_000, NOW, 1000, 0, 0, t -> GIB))));
        assertFalse(chart.showsEmptyMessage());
        assertNotNull(chart.valueTicks());
    }

    @Test
    void sameDataIsNotRedrawnAndSeriesKeepOneDrawingOrder() {
        long from = NOW - 300_000;
        SeriesPoints a = points(from, NOW, 1000, 0, 0, t -> 10);
        SeriesPoints b = points(from, NOW, 1000, 0, 0, t -> 10);
        show(Unit.PERCENT, from, NOW, List.of(new ChartSeries("GPU 10", 3, a), new ChartSeries("GPU 2", 2, b),
                new ChartSeries("GPU 0", 1, a)));
        long draws = chart.drawCount();
        List<String> order = chart.drawnSegments().stream().map(TimeSeriesChart.Segment::series).toList();
        assertEquals(List.of("GPU 0", "GPU 2", "GPU 10"), order);
        show(Unit.PERCENT, from, NOW, List.of(new ChartSeries("GPU 2", 2, b), new ChartSeries("GPU 0", 1, a),
                new ChartSeries("GPU 10", 3, a)));
        assertEquals(draws, chart.drawCount(), "equal data in another order: nothing to redraw");
        show(Unit.PERCENT, from + 1000, NOW + 1000, List.of(new ChartSeries("GPU 0", 1, a)));
        assertTrue(chart.drawCount() > draws, "new data redraws");
    }

    /**
     * Figures, not a timing assertion: FX-thread time to redraw a 24 h chart of 8 GPUs at 2 points a
     * pixel, and to update the hover readout (the lines are not redrawn for the mouse).
     */
    @Test
    void measuresRedrawAndHoverCostFor24HoursOf8Gpus() {
        long from = NOW - 86_400_000;
        int budget = chart.pointBudget();
        List<ChartSeries> eight = new ArrayList<>();
        for (int g = 0; g < 8; g++) {
            int gpu = g;
            eight.add(new ChartSeries("GPU " + g, g + 1, points(from, NOW, 86_400_000 / budget, 0, 0,
                    t -> 200 + 50 * Math.sin(t / 3.6e6 + gpu) + (t % 7_000) / 100.0)));
        }
        double[] redraw = new double[61];
        double[] hover = new double[61];
        javafx.scene.Node overlay = chart.getChildrenUnmodifiable().get(1);
        robot.interact(() -> {
            chart.setUnit(Unit.WATTS);
            for (int i = 0; i < redraw.length; i++) {
                long shift = i * 1000L;
                List<ChartSeries> moved = eight.stream().map(c -> new ChartSeries(c.name(), c.colorIndex(),
                        new SeriesPoints(java.util.Arrays.stream(c.points().times()).map(t -> t + shift).toArray(),
                                c.points().values(), c.points().size()))).toList();
                long t0 = System.nanoTime();
                chart.setData(from + shift, NOW + shift, moved);
                redraw[i] = (System.nanoTime() - t0) / 1e6;
            }
            for (int i = 0; i < hover.length; i++) {
                double x = chart.xOf(from + 86_400_000L * (i + 1) / (hover.length + 2));
                long t0 = System.nanoTime();
                javafx.event.Event.fireEvent(overlay, new javafx.scene.input.MouseEvent(
                        javafx.scene.input.MouseEvent.MOUSE_MOVED, x, chart.plotMiddleY(), 0, 0,
                        javafx.scene.input.MouseButton.NONE, 0, false, false, false, false, false, false, false,
                        false, false, false, null));
                hover[i] = (System.nanoTime() - t0) / 1e6;
            }
        });
        // The first 20 warm the JIT up.
        double[] redrawWarm = java.util.Arrays.copyOfRange(redraw, 20, redraw.length);
        double[] hoverWarm = java.util.Arrays.copyOfRange(hover, 20, hover.length);
        java.util.Arrays.sort(redrawWarm);
        java.util.Arrays.sort(hoverWarm);
        System.out.printf("24 h, 8 GPUs, %d points each: redraw median %.2f ms (max %.2f), hover median %.2f ms (max %.2f)%n",
                eight.getFirst().points().size(), redrawWarm[redrawWarm.length / 2], redrawWarm[redrawWarm.length - 1],
                hoverWarm[hoverWarm.length / 2], hoverWarm[hoverWarm.length - 1]);
        assertEquals(8, chart.readoutProperty().get().lines().size(), "the readout lists every GPU");
        assertTrue(chart.readoutProperty().get().lines().stream().allMatch(l -> l.value().endsWith(" W")));
    }
}
