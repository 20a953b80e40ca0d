package io.vigil.playbook;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code audit:} section of {@code settings.yaml}: how many audit entries between anchors (an
 * anchor is also written at the end of every run), and whether each anchor is also posted to the
 * Slack-compatible webhooks of {@code alerts.webhooks}, so a copy of the chain's head leaves the
 * machine. Immutable.
 */
public record AuditSettings(int anchorEvery, boolean anchorToWebhooks) {

    @JsonCreator
    public AuditSettings(@JsonProperty("anchorEvery") Integer anchorEvery,
                         @JsonProperty("anchorToWebhooks") Boolean anchorToWebhooks) {
        this(anchorEvery == null ? 100 : anchorEvery, anchorToWebhooks != null && anchorToWebhooks);
    }

    public AuditSettings {
        if (anchorEvery < 1 || anchorEvery > 1_000_000) {
            throw new IllegalArgumentException("audit.anchorEvery must be between 1 and 1000000, was " + anchorEvery);
        }
    }
}
