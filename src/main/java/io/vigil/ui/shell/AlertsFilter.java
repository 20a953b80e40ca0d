package io.vigil.ui.shell;

/**
 * Which alerts to show when a count is clicked: a severity ("critical", "warning", or null for all)
 * and a state ("open": pending or firing and not silenced, "acknowledged", "silenced"), as the Alerts
 * view's filter boxes name them.
 */
public record AlertsFilter(String severity, String state) {

    /** Every open alert (pending or firing, not silenced). */
    public static final AlertsFilter OPEN = new AlertsFilter(null, "open");

    /** The open alerts of one severity. */
    public static AlertsFilter open(String severity) {
        return new AlertsFilter(severity, "open");
    }
}
