package io.vigil.ui.chart;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.DoubleFunction;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * A line chart drawn on one canvas: no node and no object per point, so a 24 h window of 1 s
 * samples (already downsampled to about the chart's width) redraws in well under a frame. Series
 * are replaced as a whole by {@link #setData}; the chart redraws only then or on resize.
 */
public final class TimeSeriesChart extends Region {

    private static final Color[] PALETTE = {
        Color.web("#4fc3f7"), Color.web("#ffb74d"), Color.web("#81c784"), Color.web("#e57373"),
        Color.web("#ba68c8"), Color.web("#fff176"), Color.web("#4db6ac"), Color.web("#f06292")};
    private static final Color GRID = Color.web("#2a3140");
    private static final Color AXIS_TEXT = Color.web("#8b95a7");
    private static final Color TITLE = Color.web("#d5dbe5");
    private static final double LEFT = 62;
    private static final double RIGHT = 12;
    private static final double TOP = 26;
    private static final double BOTTOM = 22;

    private final Canvas canvas = new Canvas();
    private final String title;
    private List<ChartSeries> series = List.of();
    private long fromMillis;
    private long toMillis = 1;
    private double fixedMax = Double.NaN;
    private DoubleFunction<String> valueFormat = v -> String.format("%.0f", v);
    private ZoneId zone = ZoneId.systemDefault();

    public TimeSeriesChart(String title) {
        this.title = title;
        getChildren().add(canvas);
        getStyleClass().add("ts-chart");
        setMinSize(200, 120);
        setPrefSize(480, 220);
    }

    /** Fixes the top of the value axis (100 for percentages); NaN for automatic. */
    public void setFixedMax(double max) {
        this.fixedMax = max;
    }

    public void setValueFormat(DoubleFunction<String> format) {
        this.valueFormat = format;
    }

    public void setZone(ZoneId zone) {
        this.zone = zone;
    }

    public void setData(long fromMillis, long toMillis, List<ChartSeries> series) {
        this.fromMillis = fromMillis;
        this.toMillis = Math.max(toMillis, fromMillis + 1);
        this.series = List.copyOf(series);
        draw();
    }

    /** Number of points currently drawn over all series (tests and diagnostics). */
    public int pointCount() {
        return series.stream().mapToInt(s -> s.points().size()).sum();
    }

    @Override
    protected void layoutChildren() {
        double w = getWidth();
        double h = getHeight();
        if (canvas.getWidth() != w || canvas.getHeight() != h) {
            canvas.setWidth(w);
            canvas.setHeight(h);
            draw();
        }
    }

    /** The plot's width in pixels (history is asked for at one point per pixel). */
    public int plotWidthPixels() {
        return (int) Math.max(50, getWidth() - LEFT - RIGHT);
    }

    /** How many points the chart can show usefully: two per horizontal pixel of the plot. */
    public int pointBudget() {
        return (int) Math.max(200, 2 * (getWidth() - LEFT - RIGHT));
    }

    private void draw() {
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.clearRect(0, 0, w, h);
        if (w < 50 || h < 50) {
            return;
        }
        double plotW = w - LEFT - RIGHT;
        double plotH = h - TOP - BOTTOM;

        double max = fixedMax;
        if (Double.isNaN(max)) {
            max = 0;
            for (ChartSeries s : series) {
                for (int i = 0; i < s.points().size(); i++) {
                    double v = s.points().values()[i];
                    if (!Double.isNaN(v)) {
                        max = Math.max(max, v);
                    }
                }
            }
            max = niceCeiling(max);
        }
        double min = 0;

        g.setFont(Font.font(13));
        g.setFill(TITLE);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.fillText(title, LEFT, 4);
        double legendX = w - RIGHT;
        g.setFont(Font.font(11));
        g.setTextAlign(TextAlignment.RIGHT);
        for (int i = series.size() - 1; i >= 0; i--) {
            ChartSeries s = series.get(i);
            g.setFill(color(s));
            g.fillText(s.name(), legendX, 6);
            legendX -= s.name().length() * 6.5 + 14;
        }

        g.setFont(Font.font(10));
        g.setLineWidth(1);
        g.setStroke(GRID);
        g.setTextBaseline(VPos.CENTER);
        for (int i = 0; i <= 4; i++) {
            double v = min + (max - min) * i / 4;
            double y = TOP + plotH - plotH * i / 4;
            g.strokeLine(LEFT, Math.round(y) + 0.5, LEFT + plotW, Math.round(y) + 0.5);
            g.setFill(AXIS_TEXT);
            g.setTextAlign(TextAlignment.RIGHT);
            g.fillText(valueFormat.apply(v), LEFT - 6, y);
        }
        long span = toMillis - fromMillis;
        DateTimeFormatter fmt = DateTimeFormatter.ofPattern(span > 36L * 3600_000 ? "MM-dd HH:mm" : span > 600_000 ? "HH:mm" : "HH:mm:ss")
                .withZone(zone);
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.CENTER);
        for (int i = 0; i <= 4; i++) {
            double x = LEFT + plotW * i / 4;
            long t = fromMillis + span * i / 4;
            // Keep the first and last labels inside the plot so they are never clipped.
            g.setTextAlign(i == 0 ? TextAlignment.LEFT : i == 4 ? TextAlignment.RIGHT : TextAlignment.CENTER);
            g.fillText(fmt.format(Instant.ofEpochMilli(t)), x, TOP + plotH + 5);
        }

        double range = max - min <= 0 ? 1 : max - min;
        g.setLineWidth(1.5);
        for (ChartSeries s : series) {
            g.setStroke(color(s));
            g.beginPath();
            boolean penDown = false;
            long[] ts = s.points().times();
            double[] vs = s.points().values();
            for (int i = 0; i < s.points().size(); i++) {
                if (Double.isNaN(vs[i])) {
                    penDown = false;
                    continue;
                }
                double x = LEFT + plotW * (ts[i] - fromMillis) / span;
                double y = TOP + plotH - plotH * (Math.min(vs[i], max) - min) / range;
                if (penDown) {
                    g.lineTo(x, y);
                } else {
                    g.moveTo(x, y);
                    penDown = true;
                }
            }
            g.stroke();
        }
        if (pointCount() == 0) {
            g.setFill(AXIS_TEXT);
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.CENTER);
            g.fillText("waiting for data…", LEFT + plotW / 2, TOP + plotH / 2);
        }
    }

    private static Color color(ChartSeries s) {
        return PALETTE[Math.floorMod(s.colorIndex() - 1, PALETTE.length)];
    }

    static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
