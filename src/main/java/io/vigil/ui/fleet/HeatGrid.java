package io.vigil.ui.fleet;

import io.vigil.alerts.AlertMark;
import io.vigil.alerts.AlertMarks;
import io.vigil.alerts.AlertTone;
import io.vigil.fleet.FleetGpu;
import io.vigil.fleet.FleetNode;
import io.vigil.fleet.NodeHealth;
import io.vigil.text.SafeText;
import io.vigil.ui.SeverityStyles;
import io.vigil.ui.Units;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import javafx.css.CssMetaData;
import javafx.css.Styleable;
import javafx.css.StyleableObjectProperty;
import javafx.css.StyleablePropertyFactory;
import javafx.geometry.Orientation;
import javafx.geometry.Point2D;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;
import javafx.util.Duration;

/**
 * The fleet as a heat grid on one canvas: a row per node, a cell per GPU coloured by the chosen
 * metric, a legend with the scale and its unit. Only the rows in view are painted (a vertical
 * scroll bar moves through the rest), so 1,000 nodes cost what 30 do; no node per cell exists in the
 * scene graph. A DOWN node's row is hatched and says why, never showing its stale numbers.
 *
 * <p>A cell's fill is the metric's heat scale; its outline is the worst open alert about that GPU
 * (amber: pending or warning, red: firing critical, dashed grey: acknowledged or silenced) and a
 * node's name takes the colour of the worst alert about the node, both from the rules' alerts
 * ({@link #setAlertMarks}), never from thresholds of its own.
 *
 * <p>Colours are CSS properties ({@code -vigil-heat-0…3}, {@code -vigil-heat-down}, …), set in
 * {@code vigil.css} from the theme's looked-up severity colours; the grid repaints when they change.
 * FX thread only.
 */
final class HeatGrid extends Region {

    static final double ROW_HEIGHT = 22;
    static final double HEADER_HEIGHT = 50;
    static final double LABEL_WIDTH = 250;
    private static final double GAP = 2;
    private static final double SCROLLBAR = 14;
    // 3k + 1 entries: the four stops fall exactly on entries 0, k, 2k and 3k.
    private static final int LUT_SIZE = 97;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private static final StyleablePropertyFactory<HeatGrid> CSS = new StyleablePropertyFactory<>(Region.getClassCssMetaData());

    private final StyleableObjectProperty<Paint> heat0 = colour("-vigil-heat-0", s -> s.heat0, "#1d3345");
    private final StyleableObjectProperty<Paint> heat1 = colour("-vigil-heat-1", s -> s.heat1, "#66bb6a");
    private final StyleableObjectProperty<Paint> heat2 = colour("-vigil-heat-2", s -> s.heat2, "#ffb74d");
    private final StyleableObjectProperty<Paint> heat3 = colour("-vigil-heat-3", s -> s.heat3, "#ef5350");
    private final StyleableObjectProperty<Paint> downFill = colour("-vigil-heat-down", s -> s.downFill, "#2a2f3a");
    private final StyleableObjectProperty<Paint> downText = colour("-vigil-heat-down-text", s -> s.downText, "#ef5350");
    private final StyleableObjectProperty<Paint> missing = colour("-vigil-heat-missing", s -> s.missing, "#232a36");
    private final StyleableObjectProperty<Paint> text = colour("-vigil-heat-text", s -> s.text, "#d5dbe5");
    private final StyleableObjectProperty<Paint> muted = colour("-vigil-heat-muted", s -> s.muted, "#8b95a7");
    private final StyleableObjectProperty<Paint> cellText = colour("-vigil-heat-cell-text", s -> s.cellText, "#0d1117");
    private final StyleableObjectProperty<Paint> hover = colour("-vigil-heat-hover", s -> s.hover, "#223246");

    private final Canvas canvas = new Canvas();
    private final ScrollBar scroll = new ScrollBar();
    private final Tooltip tooltip = new Tooltip();
    private List<FleetNode> rows = List.of();
    private HeatMetric metric = HeatMetric.UTILIZATION;
    private ZoneId zone = ZoneId.systemDefault();
    private Consumer<String> onNodeClicked = n -> { };
    private Color[] lut;
    private int hoverRow = -1;
    private double mouseX = Double.NaN;
    private double mouseY = Double.NaN;
    private int maxGpus;

