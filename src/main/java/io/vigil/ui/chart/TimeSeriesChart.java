package io.vigil.ui.chart;

import io.vigil.telemetry.SeriesPoints;
import io.vigil.text.Ticks;
import io.vigil.text.Unit;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.DoubleFunction;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.VPos;
import javafx.scene.Cursor;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.shape.StrokeLineCap;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;

/**
 * A line chart drawn on one canvas (ADR 0007): no node and no object per point, so a 24 h window of
 * 1 s samples (already downsampled to about the chart's width) redraws in well under a frame.
 *
 * <p>What a reader gets: round value ticks in the metric's {@link Unit} ("0, 16, 32 GiB"), time
 * ticks at round local times that never overlap, a hover crosshair with the time and every
 * series' value, drag to zoom (double-click or "Reset zoom" to undo), lines broken where samples are
 * missing, and series told apart by colour, dash pattern and legend, drawn in a stable order.
 *
 * <p>Cost: the lines are drawn on a base canvas only when the data, the size or the zoom changes
 * (data equal to what is shown is not redrawn); the crosshair and the drag band live on a second
 * canvas, so moving the mouse redraws only that. FX thread only.
 */
public final class TimeSeriesChart extends Region {

    private static final Color[] PALETTE = {
        Color.web("#4fc3f7"), Color.web("#ffb74d"), Color.web("#81c784"), Color.web("#e57373"),
        Color.web("#ba68c8"), Color.web("#fff176"), Color.web("#4db6ac"), Color.web("#f06292")};
    /** Solid, dashed, dotted, dash-dot: the second way to tell two lines apart where they overlap. */
    private static final double[][] DASHES = {{}, {7, 4}, {2, 3}, {9, 3, 2, 3}};
    private static final Color GRID = Color.web("#2a3140");
    private static final Color AXIS_TEXT = Color.web("#8b95a7");
    private static final Color TITLE = Color.web("#d5dbe5");
    private static final Color CROSSHAIR = Color.web("#d5dbe5", 0.55);
    private static final Color READOUT_BG = Color.web("#151a23", 0.94);
    private static final Color BAND = Color.web("#4fc3f7", 0.18);
    private static final Font TITLE_FONT = Font.font(13);
    private static final Font LEGEND_FONT = Font.font(11);
    private static final Font AXIS_FONT = Font.font(10);
    private static final double RIGHT = 14;
    private static final double BOTTOM = 22;
    /** The left margin assumed before the first draw (for {@link #pointBudget}). */
    private static final double DEFAULT_LEFT = 62;
    /** A drag shorter than this is a click, not a zoom. */
    private static final double MIN_DRAG_PIXELS = 6;
    /** Most points asked for while zoomed in (the budget grows with the zoom factor). */
    private static final int MAX_POINT_BUDGET = 20_000;
    /** Shown instead of axes when nothing is in the range. */
    public static final String EMPTY_MESSAGE = "No data in this range";

    /** One unbroken run of a series' line, as drawn (tests and diagnostics). */
    public record Segment(String series, long fromMillis, long toMillis, int points) {
    }

    /** One series' value under the mouse: formatted with the chart's unit, "—" where there is none. */
    public record ReadoutLine(String series, String value) {
    }

    /** What the hover readout shows: the time under the mouse and every series' value there. */
    public record Readout(long timeMillis, String time, List<ReadoutLine> lines) {
    }

