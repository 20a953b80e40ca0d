package io.vigil.rules;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One rule from {@code rules.yaml}: what to watch ({@code detector}, {@code selector}), how to turn
 * it into one value per series ({@code reducer} over {@code window}, or a derived condition), when
 * that value is bad ({@code condition} against the warning / critical thresholds, cleared below
 * {@code clear}), for how long ({@code forDuration}, {@code keepFiringFor}), and what to suggest.
 * Immutable.
 *
 * @param selector      the series to watch; null for detectors that need none
 * @param baseline      for drift: how far back the baseline window ends before the current one
 * @param ewmaAlpha     for {@code anomaly_z}: weight of the newest point in the moving mean (0–1)
 */
public record Rule(String id, String description, boolean enabled, DetectorKind detector, Selector selector,
                   Condition condition, Reducer reducer, Duration window, OptionalDouble warning,
                   OptionalDouble critical, OptionalDouble clear, Duration forDuration, Duration keepFiringFor,
                   DataBehaviour noData, DataBehaviour onError, Optional<TimeOfDayWindow> activeHours,
                   Map<String, String> labels, String runbook, String playbook, Duration baseline,
                   double ewmaAlpha) {

    public Rule {
        labels = Map.copyOf(labels);
    }

    /** The highest severity this rule can raise. */
    public Severity topSeverity() {
        return critical.isPresent() ? Severity.CRITICAL : Severity.WARNING;
    }

    /** The severity {@code value} breaches, or null. */
    public Severity severityOf(double value) {
        if (critical.isPresent() && condition.breaches(value, critical.getAsDouble())) {
            return Severity.CRITICAL;
        }
        if (warning.isPresent() && condition.breaches(value, warning.getAsDouble())) {
            return Severity.WARNING;
        }
        return null;
    }

    /** The threshold below (above, for {@code <}) which a firing instance clears. */
    public double clearThreshold() {
        if (clear.isPresent()) {
            return clear.getAsDouble();
        }
        double w = warning.orElse(Double.NaN);
        double c = critical.orElse(Double.NaN);
        if (Double.isNaN(w)) {
            return c;
        }
        if (Double.isNaN(c)) {
            return w;
        }
        return condition.below() ? Math.max(w, c) : Math.min(w, c);
    }
}
