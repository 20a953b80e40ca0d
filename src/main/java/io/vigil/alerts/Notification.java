package io.vigil.alerts;

/** What a notifier is asked to say: an alert began firing, is still firing (repeat), or resolved. */
public record Notification(Kind kind, Alert alert) {

    public enum Kind {
        TRIGGER, REPEAT, RESOLVE
    }
}
