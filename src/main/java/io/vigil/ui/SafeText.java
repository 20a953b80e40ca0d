package io.vigil.ui;

/**
 * Text that came from a watched machine (process names, pod names, label values, scrape errors)
 * made safe to show: the one redactor and escaper of {@link io.vigil.text.SafeText} (secrets masked;
 * control characters, line and paragraph separators, bidirectional overrides and zero-width
 * characters shown as escapes, so they can neither be interpreted nor hide what follows), then cut
 * with a note when long, for labels and tooltips that have room for one short value.
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
        // Cut first (bounded work for megabyte labels), then redact and escape what is shown.
        String head = s.length() > MAX_LENGTH ? s.substring(0, MAX_LENGTH) : s;
        String shown = io.vigil.text.SafeText.of(head);
        return s.length() > MAX_LENGTH ? shown + "… (" + (s.length() - MAX_LENGTH) + " more characters)" : shown;
    }
}
