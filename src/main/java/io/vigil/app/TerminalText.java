package io.vigil.app;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import io.vigil.text.Durations;
import io.vigil.text.Unit;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * JSON output that is safe on a terminal: text from watched machines (exporter labels, process
 * names) is attacker input, and {@code --json} is often read on a terminal. Plain text output uses
 * {@link io.vigil.text.Escaper}; this does the same for JSON strings. Stateless.
 */
final class TerminalText {

    private TerminalText() {
    }

    /**
     * A value for a person reading text output, in its metric's unit ("1.5 GiB", "$1,521.25",
     * "85 °C"; "—" for NaN). JSON output keeps the raw number.
     */
    static String value(String metric, double v) {
        return Unit.ofMetric(metric).format(v);
    }

    /** A moment for text output: "2026-11-29 23:10" in the local zone. JSON keeps ISO-8601. */
    static String time(Instant when) {
        return Durations.dateTime(when, ZoneId.systemDefault());
    }

    /** {@link #time(Instant)} of an ISO-8601 string; the string itself when it is not one. */
    static String time(String iso) {
        try {
            return time(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return iso;
        }
    }

    static boolean unsafe(int c) {
        return Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E)
                || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C;
    }

    /**
     * JSON escapes for the same characters: Jackson escapes C0 already; DEL, C1 and the bidi and
     * separator characters are escaped too, so {@code --json} piped to a terminal is safe as well.
     */
    static final class JsonEscapes extends CharacterEscapes {
        private final int[] ascii;

        JsonEscapes() {
            ascii = standardAsciiEscapesForJSON();
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return unsafe(ch) ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }
}
