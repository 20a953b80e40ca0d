package io.vigil.rules;

/**
 * How a rule compares its value with its thresholds. The plain comparisons use the reduced value;
 * {@link #RATE_OF_CHANGE} uses the change per second over the window; {@link #ANOMALY_Z} uses the
 * absolute EWMA z-score of the newest point. Both derived ones fire when the value is above the
 * threshold.
 */
public enum Condition {
    GT(">"), GE(">="), LT("<"), LE("<="), RATE_OF_CHANGE("rate_of_change"), ANOMALY_Z("anomaly_z");

    private final String symbol;

    Condition(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    /** True for the conditions that fire when the value is low. */
    public boolean below() {
        return this == LT || this == LE;
    }

    /** Whether {@code value} breaches {@code threshold}. */
    public boolean breaches(double value, double threshold) {
        return switch (this) {
            case GT, RATE_OF_CHANGE, ANOMALY_Z -> value > threshold;
            case GE -> value >= threshold;
            case LT -> value < threshold;
            case LE -> value <= threshold;
        };
    }

    /** Whether a firing instance is still held by the clear threshold (hysteresis). */
    public boolean holds(double value, double clear) {
        return below() ? value < clear : value > clear;
    }

    public static Condition parse(String text) {
        for (Condition c : values()) {
            if (c.symbol.equals(text)) {
                return c;
            }
        }
        return null;
    }
}
