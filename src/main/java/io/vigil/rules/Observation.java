package io.vigil.rules;

import java.util.Map;

/**
 * One value a rule produced for one subject this tick. {@code identity} labels tell instances apart
 * (dedup key with the rule id); {@code context} labels travel with the alert (e.g. the pid to hand to
 * a playbook) without splitting it. {@code value} is NaN when there was no data. {@code metric} is the
 * series to chart, or empty.
 */
public record Observation(Map<String, String> identity, Map<String, String> context, String subject, double value,
                          String metric) {

    public Observation {
        identity = Map.copyOf(identity);
        context = Map.copyOf(context);
    }
}
