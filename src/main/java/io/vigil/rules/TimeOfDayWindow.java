package io.vigil.rules;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Hours of the day (in {@code zone}) when a rule is active, e.g. off hours 19:00–07:00. When
 * {@code from} is after {@code to} the window runs across midnight. Wall-clock times are compared,
 * so a window keeps its local meaning across daylight-saving changes.
 */
public record TimeOfDayWindow(LocalTime from, LocalTime to, ZoneId zone) {

    public boolean contains(Instant instant) {
        LocalTime t = ZonedDateTime.ofInstant(instant, zone).toLocalTime();
        if (from.equals(to)) {
            return true;
        }
        if (from.isBefore(to)) {
            return !t.isBefore(from) && t.isBefore(to);
        }
        return !t.isBefore(from) || t.isBefore(to);
    }
}