    // What the last paint drew, for tests and diagnostics.
    private int rowsPainted;
    private int cellsPainted;
    private int cellsColoured;
    private int cellsMarked;
    private java.util.function.Supplier<AlertMarks> alertMarks = () -> AlertMarks.NONE;
    private AlertMarks marks = AlertMarks.NONE;
    private final Map<String, String> statusTexts = new HashMap<>();

    HeatGrid() {
        getStyleClass().add("heat-grid");
        setId("fleet-heat-grid");
        scroll.setOrientation(Orientation.VERTICAL);
        scroll.setId("fleet-grid-scroll");
        scroll.valueProperty().addListener((o, a, b) -> paint());
        getChildren().addAll(canvas, scroll);
        setMinSize(300, HEADER_HEIGHT + 3 * ROW_HEIGHT);
        setPrefSize(900, 500);
        tooltip.setShowDelay(Duration.millis(150));
        tooltip.setId("fleet-cell-tooltip");
        Tooltip.install(canvas, tooltip);
        canvas.setOnMouseMoved(e -> hover(e.getX(), e.getY()));
        canvas.setOnMouseExited(e -> {
            hoverRow = -1;
            mouseX = Double.NaN;
            paint();
        });
        canvas.setOnMouseClicked(e -> {
            int r = rowAt(e.getY());
            if (r >= 0) {
                onNodeClicked.accept(rows.get(r).name());
            }
        });
        canvas.setOnScroll(e -> scroll.setValue(clamp(scroll.getValue() - e.getDeltaY(), scroll.getMin(), scroll.getMax())));
        for (StyleableObjectProperty<Paint> p : List.of(heat0, heat1, heat2, heat3)) {
            p.addListener((o, a, b) -> {
                lut = null;
                paint();
            });
        }
        for (StyleableObjectProperty<Paint> p : List.of(downFill, downText, missing, text, muted, cellText, hover)) {
            p.addListener((o, a, b) -> paint());
        }
    }

    private StyleableObjectProperty<Paint> colour(String css, java.util.function.Function<HeatGrid, StyleableObjectProperty<Paint>> self,
                                                 String fallback) {
        return new javafx.css.SimpleStyleableObjectProperty<>(metaData(css, self, fallback), this, css, Color.web(fallback));
    }

    private static final Map<String, CssMetaData<HeatGrid, Paint>> META = new java.util.LinkedHashMap<>();

    private static CssMetaData<HeatGrid, Paint> metaData(String css,
            java.util.function.Function<HeatGrid, StyleableObjectProperty<Paint>> self, String fallback) {
        synchronized (META) {
            return META.computeIfAbsent(css, k -> CSS.createPaintCssMetaData(css, s -> self.apply(s), Color.web(fallback)));
        }
    }

    static List<CssMetaData<? extends Styleable, ?>> classCssMetaData() {
        // Creating one grid registers every property's metadata.
        synchronized (META) {
            List<CssMetaData<? extends Styleable, ?>> all = new ArrayList<>(Region.getClassCssMetaData());
            all.addAll(META.values());
            return all;
        }
    }

    @Override
    public List<CssMetaData<? extends Styleable, ?>> getCssMetaData() {
        return classCssMetaData();
    }

    // ---- inputs --------------------------------------------------------------------------------

    void setRows(List<FleetNode> rows) {
        this.rows = List.copyOf(rows);
        maxGpus = 0;
        for (FleetNode n : rows) {
            maxGpus = Math.max(maxGpus, n.gpus().size());
        }
        updateScroll();
        if (!Double.isNaN(mouseX)) {
            hover(mouseX, mouseY); // rows moved under the mouse (a re-sort): the tooltip follows
        }
        paint();
    }

    void setMetric(HeatMetric metric) {
        this.metric = metric;
        lut = null;
        paint();
    }

    /** Where the open alerts' marks come from; read at {@link #refreshMarks()}. */
    void setAlertMarks(java.util.function.Supplier<AlertMarks> alertMarks) {
        this.alertMarks = alertMarks;
        refreshMarks();
    }

    /** Repaints when the alerts changed since the last paint (called at the UI cadence). */
    void refreshMarks() {
        AlertMarks m = alertMarks.get();
        if (m != marks) {
            marks = m;
            paint();
        }
    }

    private AlertMark cellMark(FleetNode n, FleetGpu g) {
        return marks.forLabels(Map.of("node", n.name(), "gpu", g.uuid()));
    }

    void setZone(ZoneId zone) {
        this.zone = zone;
    }

