package io.vigil.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Bounded reads of what a process controls in {@code /proc} ({@code cmdline}, {@code environ},
 * {@code stat}) and of strings the JDK read from there: a field is kept up to a cap and marked
 * {@code " … (truncated at N bytes)"} when cut, so a miner that pads its argv to megabytes costs a
 * fixed amount to read, redact, show and store. Thread-safe: stateless.
 */
public final class ProcFields {

    /** What is kept of one field, in bytes (characters for {@link #cap(String)}): 64 KiB. */
    public static final int MAX_FIELD_BYTES = 64 * 1024;

    /** The first bytes of a file and whether there were more. */
    public record Capped(byte[] bytes, boolean truncated) {
    }

    private ProcFields() {
    }

    /** At most {@code max} bytes of {@code file}; reads one byte more to know whether it was cut. */
    public static Capped read(Path file, int max) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = in.readNBytes(max + 1);
            return buf.length > max ? new Capped(Arrays.copyOf(buf, max), true) : new Capped(buf, false);
        }
    }

    /** {@code text} cut to {@link #MAX_FIELD_BYTES} characters with the truncation note; empty for null. */
    public static String cap(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= MAX_FIELD_BYTES ? text : text.substring(0, MAX_FIELD_BYTES) + truncationNote(MAX_FIELD_BYTES);
    }

    /** The note appended to a cut field. */
    public static String truncationNote(int max) {
        return " … (truncated at " + max + " bytes)";
    }
}
