package io.vigil.alerts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/** The {@code alerts:} section of {@code settings.yaml}. */
public record AlertSettings(@JsonProperty("webhooks") List<WebhookTarget> webhooks,
                            @JsonProperty("repeatIntervalMinutes") double repeatIntervalMinutes,
                            @JsonProperty("sound") boolean sound,
                            @JsonProperty("desktopNotifications") boolean desktopNotifications) {

    public AlertSettings {
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
        if (repeatIntervalMinutes < 0) {
            throw new IllegalArgumentException("alerts.repeatIntervalMinutes must be 0 (never) or more, was "
                    + repeatIntervalMinutes);
        }
    }

    /** Zero means: do not repeat. */
    public Duration repeatInterval() {
        return Duration.ofMillis((long) (repeatIntervalMinutes * 60_000));
    }
}