    void setOnNodeClicked(Consumer<String> onNodeClicked) {
        this.onNodeClicked = onNodeClicked;
    }

    // ---- layout --------------------------------------------------------------------------------

    @Override
    protected void layoutChildren() {
        double w = getWidth();
        double h = getHeight();
        double cw = Math.max(0, w - SCROLLBAR);
        scroll.resizeRelocate(cw, HEADER_HEIGHT, SCROLLBAR, Math.max(0, h - HEADER_HEIGHT));
        if (canvas.getWidth() != cw || canvas.getHeight() != h) {
            canvas.setWidth(cw);
            canvas.setHeight(h);
            updateScroll();
            paint();
        }
    }

    private void updateScroll() {
        double visible = Math.max(0, canvas.getHeight() - HEADER_HEIGHT);
        double content = rows.size() * ROW_HEIGHT;
        double max = Math.max(0, content - visible);
        scroll.setMax(max);
        scroll.setVisibleAmount(max <= 0 ? 1 : visible * max / Math.max(1, content - visible));
        scroll.setUnitIncrement(ROW_HEIGHT);
        scroll.setBlockIncrement(Math.max(ROW_HEIGHT, visible - ROW_HEIGHT));
        scroll.setVisible(max > 0);
        if (scroll.getValue() > max) {
            scroll.setValue(max);
        }
    }

    private double cellWidth() {
        double room = canvas.getWidth() - LABEL_WIDTH - 8;
        int columns = Math.max(1, maxGpus);
        return clamp(Math.floor(room / columns), 12, 64);
    }

    /** The row under a y coordinate of the canvas, or -1. */
    int rowAt(double y) {
        if (y < HEADER_HEIGHT) {
            return -1;
        }
        int r = (int) Math.floor((y - HEADER_HEIGHT + scroll.getValue()) / ROW_HEIGHT);
        return r >= 0 && r < rows.size() ? r : -1;
    }

    /** The GPU column under an x coordinate, or -1 (label area, gaps, beyond the last GPU). */
    int columnAt(double x) {
        double cw = cellWidth();
        if (x < LABEL_WIDTH) {
            return -1;
        }
        int c = (int) Math.floor((x - LABEL_WIDTH) / cw);
        return c >= 0 && c < maxGpus ? c : -1;
    }

    /** The centre of a cell in this grid's coordinates (tests click and hover there). */
    Point2D cellCenter(int row, int column) {
        double cw = cellWidth();
        return new Point2D(LABEL_WIDTH + column * cw + cw / 2,
                HEADER_HEIGHT + row * ROW_HEIGHT - scroll.getValue() + ROW_HEIGHT / 2);
    }

    /** Scrolls so that {@code row} is in view. */
    void reveal(int row) {
        double top = row * ROW_HEIGHT;
        double visible = canvas.getHeight() - HEADER_HEIGHT;
        if (top < scroll.getValue()) {
            scroll.setValue(top);
        } else if (top + ROW_HEIGHT > scroll.getValue() + visible) {
            scroll.setValue(Math.min(scroll.getMax(), top + ROW_HEIGHT - visible));
        }
    }

    // ---- hover ---------------------------------------------------------------------------------

    private void hover(double x, double y) {
        mouseX = x;
        mouseY = y;
        int r = rowAt(y);
        if (r != hoverRow) {
            hoverRow = r;
            paint();
        }
        tooltip.setText(r < 0 ? "" : tooltipText(rows.get(r), columnAt(x)));
    }

