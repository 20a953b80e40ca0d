package io.vigil.alerts;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.vigil.rules.Severity;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * One webhook from the {@code alerts.webhooks} settings: {@code type} "slack" (Slack-compatible JSON,
 * also accepted by Mattermost, Rocket.Chat, Teams' Slack connector) or "pagerduty" (Events API v2).
 * {@code url} and {@code routingKey} are secrets: {@link #redactedUrl()} is what may be logged. A
 * value of the form {@code env:NAME} is read from the environment variable NAME, so the settings
 * file need not hold the secret.
 */
public record WebhookTarget(@JsonProperty("name") String name, @JsonProperty("type") String type,
                            @JsonProperty("url") String url, @JsonProperty("routingKey") String routingKey,
                            @JsonProperty("minSeverity") String minSeverity) {

    public static final String PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

    public WebhookTarget {
        name = name == null || name.isBlank() ? "webhook" : name;
        type = type == null || type.isBlank() ? "slack" : type.toLowerCase(Locale.ROOT);
        if (!type.equals("slack") && !type.equals("pagerduty")) {
            throw new IllegalArgumentException("alerts.webhooks " + name + ": type must be slack or pagerduty, was " + type);
        }
        if ((url == null || url.isBlank()) && type.equals("pagerduty")) {
            url = PAGERDUTY_EVENTS_URL;
        }
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("alerts.webhooks " + name + ": url is required");
        }
        minSeverity = minSeverity == null || minSeverity.isBlank() ? "WARNING" : minSeverity.toUpperCase(Locale.ROOT);
        Severity.valueOf(minSeverity);
    }

    public boolean pagerDuty() {
        return type.equals("pagerduty");
    }

    public Severity minimum() {
        return Severity.valueOf(minSeverity);
    }

    /** The URL with {@code env:} resolved. */
    public URI uri(Map<String, String> env) {
        String resolved = resolve(url, env);
        try {
            return URI.create(resolved);
        } catch (IllegalArgumentException e) {
            // URI's own message repeats the whole URL, token included: say which webhook instead.
            throw new IllegalArgumentException("webhook " + name + ": the URL is not a valid URI");
        }
    }

    public String routingKey(Map<String, String> env) {
        return routingKey == null ? "" : resolve(routingKey, env);
    }

    private static String resolve(String v, Map<String, String> env) {
        if (v.startsWith("env:")) {
            String r = env.get(v.substring(4));
            if (r == null) {
                throw new IllegalArgumentException("environment variable " + v.substring(4) + " is not set");
            }
            return r;
        }
        return v;
    }

    /** Scheme and host only: webhook paths and query strings carry tokens. */
    public String redactedUrl() {
        if (url.startsWith("env:")) {
            return url;
        }
        try {
            URI u = URI.create(url);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + "/…";
        } catch (IllegalArgumentException e) {
            return "(unparsable URL)";
        }
    }

    @Override
    public String toString() {
        return "WebhookTarget[" + name + ", " + type + ", " + redactedUrl() + "]";
    }
}
