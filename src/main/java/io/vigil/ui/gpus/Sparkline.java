package io.vigil.ui.gpus;

import io.vigil.telemetry.SeriesPoints;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;

/**
 * A small line of a metric's recent values on a canvas, scaled from 0 to {@code max}. Redrawn only
 * when its points, scale or colour changed, so an idle GPU costs nothing per frame. A gap much longer
 * than the usual spacing ({@link #gapMs}: a lost GPU, a source outage) breaks the line. FX thread only.
 */
final class Sparkline extends Canvas {

    static final long GAP_MS = 15_000;

    private long drawnLastTime = Long.MIN_VALUE;
    private int drawnSize = -1;
    private double drawnMax = Double.NaN;
    private Color drawnColor;
    private int redraws;

    Sparkline(double width, double height) {
        super(width, height);
        getStyleClass().add("gpu-spark");
    }

    /** Draws {@code p} scaled to {@code max} (NaN: to the largest point) in {@code color}, if anything changed. */
    void show(SeriesPoints p, double max, Color color) {
        double top = Double.isNaN(max) || max <= 0 ? Math.max(p.isEmpty() ? 1 : p.max(), 1e-9) : max;
        long last = p.isEmpty() ? Long.MIN_VALUE : p.lastTime();
        if (last == drawnLastTime && p.size() == drawnSize && top == drawnMax && color.equals(drawnColor)) {
            return;
        }
        drawnLastTime = last;
        drawnSize = p.size();
        drawnMax = top;
        drawnColor = color;
        redraws++;
        GraphicsContext g = getGraphicsContext2D();
        double w = getWidth();
        double h = getHeight();
        g.clearRect(0, 0, w, h);
        if (p.size() < 2) {
            return;
        }
        long gapMs = gapMs(p);
        long t0 = p.times()[0];
        double span = Math.max(1, p.lastTime() - t0);
        g.setStroke(color);
        g.setLineWidth(1.2);
        g.beginPath();
        boolean open = false;
        for (int i = 0; i < p.size(); i++) {
            double x = (p.times()[i] - t0) / span * (w - 1);
            double v = p.values()[i];
            double y = h - 1 - Math.max(0, Math.min(1, v / top)) * (h - 2);
            boolean gap = i > 0 && p.times()[i] - p.times()[i - 1] > gapMs;
            if (Double.isNaN(v)) {
                open = false;
            } else if (!open || gap) {
                g.moveTo(x, y);
                open = true;
            } else {
                g.lineTo(x, y);
            }
        }
        g.stroke();
    }

    /**
     * How far apart two points must be to break the line: three times the usual spacing (the
     * median), at least {@link #GAP_MS}. Relative, because a replayed scenario's samples are minutes
     * apart in its own time while a live source's are a second apart.
     */
    static long gapMs(SeriesPoints p) {
        if (p.size() < 3) {
            return Long.MAX_VALUE;
        }
        long[] d = new long[p.size() - 1];
        for (int i = 1; i < p.size(); i++) {
            d[i - 1] = p.times()[i] - p.times()[i - 1];
        }
        java.util.Arrays.sort(d);
        return Math.max(GAP_MS, 3 * d[d.length / 2]);
    }

    /** For tests: how often it has drawn. */
    int redraws() {
        return redraws;
    }
}
