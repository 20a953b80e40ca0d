package io.vigil.rules;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The outcome of one tick: every active instance, and each rule's status. Immutable. */
public record Evaluation(Instant at, List<RuleInstance> active, Map<String, RuleStatus> statuses) {

    public Evaluation {
        active = List.copyOf(active);
        statuses = Map.copyOf(statuses);
    }
}
