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
 * @param promql        a PromQL expression the rule watches instead of a metric selector, or null; its
 *                      results are published as {@code promql{rule="<id>",…}} series by
 *                      {@link PromQlRuleSource} and {@code selector} then picks those
 * @param fleetPlaybook the playbook suggested for an alert about a fleet node (one with a {@code node}
 *                      label) instead of {@code playbook}, or empty: a process on another machine is
 *                      isolated through Kubernetes, not through a local pid
 */
public record Rule(String id, String description, boolean enabled, DetectorKind detector, Selector selector,
                   Condition condition, Reducer reducer, Duration window, OptionalDouble warning,
                   OptionalDouble critical, OptionalDouble clear, Duration forDuration, Duration keepFiringFor,
                   DataBehaviour noData, DataBehaviour onError, Optional<TimeOfDayWindow> activeHours,
                   Map<String, String> labels, String runbook, String playbook, Duration baseline,
                   double ewmaAlpha, String promql, String fleetPlaybook) {

    /** The series name under which {@link PromQlRuleSource} publishes PromQL rule results. */
    public static final String PROMQL_SERIES = "promql";

    public Rule {
        labels = Map.copyOf(labels);
        fleetPlaybook = fleetPlaybook == null ? "" : fleetPlaybook;
    }

    /** A rule over a metric selector or detector (no PromQL, no fleet playbook). */
    public Rule(String id, String description, boolean enabled, DetectorKind detector, Selector selector,
                Condition condition, Reducer reducer, Duration window, OptionalDouble warning,
                OptionalDouble critical, OptionalDouble clear, Duration forDuration, Duration keepFiringFor,
                DataBehaviour noData, DataBehaviour onError, Optional<TimeOfDayWindow> activeHours,
                Map<String, String> labels, String runbook, String playbook, Duration baseline, double ewmaAlpha) {
        this(id, description, enabled, detector, selector, condition, reducer, window, warning, critical, clear,
                forDuration, keepFiringFor, noData, onError, activeHours, labels, runbook, playbook, baseline, ewmaAlpha,
                null, "");
    }

    /** Whether this rule watches a PromQL expression. */
    public boolean isPromQl() {
        return promql != null;
    }

    /**
     * The playbook to suggest for an alert with {@code labels}: {@link #fleetPlaybook} when the alert is
     * about a fleet node and one is set, else {@link #playbook}.
     */
    public String playbookFor(Map<String, String> labels) {
        return !fleetPlaybook.isEmpty() && labels.containsKey("node") ? fleetPlaybook : playbook;
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
