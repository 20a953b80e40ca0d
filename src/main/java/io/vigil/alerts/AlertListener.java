package io.vigil.alerts;

/** Told about each alert change after it has been committed to the database. */
@FunctionalInterface
public interface AlertListener {
    void onAlertEvent(Alert alert, AlertEvent event);
}
