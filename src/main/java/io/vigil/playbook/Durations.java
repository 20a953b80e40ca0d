package io.vigil.playbook;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the short durations used in playbooks ({@code 500ms}, {@code 30s}, {@code 15m}, {@code 2h}, {@code 1d}). */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

    private Durations() {
    }

    /** The duration, or an {@link IllegalArgumentException} saying what was expected. */
    public static Duration parse(String text) {
        Matcher m = SHORT.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; expected a number and a unit, "
                    + "like 30s, 15m, 2h (units: ms, s, m, h, d)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** A compact human form: {@code 1.2 s}, {@code 340 ms}, {@code 2 min 5 s}. */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format("%.1f s", ms / 1000.0);
        }
        return (ms / 60_000) + " min " + (ms % 60_000) / 1000 + " s";
    }
}
