package io.vigil.ui;

/**
 * Text that came from a watched machine (process names, pod names, label values, scrape errors)
 * made safe to show: control characters, line and paragraph separators, bidirectional overrides and
 * zero-width characters are shown as escapes ({@code \n}, {@code \x1b}, {@code \u202e}) so they can
 * neither be interpreted nor hide what follows. Long values are cut with a note.
 */
public final class SafeText {

    /** Longest value shown in full; an exporter can send megabytes in one label. */
    public static final int MAX_LENGTH = 512;

    private SafeText() {
    }

    public static String visible(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_LENGTH) + 8);
        int limit = Math.min(s.length(), MAX_LENGTH);
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else if (hidden(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (s.length() > MAX_LENGTH) {
            out.append("… (").append(s.length() - MAX_LENGTH).append(" more characters)");
        }
        return out.toString();
    }

    /** Characters that change how the text around them is drawn, or draw nothing. */
    private static boolean hidden(char c) {
        return (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u2028' || c == '\u2029'
                || (c >= '\u200b' && c <= '\u200f') || c == '\u061c' || c == '\ufeff';
    }
}
