package io.vigil.alerts;

/**
 * Somewhere alerts are announced: webhooks here, desktop pop-ups and sound in the UI layer.
 * {@link #send} must not block the caller for long (hand slow work to another thread).
 */
public interface Notifier {

    /** Whether this notifier wants {@code n} at all (severity filters). */
    default boolean accepts(Notification n) {
        return true;
    }

    void send(Notification n);
}
