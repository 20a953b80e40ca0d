package io.vigil.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.rules.Severity;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts alerts to one webhook with {@code java.net.http}: Slack-compatible JSON ({@code text} and an
 * attachment with the fields), or PagerDuty Events API v2 ({@code routing_key}, {@code event_action}
 * trigger/resolve, {@code dedup_key} = the alert's rule and labels, so PagerDuty folds repeats into
 * one incident and a resolve closes it). Server errors (5xx), 429 and I/O failures are retried with
 * doubling back-off; other 4xx are not (the request is wrong, repeating will not help).
 *
 * <p>Thread-safe; sending happens on the given executor, never on the caller's thread. The URL is
 * only ever logged redacted.
 */
public final class WebhookNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookTarget target;
    private final HttpClient client;
    private final Executor executor;
    private final Map<String, String> env;
    private final int attempts;
    private final Duration firstBackoff;
    private final String hostName;

    /** The outcome of one delivery: the last HTTP status (0 for none) and the attempts made. */
    public record Delivery(int status, int attempts, boolean delivered) {
    }

    public WebhookNotifier(WebhookTarget target, HttpClient client, Executor executor, Map<String, String> env,
                           int attempts, Duration firstBackoff, String hostName) {
        this.target = target;
        this.client = client;
        this.executor = executor;
        this.env = env;
        this.attempts = attempts;
        this.firstBackoff = firstBackoff;
        this.hostName = hostName;
    }

    @Override
    public boolean accepts(Notification n) {
        return n.alert().severity().compareTo(target.minimum()) >= 0;
    }

    @Override
    public void send(Notification n) {
        deliver(n);
    }

    /** Sends {@code n} in the background; the future completes after the last attempt. */
    public CompletableFuture<Delivery> deliver(Notification n) {
        return CompletableFuture.supplyAsync(() -> post(n), executor);
    }

    /**
     * Sends a plain message ({@code {"text": …}}) in the background, for Slack-compatible targets
     * only (a PagerDuty event would open an incident); used to keep audit anchors off this machine.
     * The future completes after the last attempt; not delivered (0 attempts) for PagerDuty targets.
     */
    public CompletableFuture<Delivery> deliverText(String text) {
        if (target.pagerDuty()) {
            return CompletableFuture.completedFuture(new Delivery(0, 0, false));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return postBody(JSON.writeValueAsBytes(JSON.createObjectNode().put("text", text)));
            } catch (IOException e) {
                return new Delivery(0, 0, false);
            }
        }, executor);
    }

    private Delivery post(Notification n) {
        try {
            return postBody(JSON.writeValueAsBytes(target.pagerDuty() ? pagerDuty(n) : slack(n)));
        } catch (IOException e) {
            LOG.warn("Webhook {} ({}) not sent: {}", target.name(), target.redactedUrl(), e.getMessage());
            return new Delivery(0, 0, false);
        }
    }

    private Delivery postBody(byte[] body) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(target.uri(env)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        } catch (IllegalArgumentException e) {
            LOG.warn("Webhook {} ({}) not sent: {}", target.name(), target.redactedUrl(), e.getMessage());
            return new Delivery(0, 0, false);
        }
        Duration backoff = firstBackoff;
        int status = 0;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                HttpResponse<String> resp = client.send(request, HttpResponse.BodyHandlers.ofString());
                status = resp.statusCode();
                if (status / 100 == 2) {
                    return new Delivery(status, attempt, true);
                }
                if (status / 100 == 4 && status != 429) {
                    LOG.warn("Webhook {} ({}) refused the alert: HTTP {} {}", target.name(), target.redactedUrl(),
                            status, abbreviate(resp.body()));
                    return new Delivery(status, attempt, false);
                }
                LOG.info("Webhook {} ({}) answered HTTP {} (attempt {}/{})", target.name(), target.redactedUrl(),
                        status, attempt, attempts);
            } catch (IOException e) {
                LOG.info("Webhook {} ({}) failed: {} (attempt {}/{})", target.name(), target.redactedUrl(),
                        e.getMessage(), attempt, attempts);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Delivery(status, attempt, false);
            }
            if (attempt < attempts) {
                try {
                    // Real waiting between attempts, on the sender's own thread, not the caller's.
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Delivery(status, attempt, false);
                }
                backoff = backoff.multipliedBy(2);
            }
        }
        LOG.warn("Webhook {} ({}) gave up after {} attempts", target.name(), target.redactedUrl(), attempts);
        return new Delivery(status, attempts, false);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    static String headline(Notification n) {
        Alert a = n.alert();
        String what = switch (n.kind()) {
            case TRIGGER -> "FIRING";
            case REPEAT -> "STILL FIRING";
            case RESOLVE -> "RESOLVED";
        };
        return "[" + what + "] " + a.severity().name().toLowerCase(Locale.ROOT) + " " + a.ruleId() + ": " + a.subject();
    }

    ObjectNode slack(Notification n) {
        Alert a = n.alert();
        ObjectNode root = JSON.createObjectNode();
        root.put("text", headline(n));
        ArrayNode attachments = root.putArray("attachments");
        ObjectNode att = attachments.addObject();
        att.put("color", n.kind() == Notification.Kind.RESOLVE ? "#66bb6a"
                : a.severity() == Severity.CRITICAL ? "#ef5350" : "#ffb74d");
        att.put("title", a.ruleId());
        att.put("text", a.runbook());
        ArrayNode fields = att.putArray("fields");
        field(fields, "Subject", a.subject());
        field(fields, "Severity", a.severity().name());
        field(fields, "Value", AlertManager.format(a.value()));
        field(fields, "Host", hostName);
        a.labels().forEach((k, v) -> field(fields, k, v));
        att.put("ts", a.since().getEpochSecond());
        return root;
    }

    private static void field(ArrayNode fields, String title, String value) {
        ObjectNode f = fields.addObject();
        f.put("title", title);
        f.put("value", value);
        f.put("short", true);
    }

    ObjectNode pagerDuty(Notification n) {
        Alert a = n.alert();
        ObjectNode root = JSON.createObjectNode();
        root.put("routing_key", target.routingKey(env));
        root.put("event_action", n.kind() == Notification.Kind.RESOLVE ? "resolve" : "trigger");
        root.put("dedup_key", "vigil:" + hostName + ":" + a.dedupKey());
        if (n.kind() != Notification.Kind.RESOLVE) {
            ObjectNode payload = root.putObject("payload");
            payload.put("summary", abbreviate(headline(n)));
            payload.put("source", hostName);
            payload.put("severity", switch (a.severity()) {
                case CRITICAL -> "critical";
                case WARNING -> "warning";
                case INFO -> "info";
            });
            payload.put("timestamp", (a.firedAt() == null ? a.since() : a.firedAt()).toString());
            payload.put("component", a.subject());
            payload.put("class", a.ruleId());
            ObjectNode details = payload.putObject("custom_details");
            a.labels().forEach(details::put);
            details.put("value", AlertManager.format(a.value()));
            details.put("runbook", a.runbook());
        }
        return root;
    }

    public WebhookTarget target() {
        return target;
    }
}
