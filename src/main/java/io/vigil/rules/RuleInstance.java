package io.vigil.rules;

import java.time.Instant;
import java.util.Map;

/**
 * One active (pending or firing) instance of a rule after a tick: the rule, the labels that identify
 * it ({@code identity}, the dedup key with the rule id), every label to show or hand to a playbook
 * ({@code labels}: rule labels, identity and context), a subject for people, its severity and value
 * (NaN for no data), when it started breaching and when it fired (null while pending).
 */
public record RuleInstance(String ruleId, Map<String, String> identity, Map<String, String> labels, String subject,
                           Severity severity, double value, InstancePhase phase, Instant since, Instant firedAt,
                           String metric) {

    public RuleInstance {
        identity = Map.copyOf(identity);
        labels = Map.copyOf(labels);
    }

    /** Rule id and identity labels: two instances with the same key are the same alert. */
    public String dedupKey() {
        return dedupKey(ruleId, identity);
    }

    public static String dedupKey(String ruleId, Map<String, String> identity) {
        return new io.vigil.telemetry.MetricId(ruleId, identity).toString();
    }
}
