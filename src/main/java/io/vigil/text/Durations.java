package io.vigil.text;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The one way Vigil writes times and durations for people: {@code HH:mm:ss} for a moment today,
 * {@code yyyy-MM-dd HH:mm} otherwise, always in the viewer's zone; durations as "3 min 20 s".
 * JSON output keeps ISO-8601 instead.
 *
 * <p>Stateless; safe from any thread.
 */
public final class Durations {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d", Locale.ROOT);

    private Durations() {
    }

    /** A moment relative to {@code now}: "14:03:22" when on the same day, else "2026-11-29 23:10". */
    public static String moment(Instant when, Instant now, ZoneId zone) {
        if (when == null) {
            return Unit.NO_DATA;
        }
        ZonedDateTime w = when.atZone(zone);
        ZonedDateTime n = now.atZone(zone);
        return w.toLocalDate().equals(n.toLocalDate()) ? TIME.format(w) : DATE_TIME.format(w);
    }

    /** Date and time, always with the date: "2026-11-29 23:10". */
    public static String dateTime(Instant when, ZoneId zone) {
        return when == null ? Unit.NO_DATA : DATE_TIME.format(when.atZone(zone));
    }

    /** Time of day: "23:10:04". */
    public static String timeOfDay(Instant when, ZoneId zone) {
        return when == null ? Unit.NO_DATA : TIME.format(when.atZone(zone));
    }

    /** A short day label for date axes: "Nov 3". */
    public static String day(Instant when, ZoneId zone) {
        return DAY.format(when.atZone(zone));
    }

    /** "3 min 20 s", "2 h 5 min", "4 d 3 h", "850 ms". */
    public static String compact(Duration d) {
        return compact(d.toNanos() / 1e9);
    }

    /** Same as {@link #compact(Duration)} from seconds. */
    public static String compact(double seconds) {
        if (Double.isNaN(seconds)) {
            return Unit.NO_DATA;
        }
        String sign = seconds < 0 ? "-" : "";
        double s = Math.abs(seconds);
        if (s < 1) {
            return sign + Math.round(s * 1000) + " ms";
        }
        long total = Math.round(s);
        long days = total / 86_400;
        long hours = total % 86_400 / 3600;
        long minutes = total % 3600 / 60;
        long secs = total % 60;
        if (days > 0) {
            return sign + days + " d" + (hours > 0 ? " " + hours + " h" : "");
        }
        if (hours > 0) {
            return sign + hours + " h" + (minutes > 0 ? " " + minutes + " min" : "");
        }
        if (minutes > 0) {
            return sign + minutes + " min" + (secs > 0 ? " " + secs + " s" : "");
        }
        return sign + secs + " s";
    }
}
