package io.vigil.ui.chart;

import java.time.LocalDate;
import java.time.MonthDay;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.collections.ListChangeListener;
import javafx.geometry.Bounds;
import javafx.geometry.Side;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;

/**
 * Day labels under a bar chart whose x-axis is a {@link CategoryAxis} of days (the Cloud view's
 * daily spend): "Nov 3" rather than "11-03", and only every n-th day labelled, n chosen from the
 * axis length and the measured label width, so labels never run together ("11-0311-0411-05…").
 * The latest day always keeps its label. JavaFX's {@code CategoryAxis} is final and lays out its
 * own labels, so this strip draws them instead and hides the axis' own. Categories are ISO dates
 * ({@code 2026-11-03}) or month-days ({@code 11-03}); anything else is written as it is.
 * FX thread only.
 */
public final class DayLabels extends Region {

    /** Pixels kept free between two labels. */
    static final double GAP = 12;
    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("MMM d", Locale.ROOT);
    private static final DateTimeFormatter MONTH_DAY = DateTimeFormatter.ofPattern("MM-dd", Locale.ROOT);
    private static final Font FONT = Font.font(11);
    private static final Color TEXT = Color.web("#8b95a7");

    /**
     * One drawn label, in this strip's coordinates.
     *
     * @param category the axis category it names
     * @param left left edge in pixels
     * @param right right edge in pixels
     * @param text what is written
     */
    public record DayLabel(String category, double left, double right, String text) {
    }

    private final CategoryAxis axis;
    private final Canvas canvas = new Canvas();
    private final Text measurer = new Text();
    private List<DayLabel> labels = List.of();

    private DayLabels(CategoryAxis axis) {
        this.axis = axis;
        getChildren().add(canvas);
        getStyleClass().add("day-labels");
        setMinHeight(18);
        setPrefHeight(18);
        measurer.setFont(FONT);
    }

    /**
     * {@code chart} with its day labels drawn underneath (the legend moves to the top so the labels
     * sit right under the bars). Put the returned box where the chart was.
     */
    public static VBox under(XYChart<String, ?> chart) {
        CategoryAxis axis = (CategoryAxis) chart.getXAxis();
        axis.setTickLabelsVisible(false);
        chart.setLegendSide(Side.TOP);
        DayLabels strip = new DayLabels(axis);
        strip.setId(chart.getId() == null ? null : chart.getId() + "-days");
        // Redraw whenever the axis is laid out again (new categories, new size) or moves.
        axis.needsLayoutProperty().addListener((o, was, now) -> {
            if (!now) {
                strip.requestLayout();
            }
        });
        axis.localToSceneTransformProperty().addListener((o, a, b) -> strip.requestLayout());
        chart.getData().addListener((ListChangeListener<Object>) c -> strip.requestLayout());
        VBox box = new VBox(0, chart, strip);
        VBox.setVgrow(chart, Priority.ALWAYS);
        return box;
    }

    /** The labels of the last draw, left to right (tests and diagnostics). */
    public List<DayLabel> labels() {
        return labels;
    }

    @Override
    protected void layoutChildren() {
        canvas.setWidth(getWidth());
        canvas.setHeight(getHeight());
        draw();
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.clearRect(0, 0, canvas.getWidth(), canvas.getHeight());
        List<String> days = List.copyOf(axis.getCategories());
        labels = List.of();
        if (days.isEmpty() || getScene() == null || axis.getWidth() <= 0) {
            return;
        }
        Bounds b = sceneToLocal(axis.localToScene(axis.getLayoutBounds()));
        if (b == null) {
            return;
        }
        // CategoryAxis places category i at startMargin + spacing * (i + 0.5) when gaps are kept
        // at both ends: computed here rather than read back, so it holds before the axis' first layout.
        double usable = b.getWidth() - axis.getStartMargin() - axis.getEndMargin();
        int n = days.size();
        boolean gaps = axis.isGapStartAndEnd();
        double spacing = gaps ? usable / n : usable / Math.max(1, n - 1);
        double widest = 0;
        List<String> texts = new ArrayList<>();
        for (String d : days) {
            String t = label(d);
            texts.add(t);
            widest = Math.max(widest, width(t));
        }
        int stride = Math.max(1, (int) Math.ceil((widest + GAP) / spacing));
        List<DayLabel> out = new ArrayList<>();
        double lastRight = Double.NEGATIVE_INFINITY;
        // Count back from the latest day so it always has its label.
        int first = (n - 1) % stride;
        for (int i = first; i < n; i += stride) {
            double x = b.getMinX() + axis.getStartMargin() + spacing * (gaps ? i + 0.5 : i);
            double w = width(texts.get(i));
            double left = Math.max(0, Math.min(x - w / 2, getWidth() - w));
            if (left < lastRight + GAP / 2) {
                continue;
            }
            out.add(new DayLabel(days.get(i), left, left + w, texts.get(i)));
            lastRight = left + w;
        }
        g.setFont(FONT);
        g.setFill(TEXT);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        for (DayLabel l : out) {
            g.fillText(l.text(), l.left(), 2);
        }
        labels = List.copyOf(out);
    }

    private double width(String text) {
        measurer.setText(text);
        return measurer.getLayoutBounds().getWidth();
    }

    /** The short label of one category: "Nov 3". */
    static String label(String category) {
        try {
            return SHORT.format(LocalDate.parse(category));
        } catch (DateTimeParseException e) {
            // not an ISO date
        }
        try {
            return SHORT.format(MonthDay.parse(category, MONTH_DAY).atYear(2000));
        } catch (DateTimeParseException e) {
            return category;
        }
    }
}
