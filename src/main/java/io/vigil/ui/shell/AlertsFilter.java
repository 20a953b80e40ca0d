package io.vigil.ui.shell;

/**
 * Which alerts to show when a count is clicked: a severity ("critical", "warning", or null for all)
 * and a state ("open", "pending", "acknowledged", …), as the Alerts view's filter boxes name them.
 */
public record AlertsFilter(String severity, String state) {

    /** Every open alert. */
    public static final AlertsFilter OPEN = new AlertsFilter(null, "open");

    public static AlertsFilter firing(String severity) {
        return new AlertsFilter(severity, "firing");
    }
}