    /** The tooltip for a cell (column -1: the node itself). Every value from the exporter is escaped. */
    String tooltipText(FleetNode n, int column) {
        StringBuilder sb = new StringBuilder(SafeText.of(n.name()));
        String cluster = n.labels().getOrDefault("cluster", "");
        if (!cluster.isEmpty()) {
            sb.append(" · ").append(SafeText.of(cluster));
        }
        if (n.health() == NodeHealth.DOWN) {
            return sb.append('\n').append(statusText(n)).append("\nClick for the node's history.").toString();
        }
        FleetGpu g = column >= 0 && column < n.gpus().size() ? n.gpus().get(column) : null;
        if (g == null) {
            String alert = marks.forLabels(Map.of("node", n.name())).describe();
            return sb.append("\n").append(n.gpus().size()).append(" GPUs · click for details")
                    .append(alert.isEmpty() ? "" : "\nAlert: " + alert).toString();
        }
        sb.append(" · GPU ").append(g.index());
        sb.append('\n').append(SafeText.of(g.uuid()));
        sb.append('\n').append(SafeText.of(g.model()));
        OptionalDouble v = metric.value(g);
        sb.append('\n').append(metric.title()).append(": ").append(v.isPresent() ? metric.format(v.getAsDouble()) : "n/a (not exported)");
        if (metric == HeatMetric.POWER && g.powerWatts().isPresent()) {
            sb.append(String.format(Locale.ROOT, " (%.0f W of %.0f W)", g.powerWatts().getAsDouble(),
                    g.powerLimitWatts().orElse(Double.NaN)));
        }
        if (metric == HeatMetric.MEMORY && g.memoryUsedBytes().isPresent()) {
            sb.append(" (").append(Units.bytes(g.memoryUsedBytes().getAsDouble())).append(" of ")
                    .append(Units.bytes(g.memoryTotalBytes().orElse(Double.NaN))).append(')');
        }
        if (metric == HeatMetric.ERRORS && g.xidLast().orElse(0) > 0) {
            sb.append(String.format(Locale.ROOT, " (last XID %.0f)", g.xidLast().getAsDouble()));
        }
        String pod = g.labels().getOrDefault("pod", "");
        String ns = g.labels().getOrDefault("namespace", "");
        if (pod.isEmpty() && !g.processes().isEmpty()) {
            pod = g.processes().getFirst().pod();
            ns = g.processes().getFirst().namespace();
        }
        sb.append("\nPod: ").append(pod.isEmpty() ? "none" : SafeText.of(ns) + "/" + SafeText.of(pod));
        if (!g.processes().isEmpty()) {
            var p = g.processes().getFirst();
            sb.append("\nProcess: ").append(p.name().isEmpty() ? "?" : SafeText.of(p.name()))
                    .append(p.pid() > 0 ? " (pid " + p.pid() + ")" : "");
            if (g.processes().size() > 1) {
                sb.append(" and ").append(g.processes().size() - 1).append(" more");
            }
        }
        String alert = cellMark(n, g).describe();
        if (!alert.isEmpty()) {
            sb.append("\nAlert: ").append(alert);
        }
        return sb.toString();
    }

    /** The line a DOWN or not-yet-scraped node shows instead of numbers. */
    String statusText(FleetNode n) {
        if (n.health() == NodeHealth.UNKNOWN) {
            return "waiting for the first scrape";
        }
        String when = n.lastScrapeMillis() <= 0 ? "never"
                : TIME.withZone(zone).format(Instant.ofEpochMilli(n.lastScrapeMillis()));
        String error = n.lastError().isEmpty() ? "not answering" : SafeText.of(n.lastError());
        return "DOWN — " + error + ", last scrape " + when;
    }

    // ---- paint ---------------------------------------------------------------------------------

    private Color[] lut() {
        if (lut == null) {
            Color[] stops = {c(heat0), c(heat1), c(heat2), c(heat3)};
            lut = new Color[LUT_SIZE];
            for (int i = 0; i < LUT_SIZE; i++) {
                double p = (double) i / (LUT_SIZE - 1) * (stops.length - 1);
                int k = Math.min(stops.length - 2, (int) Math.floor(p));
                lut[i] = stops[k].interpolate(stops[k + 1], p - k);
            }
        }
        return lut;
    }

    private Color colourOf(double value) {
        return lut()[(int) Math.round(metric.position(value) * (LUT_SIZE - 1))];
    }

    private static Color c(StyleableObjectProperty<Paint> p) {
        return p.get() instanceof Color col ? col : Color.GRAY;
    }

