package io.vigil.alerts;

/** The lifecycle of an alert: pending → firing → acknowledged → resolved. */
public enum AlertState {
    PENDING, FIRING, ACKNOWLEDGED, RESOLVED;

    public boolean open() {
        return this != RESOLVED;
    }
}
