package io.vigil.app;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * Makes text from watched machines (exporter labels, process names, node names) safe to print on a
 * terminal: control characters (C0, DEL, C1), line and paragraph separators and bidirectional
 * overrides become {@code \\uXXXX}, and a backslash is doubled so the result is unambiguous. Such
 * text is attacker input: an escape sequence in a pod label must not repaint the analyst's screen.
 * Stateless.
 */
final class TerminalText {

    private TerminalText() {
    }

    static boolean unsafe(int c) {
        return Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E)
                || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C;
    }

    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = unsafe(c) || c == '\\';
            if (bad && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                if (c == '\\') {
                    out.append("\\\\");
                } else if (bad) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? s : out.toString();
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
