package io.vigil.alerts;

import io.vigil.rules.Severity;
import io.vigil.text.SafeText;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One alert: raised by rule {@code ruleId} for the instance {@code dedupKey} (rule + identity labels),
 * about {@code subject} (e.g. "GPU 2 / pid 4711"). {@code value} is the rule's latest value (NaN for
 * no data). {@code since} is when it started breaching; {@code silencedUntil} is null unless silenced.
 * {@code source} groups alerts for filtering (the metric's first name segment or the detector).
 * {@code subject} and label values are kept as shown text: secrets redacted and control characters and
 * bidirectional overrides escaped ({@link SafeText}). Immutable; the {@link AlertManager} replaces it on
 * every change.
 */
public record Alert(long id, String dedupKey, String ruleId, Severity severity, String subject,
                    Map<String, String> labels, double value, AlertState state, Instant since, Instant firedAt,
                    Instant updated, Instant silencedUntil, String playbook, String runbook, String metric,
                    String source) {

    public Alert {
        // Subjects and labels carry process names and command lines (attacker input) to every view, the
        // CLI, exports, notifications and webhooks: keep them redacted and escaped from here on (idempotent).
        subject = SafeText.of(subject);
        Map<String, String> shown = new LinkedHashMap<>();
        labels.forEach((k, v) -> shown.put(SafeText.of(k), SafeText.of(v)));
        labels = Collections.unmodifiableMap(shown);
    }

    public boolean silenced(Instant now) {
        return silencedUntil != null && silencedUntil.isAfter(now);
    }

    Alert with(AlertState newState, Instant at) {
        return new Alert(id, dedupKey, ruleId, severity, subject, labels, value, newState, since,
                newState == AlertState.FIRING && firedAt == null ? at : firedAt, at, silencedUntil, playbook, runbook,
                metric, source);
    }

    Alert withSilence(Instant until, Instant at) {
        return new Alert(id, dedupKey, ruleId, severity, subject, labels, value, state, since, firedAt, at, until,
                playbook, runbook, metric, source);
    }

    Alert withValue(Severity sev, double v, String subj, Map<String, String> lbls) {
        return new Alert(id, dedupKey, ruleId, sev, subj, lbls, v, state, since, firedAt, updated, silencedUntil,
                playbook, runbook, metric, source);
    }
}