    /** Repaints the legend and the rows in view. */
    void paint() {
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.clearRect(0, 0, w, h);
        rowsPainted = 0;
        cellsPainted = 0;
        cellsColoured = 0;
        cellsMarked = 0;
        statusTexts.clear();
        if (w < 50 || h < HEADER_HEIGHT) {
            return;
        }
        paintLegend(g, w);
        double cw = cellWidth();
        g.setTextBaseline(VPos.CENTER);
        g.setFont(Font.font(11));
        g.setFill(muted.get());
        g.setTextAlign(TextAlignment.CENTER);
        for (int c = 0; c < maxGpus; c++) {
            g.fillText(cw >= 40 ? "GPU " + c : Integer.toString(c), LABEL_WIDTH + c * cw + cw / 2, HEADER_HEIGHT - 9);
        }
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText("Node · cluster", 6, HEADER_HEIGHT - 9);

        g.save();
        g.beginPath();
        g.rect(0, HEADER_HEIGHT, w, h - HEADER_HEIGHT);
        g.clip();
        int first = (int) Math.floor(scroll.getValue() / ROW_HEIGHT);
        int last = Math.min(rows.size() - 1, (int) Math.ceil((scroll.getValue() + h - HEADER_HEIGHT) / ROW_HEIGHT));
        Font name = Font.font(Font.getDefault().getFamily(), FontWeight.BOLD, 12);
        Font small = Font.font(11);
        boolean values = cw >= 30;
        for (int r = Math.max(0, first); r <= last; r++) {
            FleetNode n = rows.get(r);
            double y = HEADER_HEIGHT + r * ROW_HEIGHT - scroll.getValue();
            rowsPainted++;
            if (r == hoverRow) {
                g.setFill(hover.get());
                g.fillRect(0, y, w, ROW_HEIGHT);
            }
            g.setFont(name);
            AlertTone nodeTone = marks.forLabels(Map.of("node", n.name())).tone();
            g.setFill(n.health() == NodeHealth.DOWN ? downText.get()
                    : nodeTone.open() ? SeverityStyles.color(nodeTone, Color.WHITE) : text.get());
            g.setTextAlign(TextAlignment.LEFT);
            String label = SafeText.of(n.name());
            g.fillText(fit(label, 17), 6, y + ROW_HEIGHT / 2);
            g.setFont(small);
            g.setFill(muted.get());
            g.fillText(fit(SafeText.of(n.labels().getOrDefault("cluster", "")), 18), 136, y + ROW_HEIGHT / 2);
            if (n.health() != NodeHealth.UP) {
                paintDown(g, n, y, Math.max(cw * Math.max(1, maxGpus), w - LABEL_WIDTH - 8));
                continue;
            }
            for (int c = 0; c < n.gpus().size(); c++) {
                FleetGpu gpu = n.gpus().get(c);
                double x = LABEL_WIDTH + c * cw;
                OptionalDouble v = metric.value(gpu);
                cellsPainted++;
                if (v.isPresent()) {
                    cellsColoured++;
                    g.setFill(colourOf(v.getAsDouble()));
                    g.fillRect(x + GAP / 2, y + GAP / 2, cw - GAP, ROW_HEIGHT - GAP);
                    if (values) {
                        g.setFill(metric.position(v.getAsDouble()) < 0.2 ? text.get() : cellText.get());
                        g.setTextAlign(TextAlignment.CENTER);
                        g.fillText(cellValue(v.getAsDouble()), x + cw / 2, y + ROW_HEIGHT / 2);
                    }
                } else {
                    g.setFill(missing.get());
                    g.fillRect(x + GAP / 2, y + GAP / 2, cw - GAP, ROW_HEIGHT - GAP);
                    g.setFill(muted.get());
                    g.setTextAlign(TextAlignment.CENTER);
                    g.fillText("–", x + cw / 2, y + ROW_HEIGHT / 2);
                }
                AlertTone tone = cellMark(n, gpu).tone();
                if (tone != AlertTone.NONE) {
                    cellsMarked++;
                    g.setStroke(SeverityStyles.color(tone, Color.WHITE));
                    g.setLineWidth(tone == AlertTone.MUTED ? 1 : 2.5);
                    g.setLineDashes(tone == AlertTone.MUTED ? new double[] {3, 2} : null);
                    g.strokeRect(x + GAP / 2 + 1.25, y + GAP / 2 + 1.25, cw - GAP - 2.5, ROW_HEIGHT - GAP - 2.5);
                    g.setLineDashes(null);
                }
            }
        }
        g.restore();
        if (rows.isEmpty()) {
            g.setFill(muted.get());
            g.setTextAlign(TextAlignment.LEFT);
            g.setFont(Font.font(13));
            g.fillText("No node matches.", 6, HEADER_HEIGHT + ROW_HEIGHT);
        }
    }

    private String cellValue(double v) {
        return metric == HeatMetric.ERRORS ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.0f", v);
    }

