package io.vigil.playbook;

/** A playbook that cannot be loaded, bound or run; the message says what to fix (file:line:column). */
public class PlaybookException extends Exception {

    public PlaybookException(String message) {
        super(message);
    }

    public PlaybookException(String message, Throwable cause) {
        super(message, cause);
    }
}
