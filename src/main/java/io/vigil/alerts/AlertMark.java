package io.vigil.alerts;

/**
 * What the open alerts say about one watched value: its {@link AlertTone}, the most urgent matching
 * alert ({@code worst}, null when none), how many matching alerts are open (pending or firing, not
 * silenced) and how many are acknowledged or silenced. Immutable.
 */
public record AlertMark(AlertTone tone, Alert worst, int open, int muted) {

    /** No alert touches the value. */
    public static final AlertMark NONE = new AlertMark(AlertTone.NONE, null, 0, 0);

    /** "firing critical: gpu-temperature-critical (GPU 2)", for tooltips; empty without alerts. */
    public String describe() {
        if (worst == null) {
            return "";
        }
        String state = switch (tone) {
            case MUTED -> worst.state() == AlertState.ACKNOWLEDGED ? "acknowledged" : "silenced";
            default -> worst.state().name().toLowerCase(java.util.Locale.ROOT) + " "
                    + worst.severity().name().toLowerCase(java.util.Locale.ROOT);
        };
        String more = open + muted > 1 ? " (+" + (open + muted - 1) + " more)" : "";
        return state + ": " + worst.ruleId() + " — " + worst.subject() + more;
    }
}