    private void paintDown(GraphicsContext g, FleetNode n, double y, double width) {
        double x = LABEL_WIDTH + GAP / 2;
        double top = y + GAP / 2;
        double hgt = ROW_HEIGHT - GAP;
        g.setFill(downFill.get());
        g.fillRect(x, top, width, hgt);
        g.save();
        g.beginPath();
        g.rect(x, top, width, hgt);
        g.clip();
        g.setStroke(n.health() == NodeHealth.DOWN ? downText.get() : muted.get());
        g.setGlobalAlpha(0.35);
        g.setLineWidth(1);
        for (double hx = x - hgt; hx < x + width; hx += 8) {
            g.strokeLine(hx, top + hgt, hx + hgt, top);
        }
        g.restore();
        String status = statusText(n);
        statusTexts.put(n.name(), status);
        g.setFont(Font.font(Font.getDefault().getFamily(), FontWeight.BOLD, 11));
        g.setTextAlign(TextAlignment.LEFT);
        // The text sits on a solid strip so the hatching never makes it hard to read.
        double maxChars = (width - 12) / 6.6;
        String shown = fit(status, (int) maxChars);
        double tw = Math.min(width - 4, shown.length() * 6.6 + 10);
        g.setFill(downFill.get());
        g.fillRect(x + 2, top + 2, tw, hgt - 4);
        g.setFill(n.health() == NodeHealth.DOWN ? downText.get() : muted.get());
        g.fillText(shown, x + 6, y + ROW_HEIGHT / 2);
    }

    private void paintLegend(GraphicsContext g, double w) {
        g.setTextBaseline(VPos.CENTER);
        g.setTextAlign(TextAlignment.LEFT);
        g.setFont(Font.font(Font.getDefault().getFamily(), FontWeight.BOLD, 12));
        g.setFill(text.get());
        double y = 12;
        String title = metric.title() + " (" + metric.unit() + ")";
        g.fillText(title, 6, y);
        double barX = LABEL_WIDTH;
        double barW = Math.min(260, Math.max(120, w - LABEL_WIDTH - 330));
        Color[] colours = lut();
        int steps = 64;
        for (int i = 0; i < steps; i++) {
            g.setFill(colours[(int) Math.round((double) i / (steps - 1) * (LUT_SIZE - 1))]);
            g.fillRect(barX + barW * i / steps, y - 6, barW / steps + 0.5, 12);
        }
        g.setFont(Font.font(10));
        g.setFill(muted.get());
        // The four stop values under the bar, with the unit on the last one.
        for (int i = 0; i < 4; i++) {
            double x = barX + barW * i / 3;
            g.setTextAlign(i == 0 ? TextAlignment.LEFT : i == 3 ? TextAlignment.RIGHT : TextAlignment.CENTER);
            double v = metric.stop(i);
            String label = i == 3 ? metric.format(v) : formatStop(v);
            g.fillText(label, x, y + 14);
        }
        double sx = barX + barW + 18;
        g.setFill(missing.get());
        g.fillRect(sx, y - 6, 16, 12);
        g.setFill(muted.get());
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText("no data", sx + 20, y);
        sx += 80;
        g.setFill(downFill.get());
        g.fillRect(sx, y - 6, 16, 12);
        g.setStroke(downText.get());
        g.setGlobalAlpha(0.6);
        g.strokeLine(sx, y + 6, sx + 12, y - 6);
        g.strokeLine(sx + 6, y + 6, sx + 16, y - 4);
        g.setGlobalAlpha(1);
        g.setFill(muted.get());
        g.fillText("node down", sx + 20, y);
    }

    private String formatStop(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String fit(String s, int maxChars) {
        return s.length() <= maxChars ? s : s.substring(0, Math.max(0, maxChars - 1)) + "…";
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    // ---- for tests and the benchmark ---------------------------------------------------------------

    int rowsPainted() {
        return rowsPainted;
    }

    int cellsPainted() {
        return cellsPainted;
    }

    int cellsColoured() {
        return cellsColoured;
    }

    /** The DOWN/unknown line painted for a node in the last paint, or null. */
    String paintedStatus(String node) {
        return statusTexts.get(node);
    }

    List<FleetNode> rows() {
        return rows;
    }

    HeatMetric metric() {
        return metric;
    }

    /** Cells the last paint outlined for an alert. */
    int cellsMarked() {
        return cellsMarked;
    }

    /** The colour a cell of this value gets now (tests check the CSS colours arrive). */
    Color colourFor(double value) {
        return colourOf(value);
    }

    Tooltip tooltip() {
        return tooltip;
    }

    Canvas canvas() {
        return canvas;
    }
}
