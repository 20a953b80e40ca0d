package io.vigil.ui.chart;

import io.vigil.text.Durations;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Time ticks for a chart's x-axis: a round step (1/2/5/10/15/30 s or min, 1/3/6/12 h, days) chosen
 * so that the widest label fits between two ticks, ticks aligned to round local times, a day label
 * ("Nov 3") at local midnight, and no two labels overlapping. Pure: text widths come from the
 * caller's measure, so this runs without a toolkit. Stateless; safe from any thread.
 */
public final class TimeAxis {

    /** Pixels kept free between two labels. */
    static final double GAP = 14;

    private static final long S = 1000;
    private static final long MIN = 60 * S;
    private static final long H = 60 * MIN;
    private static final long D = 24 * H;
    private static final long[] STEPS = {S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S, MIN, 2 * MIN, 5 * MIN, 10 * MIN,
        15 * MIN, 30 * MIN, H, 3 * H, 6 * H, 12 * H, D, 2 * D, 7 * D, 14 * D, 28 * D};
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    /**
     * One drawn label.
     *
     * @param timeMillis the tick's time
     * @param x the tick's x in pixels
     * @param left the label's left edge in pixels
     * @param right the label's right edge in pixels
     * @param text what is written
     */
    public record Label(long timeMillis, double x, double left, double right, String text) {
    }

    private TimeAxis() {
    }

    /**
     * The labels for {@code range} drawn over {@code [plotLeft, plotLeft + plotWidth]}; labels stay
     * inside {@code [0, canvasWidth]}.
     */
    public static List<Label> labels(TimeRange range, double plotLeft, double plotWidth, double canvasWidth,
            ZoneId zone, ToDoubleFunction<String> measure) {
        if (plotWidth <= 0) {
            return List.of();
        }
        long span = range.span();
        long step = step(span, plotWidth, measure);
        List<Label> out = new ArrayList<>();
        double lastRight = Double.NEGATIVE_INFINITY;
        for (long t : tickTimes(range, step, zone)) {
            String text = text(t, step, zone);
            double x = plotLeft + plotWidth * (t - range.fromMillis()) / span;
            double w = measure.applyAsDouble(text);
            double left = Math.max(0, Math.min(x - w / 2, canvasWidth - w));
            if (left < lastRight + GAP) {
                continue; // never overlap: a label that would touch the previous one is left out
            }
            out.add(new Label(t, x, left, left + w, text));
            lastRight = left + w;
        }
        return out;
    }

    /** The smallest round step whose widest label, plus a gap, fits between two ticks. */
    static long step(long span, double plotWidth, ToDoubleFunction<String> measure) {
        double widest = 0;
        for (long step : STEPS) {
            widest = Math.max(widest, Math.max(measure.applyAsDouble(sample(step)), measure.applyAsDouble("Sep 30")));
            double pixels = plotWidth * step / span;
            if (pixels >= widest + GAP) {
                return step;
            }
        }
        // Longer than many months: whole multiples of four weeks.
        long step = STEPS[STEPS.length - 1];
        while (plotWidth * step / span < widest + GAP) {
            step *= 2;
        }
        return step;
    }

    private static String sample(long step) {
        return step < MIN ? "00:00:00" : step < D ? "00:00" : "Sep 30";
    }

    static List<Long> tickTimes(TimeRange range, long step, ZoneId zone) {
        List<Long> out = new ArrayList<>();
        if (step < D) {
            // Align to round local times: shift by the zone's offset, round up to the step, shift back.
            long offset = zone.getRules().getOffset(Instant.ofEpochMilli(range.fromMillis())).getTotalSeconds() * S;
            long first = Math.floorDiv(range.fromMillis() + offset + step - 1, step) * step - offset;
            for (long t = first; t <= range.toMillis() && out.size() < 10_000; t += step) {
                out.add(t);
            }
        } else {
            long days = step / D;
            ZonedDateTime day = Instant.ofEpochMilli(range.fromMillis()).atZone(zone).truncatedTo(ChronoUnit.DAYS);
            if (day.toInstant().toEpochMilli() < range.fromMillis()) {
                day = day.plusDays(1);
            }
            for (; day.toInstant().toEpochMilli() <= range.toMillis() && out.size() < 10_000; day = day.plusDays(days)) {
                out.add(day.toInstant().toEpochMilli());
            }
        }
        return out;
    }

    private static String text(long t, long step, ZoneId zone) {
        ZonedDateTime z = Instant.ofEpochMilli(t).atZone(zone);
        boolean midnight = z.toLocalTime().toSecondOfDay() == 0;
        if (step >= D || midnight) {
            return Durations.day(z.toInstant(), zone);
        }
        return (step < MIN ? SECONDS : MINUTES).format(z);
    }

    /** The time under the mouse, for the hover readout: with the day when the range spans days. */
    static String readoutTime(long t, TimeRange range, ZoneId zone) {
        Instant i = Instant.ofEpochMilli(t);
        String time = SECONDS.format(i.atZone(zone));
        return range.span() > 20 * H ? Durations.day(i, zone) + " " + time : time;
    }
}