    private final Canvas canvas = new Canvas();
    private final Canvas overlay = new Canvas();
    private final Button resetZoom = new Button("Reset zoom");
    private final Text measurer = new Text();
    /** Measured text widths, the least recently used dropped beyond 512. */
    private final java.util.Map<String, Double> widths = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Double> eldest) {
            return size() > 512;
        }
    };
    private final String title;
    private final ObjectProperty<TimeRange> zoom = new SimpleObjectProperty<>(this, "zoom");
    private final ReadOnlyObjectWrapper<Readout> readout = new ReadOnlyObjectWrapper<>(this, "readout");

    private List<ChartSeries> series = List.of();
    private long[] medianSteps = new long[0];
    private TimeRange data;
    private double fixedMax = Double.NaN;
    private Unit unit = Unit.NONE;
    private DoubleFunction<String> valueFormat;
    private ZoneId zone = ZoneId.systemDefault();
    private boolean dirty = true;
    private long draws;

    // The geometry of the last draw, for the overlay and the tests.
    private double left = DEFAULT_LEFT;
    private double top = 26;
    private double plotW;
    private double plotH;
    private TimeRange shown;
    private double yMin;
    private double yMax = 1;
    private Ticks yTicks;
    private List<TimeAxis.Label> xLabels = List.of();
    private List<Segment> segments = List.of();
    private boolean emptyShown;

    private double hoverX = Double.NaN;
    private double dragStartX = Double.NaN;
    private double dragX = Double.NaN;

    public TimeSeriesChart(String title) {
        this.title = title;
        getChildren().addAll(canvas, overlay, resetZoom);
        getStyleClass().add("ts-chart");
        setMinSize(200, 120);
        setPrefSize(480, 220);
        measurer.setFont(AXIS_FONT);
        resetZoom.getStyleClass().add("chart-reset-zoom");
        resetZoom.setFocusTraversable(false);
        resetZoom.setVisible(false);
        resetZoom.setOnAction(e -> resetZoom());
        zoom.addListener((obs, old, now) -> {
            resetZoom.setVisible(now != null);
            dirty = true;
            requestLayout();
            drawIfShowing();
        });
        overlay.setOnMouseMoved(this::onMove);
        overlay.setOnMouseExited(e -> {
            hoverX = Double.NaN;
            readout.set(null);
            drawOverlay();
        });
        overlay.setOnMousePressed(this::onPress);
        overlay.setOnMouseDragged(this::onDrag);
        overlay.setOnMouseReleased(this::onRelease);
        overlay.setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                resetZoom();
            }
        });
    }

    /** Fixes the top of the value axis (100 for percentages); NaN for automatic. */
    public void setFixedMax(double max) {
        if (Double.compare(max, fixedMax) != 0) {
            this.fixedMax = max;
            markDirty();
        }
    }

    /** The unit of every series' values: axis ticks and the hover readout are written in it. */
    public void setUnit(Unit unit) {
        if (unit != this.unit) {
            this.unit = unit;
            markDirty();
        }
    }

    /** The unit inferred from a metric's name ({@link Unit#ofMetric}), labels such as {@code {gpu="0"}} ignored. */
    public void setMetric(String metric) {
        setUnit(Unit.ofMetric(metric));
    }

    public Unit unit() {
        return unit;
    }

    /**
     * Writes values with {@code format} instead of the unit (axis labels at round ticks and the
     * readout). Prefer {@link #setUnit}.
     */
    public void setValueFormat(DoubleFunction<String> format) {
        this.valueFormat = format;
        markDirty();
    }

    public void setZone(ZoneId zone) {
        if (!zone.equals(this.zone)) {
            this.zone = zone;
            markDirty();
        }
    }

    public ZoneId zone() {
        return zone;
    }

    /**
     * Replaces every series and the window they cover. Data equal to what is shown (same window,
     * same points) is not redrawn. A zoom outside the new window is dropped; one inside is kept.
     */
    public void setData(long fromMillis, long toMillis, List<ChartSeries> newSeries) {
        TimeRange range = new TimeRange(fromMillis, Math.max(toMillis, fromMillis + 1));
        List<ChartSeries> sorted = new ArrayList<>(newSeries);
        // A stable drawing order whatever order the caller lists them in: which line lies on top
        // must not change from one refresh to the next.
        sorted.sort(Comparator.comparing(ChartSeries::name, TimeSeriesChart::naturalCompare)
                .thenComparingInt(ChartSeries::colorIndex));
        if (range.equals(data) && samePoints(sorted)) {
            return;
        }
        data = range;
        series = List.copyOf(sorted);
        medianSteps = new long[series.size()];
        for (int i = 0; i < series.size(); i++) {
            medianSteps[i] = Gaps.medianStep(series.get(i).points());
        }
        if (zoom.get() != null && !zoom.get().overlaps(range)) {
            zoom.set(null);
        }
        markDirty();
    }

    /** The range zoomed into (by dragging, or a custom range); null while the whole window is shown. */
    public ObjectProperty<TimeRange> zoomProperty() {
        return zoom;
    }

    public void zoomTo(TimeRange range) {
        zoom.set(range);
    }

    public void resetZoom() {
        zoom.set(null);
    }

    /** The time range drawn: the zoom, else the window of the data; null before any data. */
    public TimeRange visibleRange() {
        TimeRange z = zoom.get();
        return z != null ? z : data;
    }

    /** The window of the last {@link #setData}; null before any data. */
    public TimeRange dataRange() {
        return data;
    }

    /** The hover readout, null while the mouse is not over the plot. */
    public ReadOnlyObjectProperty<Readout> readoutProperty() {
        return readout.getReadOnlyProperty();
    }

    /** Number of points currently held over all series (tests and diagnostics). */
    public int pointCount() {
        return series.stream().mapToInt(s -> s.points().size()).sum();
    }

    /** The line runs of the last draw, series by series in drawing order. */
    public List<Segment> drawnSegments() {
        return segments;
    }

    /** The value ticks of the last draw (null when the chart was empty). */
    public Ticks valueTicks() {
        return emptyShown ? null : yTicks;
    }

    /** The time labels of the last draw, left to right. */
    public List<TimeAxis.Label> timeLabels() {
        return xLabels;
    }

    /** Whether the last draw showed {@link #EMPTY_MESSAGE}. */
    public boolean showsEmptyMessage() {
        return emptyShown;
    }

    /** How many times the lines were drawn (a chart whose data did not change is not redrawn). */
    public long drawCount() {
        return draws;
    }

    /** The plot's x for {@code timeMillis} in this chart's coordinates (tests drive the mouse with it). */
    public double xOf(long timeMillis) {
        TimeRange r = visibleRange();
        return left + plotW * (timeMillis - r.fromMillis()) / r.span();
    }

    /** The plot's vertical middle in this chart's coordinates. */
    public double plotMiddleY() {
        return top + plotH / 2;
    }

    /** The plot's width in pixels (history is asked for at one point per pixel). */
    public int plotWidthPixels() {
        return (int) Math.max(50, getWidth() - left - RIGHT);
    }

    /**
     * How many points the chart can show usefully: two per horizontal pixel of the plot, times the
     * zoom factor while zoomed in, so the zoomed range still gets two points a pixel.
     */
    public int pointBudget() {
        double base = Math.max(200, 2 * (getWidth() - left - RIGHT));
        TimeRange z = zoom.get();
        if (z != null && data != null && z.span() < data.span()) {
            base *= (double) data.span() / z.span();
        }
        return (int) Math.min(MAX_POINT_BUDGET, base);
    }

    @Override
    protected void layoutChildren() {
        double w = snapSizeX(getWidth());
        double h = snapSizeY(getHeight());
        if (canvas.getWidth() != w || canvas.getHeight() != h) {
            canvas.setWidth(w);
            canvas.setHeight(h);
            overlay.setWidth(w);
            overlay.setHeight(h);
            dirty = true;
        }
        resetZoom.autosize();
        resetZoom.relocate(w - RIGHT - resetZoom.getWidth() - 4, top + 4);
        if (dirty) {
            draw();
        }
    }

    private void markDirty() {
        dirty = true;
        drawIfShowing();
    }

    /** Draws now when on screen; a chart off screen draws at its next layout. */
    private void drawIfShowing() {
        if (getScene() != null && canvas.getWidth() > 0) {
            draw();
        }
    }

    private boolean samePoints(List<ChartSeries> other) {
        if (other.size() != series.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            ChartSeries a = series.get(i);
            ChartSeries b = other.get(i);
            if (!a.name().equals(b.name()) || a.colorIndex() != b.colorIndex()) {
                return false;
            }
            SeriesPoints p = a.points();
            SeriesPoints q = b.points();
            if (p.size() != q.size()
                    || !Arrays.equals(p.times(), 0, p.size(), q.times(), 0, q.size())
                    || !Arrays.equals(p.values(), 0, p.size(), q.values(), 0, q.size())) {
                return false;
            }
        }
        return true;
    }

    private double measure(String text, Font font) {
        // Text layout is the slow part of a redraw: labels repeat from one draw to the next.
        String key = font.getSize() + "|" + text;
        Double cached = widths.get(key);
        if (cached != null) {
            return cached;
        }
        measurer.setFont(font);
        measurer.setText(text);
        double w = measurer.getLayoutBounds().getWidth();
        widths.put(key, w);
        return w;
    }

    private String formatValue(double v) {
        return valueFormat != null ? valueFormat.apply(v) : unit.format(v);
    }

    private void draw() {
        dirty = false;
        draws++;
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.clearRect(0, 0, w, h);
        segments = List.of();
        xLabels = List.of();
        shown = visibleRange();
        if (w < 50 || h < 50) {
            return;
        }
        g.setFont(TITLE_FONT);
        g.setFill(TITLE);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.fillText(title, 8, 4);
        top = drawLegend(g, w, 8 + measure(title, TITLE_FONT) + 24);

        double[] range = valueRange();
        emptyShown = range == null;
        if (emptyShown) {
            plotW = w - DEFAULT_LEFT - RIGHT;
            plotH = h - top - BOTTOM;
            left = DEFAULT_LEFT;
            g.setFont(LEGEND_FONT);
            g.setFill(AXIS_TEXT);
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.CENTER);
            g.fillText(EMPTY_MESSAGE, w / 2, top + (h - top - BOTTOM) / 2);
            drawOverlay();
            return;
        }
        plotH = h - top - BOTTOM;
        int maxTicks = (int) Math.max(2, Math.min(8, plotH / 30 + 1));
        yTicks = unit.ticks(range[0], range[1], maxTicks);
        List<String> yLabels = valueFormat == null ? yTicks.labels()
                : yTicks.values().stream().map(valueFormat::apply).toList();
        double widest = 0;
        for (String l : yLabels) {
            widest = Math.max(widest, measure(l, AXIS_FONT));
        }
        left = Math.max(36, Math.ceil(widest) + 12);
        plotW = w - left - RIGHT;
        if (plotW < 20 || plotH < 20) {
            return;
        }
        yMin = yTicks.values().getFirst();
        yMax = yTicks.values().getLast();
        if (yMax <= yMin) {
            yMax = yMin + 1;
        }
        g.setFont(AXIS_FONT);
        g.setLineWidth(1);
        g.setLineDashes();
        g.setStroke(GRID);
        g.setFill(AXIS_TEXT);
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        for (int i = 0; i < yTicks.values().size(); i++) {
            double y = Math.round(yOf(yTicks.values().get(i))) + 0.5;
            g.strokeLine(left, y, left + plotW, y);
            g.fillText(yLabels.get(i), left - 6, y);
        }

        xLabels = TimeAxis.labels(shown, left, plotW, w, zone, s -> measure(s, AXIS_FONT));
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        for (TimeAxis.Label l : xLabels) {
            double x = Math.round(l.x()) + 0.5;
            g.strokeLine(x, top + plotH, x, top + plotH + 4);
            g.fillText(l.text(), l.left(), top + plotH + 6);
        }

        g.save();
        g.beginPath();
        g.rect(left, top - 1, plotW, plotH + 2);
        g.clip();
        g.setLineWidth(1.6);
        g.setLineCap(StrokeLineCap.BUTT);
        List<Segment> drawn = new ArrayList<>();
        double msPerPixel = shown.span() / plotW;
        for (int si = 0; si < series.size(); si++) {
            drawSeries(g, si, Gaps.threshold(medianSteps[si], msPerPixel), drawn);
        }
        g.restore();
        g.setLineDashes();
        segments = List.copyOf(drawn);
        if (!Double.isNaN(hoverX) && hoverX >= left && hoverX <= left + plotW) {
            readout.set(readoutAt(timeAt(hoverX))); // live data moved under a still mouse
        }
        drawOverlay();
    }

    /** Draws the legend right-aligned on the title row, or on a row of its own when it does not fit; returns the plot's top. */
    private double drawLegend(GraphicsContext g, double w, double minX) {
        if (series.isEmpty()) {
            return 26;
        }
        double width = 0;
        for (ChartSeries s : series) {
            width += 22 + measure(s.name(), LEGEND_FONT) + 12;
        }
        double x = w - RIGHT - width;
        double y = 6;
        double plotTop = 26;
        if (x < minX) {
            x = 8;
            y = 22;
            plotTop = 40;
        }
        g.setFont(LEGEND_FONT);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.setLineWidth(2);
        for (int i = 0; i < series.size(); i++) {
            ChartSeries s = series.get(i);
            style(g, i);
            g.strokeLine(x, y + 7, x + 18, y + 7);
            g.setLineDashes();
            g.setFill(color(s));
            g.fillText(s.name(), x + 22, y);
            x += 22 + measure(s.name(), LEGEND_FONT) + 12;
            if (x > w) {
                break; // more series than room: the readout still lists every one
            }
        }
        return plotTop;
    }

    private void style(GraphicsContext g, int position) {
        g.setStroke(color(series.get(position)));
        // Position in the stable order picks the dash; two series sharing a colour (GPU 0 and 8)
        // still differ in dash.
        g.setLineDashes(DASHES[(position + position / PALETTE.length) % DASHES.length]);
    }

    private void drawSeries(GraphicsContext g, int si, double gapMillis, List<Segment> drawn) {
        ChartSeries s = series.get(si);
        SeriesPoints p = s.points();
        long[] ts = p.times();
        double[] vs = p.values();
        int lo = Math.max(0, lowerBound(ts, p.size(), shown.fromMillis()) - 1);
        int hi = Math.min(p.size(), lowerBound(ts, p.size(), shown.toMillis()) + 1);
        style(g, si);
        g.setFill(color(s));
        g.beginPath();
        int runStart = -1;
        int prev = -1;
        for (int i = lo; i < hi; i++) {
            if (Double.isNaN(vs[i])) {
                runStart = endRun(g, s, runStart, prev, drawn);
                continue;
            }
            double x = xOf(ts[i]);
            double y = yOf(Math.min(vs[i], yMax));
            if (runStart >= 0 && ts[i] - ts[prev] > gapMillis) {
                runStart = endRun(g, s, runStart, prev, drawn);
            }
            if (runStart < 0) {
                g.moveTo(x, y);
                runStart = i;
            } else {
                g.lineTo(x, y);
            }
            prev = i;
        }
        endRun(g, s, runStart, prev, drawn);
        g.stroke();
    }

    /** Closes a run of the line; a lone point gets a dot so it is seen. Returns -1 (no open run). */
    private int endRun(GraphicsContext g, ChartSeries s, int runStart, int last, List<Segment> drawn) {
        if (runStart < 0) {
            return -1;
        }
        SeriesPoints p = s.points();
        drawn.add(new Segment(s.name(), p.times()[runStart], p.times()[last], last - runStart + 1));
        if (runStart == last) {
            g.fillOval(xOf(p.times()[last]) - 1.5, yOf(Math.min(p.values()[last], yMax)) - 1.5, 3, 3);
        }
        return -1;
    }

    /** [min, max] of the values in the visible range (min 0 unless negative); null when none. */
    private double[] valueRange() {
        TimeRange r = shown;
        if (r == null) {
            return null;
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (ChartSeries s : series) {
            SeriesPoints p = s.points();
            int lo = lowerBound(p.times(), p.size(), r.fromMillis());
            int hi = lowerBound(p.times(), p.size(), r.toMillis() + 1);
            for (int i = lo; i < hi; i++) {
                double v = p.values()[i];
                if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (min > max) {
            return null;
        }
        min = Math.min(0, min);
        if (!Double.isNaN(fixedMax)) {
            max = Math.max(fixedMax, min + 1e-9);
        }
        return new double[] {min, max};
    }

    private double yOf(double v) {
        return top + plotH - plotH * (v - yMin) / (yMax - yMin);
    }

    private long timeAt(double x) {
        return shown.fromMillis() + Math.round((x - left) / plotW * shown.span());
    }

    private boolean inPlot(double x, double y) {
        return shown != null && !emptyShown && x >= left && x <= left + plotW && y >= top && y <= top + plotH;
    }

    private void onMove(MouseEvent e) {
        if (!inPlot(e.getX(), e.getY())) {
            hoverX = Double.NaN;
            readout.set(null);
            overlay.setCursor(Cursor.DEFAULT);
        } else {
            hoverX = e.getX();
            readout.set(readoutAt(timeAt(hoverX)));
            overlay.setCursor(Cursor.CROSSHAIR);
        }
        drawOverlay();
    }

    private void onPress(MouseEvent e) {
        if (e.getButton() == MouseButton.PRIMARY && inPlot(e.getX(), e.getY())) {
            dragStartX = e.getX();
            dragX = e.getX();
        }
    }

    private void onDrag(MouseEvent e) {
        if (!Double.isNaN(dragStartX)) {
            dragX = Math.max(left, Math.min(left + plotW, e.getX()));
            hoverX = dragX;
            readout.set(readoutAt(timeAt(hoverX)));
            drawOverlay();
        }
    }

    private void onRelease(MouseEvent e) {
        if (Double.isNaN(dragStartX)) {
            return;
        }
        double a = Math.min(dragStartX, dragX);
        double b = Math.max(dragStartX, dragX);
        dragStartX = Double.NaN;
        dragX = Double.NaN;
        if (b - a >= MIN_DRAG_PIXELS) {
            long from = timeAt(a);
            long to = timeAt(b);
            if (to > from) {
                zoom.set(new TimeRange(from, to));
            }
        }
        drawOverlay();
    }

    private Readout readoutAt(long t) {
        List<ReadoutLine> lines = new ArrayList<>();
        double msPerPixel = shown.span() / plotW;
        for (int si = 0; si < series.size(); si++) {
            int i = nearest(series.get(si).points(), t, Gaps.threshold(medianSteps[si], msPerPixel) / 2);
            lines.add(new ReadoutLine(series.get(si).name(),
                    i < 0 ? Unit.NO_DATA : formatValue(series.get(si).points().values()[i])));
        }
        return new Readout(t, TimeAxis.readoutTime(t, shown, zone), List.copyOf(lines));
    }

    /** The index of the sample nearest {@code t} within {@code within} ms, -1 when none (a gap). */
    private static int nearest(SeriesPoints p, long t, double within) {
        int i = lowerBound(p.times(), p.size(), t);
        int best = -1;
        long bestDistance = Long.MAX_VALUE;
        for (int j = Math.max(0, i - 1); j <= Math.min(p.size() - 1, i); j++) {
            long d = Math.abs(p.times()[j] - t);
            if (d < bestDistance && !Double.isNaN(p.values()[j])) {
                best = j;
                bestDistance = d;
            }
        }
        return best >= 0 && bestDistance <= within ? best : -1;
    }

    private void drawOverlay() {
        GraphicsContext g = overlay.getGraphicsContext2D();
        g.clearRect(0, 0, overlay.getWidth(), overlay.getHeight());
        if (!Double.isNaN(dragStartX) && !Double.isNaN(dragX)) {
            g.setFill(BAND);
            g.fillRect(Math.min(dragStartX, dragX), top, Math.abs(dragX - dragStartX), plotH);
        }
        Readout r = readout.get();
        if (r == null || Double.isNaN(hoverX) || emptyShown) {
            return;
        }
        double x = Math.round(hoverX) + 0.5;
        g.setStroke(CROSSHAIR);
        g.setLineWidth(1);
        g.setLineDashes(3, 3);
        g.strokeLine(x, top, x, top + plotH);
        g.setLineDashes();
        double msPerPixel = shown.span() / plotW;
        for (int si = 0; si < series.size(); si++) {
            SeriesPoints p = series.get(si).points();
            int i = nearest(p, r.timeMillis(), Gaps.threshold(medianSteps[si], msPerPixel) / 2);
            if (i >= 0) {
                g.setFill(color(series.get(si)));
                g.fillOval(xOf(p.times()[i]) - 3, yOf(Math.min(p.values()[i], yMax)) - 3, 6, 6);
            }
        }
        // The readout box: the time, then one line a series with its colour.
        double lineH = 15;
        double boxW = measure(r.time(), LEGEND_FONT);
        for (ReadoutLine l : r.lines()) {
            boxW = Math.max(boxW, 14 + measure(l.series() + "  " + l.value(), LEGEND_FONT));
        }
        boxW += 16;
        double boxH = 8 + lineH * (1 + r.lines().size());
        double bx = x + 12 + boxW > left + plotW ? x - 12 - boxW : x + 12;
        double by = top + 4;
        g.setFill(READOUT_BG);
        g.fillRoundRect(bx, by, boxW, boxH, 6, 6);
        g.setStroke(GRID);
        g.strokeRoundRect(bx + 0.5, by + 0.5, boxW - 1, boxH - 1, 6, 6);
        g.setFont(LEGEND_FONT);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.setFill(TITLE);
        g.fillText(r.time(), bx + 8, by + 4);
        for (int i = 0; i < r.lines().size(); i++) {
            ReadoutLine l = r.lines().get(i);
            double ly = by + 4 + lineH * (i + 1);
            g.setFill(color(series.get(i)));
            g.fillRect(bx + 8, ly + 4, 8, 8);
            g.setFill(TITLE);
            g.fillText(l.series() + "  " + l.value(), bx + 22, ly);
        }
    }

    private static Color color(ChartSeries s) {
        return PALETTE[Math.floorMod(s.colorIndex() - 1, PALETTE.length)];
    }

    /** The first index whose time is at or after {@code t}. */
    private static int lowerBound(long[] times, int size, long t) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** "GPU 2" before "GPU 10": digits compare as numbers. */
    static int naturalCompare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
