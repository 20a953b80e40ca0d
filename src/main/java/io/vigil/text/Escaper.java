package io.vigil.text;

/**
 * Makes text that a watched process controls (its name, argv, environment, output) safe to show on
 * one line of a terminal, a table cell or a log: control characters, ESC, DEL, C1 controls, Unicode
 * line and paragraph separators, bidirectional overrides and isolates, zero-width characters and lone
 * surrogates are written as visible escapes ({@code \n}, {@code \r}, {@code \t}, {@code \xNN}, and a
 * backslash, {@code u} and the code point in braces), so a process cannot start a fake line of
 * output, clear or colour the screen, hide text, or reorder what is shown.
 *
 * <p>A backslash is not escaped, on purpose: escaping is then idempotent ({@code escape(escape(s))}
 * equals {@code escape(s)}), so every layer may apply it without double escapes. The cost is that a
 * literal {@code \n} typed by the process looks like an escaped newline; neither can break a line.
 *
 * <p>Thread-safe: stateless.
 */
public final class Escaper {

    private Escaper() {
    }

    /** {@code text} with every unsafe character escaped; the same instance when there is none. */
    public static String escape(CharSequence text) {
        if (text == null) {
            return "";
        }
        int n = text.length();
        int first = -1;
        for (int i = 0; i < n; i++) {
            if (unsafe(text, i)) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return text.toString();
        }
        StringBuilder out = new StringBuilder(n + 16).append(text, 0, first);
        for (int i = first; i < n; i++) {
            char c = text.charAt(i);
            if (!unsafe(text, i)) {
                out.append(c);
                if (Character.isHighSurrogate(c)) {
                    out.append(text.charAt(++i));
                }
                continue;
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x100) {
                        out.append("\\x").append(hex(c >> 4)).append(hex(c & 0xF));
                    } else {
                        out.append(String.format("\\u{%04X}", (int) c));
                    }
                }
            }
        }
        return out.toString();
    }

    /** True when the character at {@code i} must be escaped (a valid surrogate pair is safe). */
    private static boolean unsafe(CharSequence s, int i) {
        char c = s.charAt(i);
        if (c < 0x20 || c == 0x7F || c >= 0x80 && c <= 0x9F) {
            return true;
        }
        if (c < 0x61C) {
            return false;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return c == '\u061C' // Arabic letter mark
                || c >= '\u200B' && c <= '\u200F' // zero-width space and joiners, left-to-right / right-to-left marks
                || c == '\uFEFF' // zero-width no-break space
                || c >= '\u2028' && c <= '\u202E' // line and paragraph separators, embeddings and overrides
                || c >= '\u2066' && c <= '\u2069'; // isolates
    }

    private static char hex(int v) {
        return (char) (v < 10 ? '0' + v : 'A' + v - 10);
    }
}
