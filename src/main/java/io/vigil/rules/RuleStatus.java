package io.vigil.rules;

import java.time.Instant;

/**
 * How a rule did at its last evaluation, for the Rules view: its state ("ok", "pending", "firing",
 * "no data", "error", "disabled", "inactive hours"), when it last fired, and the last error.
 */
public record RuleStatus(String ruleId, String state, Instant lastFired, String lastError) {
}
