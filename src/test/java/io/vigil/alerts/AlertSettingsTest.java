package io.vigil.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.app.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code alerts:} settings section: defaults, webhooks, bad values. */
class AlertSettingsTest {

    @TempDir
    Path dir;

    @Test
    void defaultsHaveNoWebhooksAndAnHourlyRepeat() {
        AlertSettings s = Settings.defaults().section("alerts", AlertSettings.class);
        assertTrue(s.webhooks().isEmpty());
        assertEquals(Duration.ofHours(1), s.repeatInterval());
        assertTrue(s.desktopNotifications());
        assertFalse(s.sound());
    }

    @Test
    void webhooksBindFromTheFile() throws Exception {
        Path file = dir.resolve("settings.yaml");
        Files.writeString(file, """
                alerts:
                  repeatIntervalMinutes: 15
                  sound: true
                  webhooks:
                    - name: chat
                      type: slack
                      url: https://hooks.slack.com/services/T0/B0/SECRET
                    - name: pd
                      type: pagerduty
                      routingKey: env:PD_KEY
                      minSeverity: critical
                """);
        Settings settings = Settings.load(file, Map.of(), Map.of());
        assertTrue(settings.problems().isEmpty(), settings.problems().toString());
        AlertSettings s = settings.section("alerts", AlertSettings.class);
        assertEquals(Duration.ofMinutes(15), s.repeatInterval());
        assertTrue(s.sound());
        assertEquals(2, s.webhooks().size());
        assertEquals("https://hooks.slack.com/…", s.webhooks().get(0).redactedUrl());
        assertEquals(WebhookTarget.PAGERDUTY_EVENTS_URL, s.webhooks().get(1).url(), "PagerDuty's endpoint by default");
        assertEquals("CRITICAL", s.webhooks().get(1).minSeverity());
        assertEquals("k3y", s.webhooks().get(1).routingKey(Map.of("PD_KEY", "k3y")));
    }

    @Test
    void aBadWebhookTypeIsAClearError() throws Exception {
        Path file = dir.resolve("settings.yaml");
        Files.writeString(file, "alerts:\n  webhooks:\n    - name: x\n      type: teams\n      url: https://example.com/h\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.load(file, Map.of(), Map.of()).section("alerts", AlertSettings.class));
        assertTrue(e.getMessage().contains("type must be slack or pagerduty, was teams"), e.getMessage());
    }
}
