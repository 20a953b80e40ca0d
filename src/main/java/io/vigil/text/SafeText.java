package io.vigil.text;

/**
 * What every view, command and export shows of a string a watched process controls (a name, a
 * command line, an alert text built from them): secrets redacted first (a private key spans lines),
 * then escaped so it stays on one line and cannot steer a terminal. Thread-safe: stateless.
 */
public final class SafeText {

    private static final Redactor REDACTOR = new Redactor();

    private SafeText() {
    }

    /** {@code raw} redacted, then escaped; empty for null. */
    public static String of(String raw) {
        return raw == null ? "" : Escaper.escape(REDACTOR.redact(raw));
    }
}
