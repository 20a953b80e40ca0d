package io.vigil.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.vigil.rules.Severity;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhooks against a local HTTP server that records requests and answers queued status codes. */
class WebhookNotifierTest {

    record Received(String path, String contentType, JsonNode body) {
    }

    HttpServer server;
    final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final Deque<Integer> statuses = new ArrayDeque<>();
    final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    final HttpClient client = HttpClient.newHttpClient();

    final Alert alert = new Alert(42, "miner{pid=\"4711\"}", "miner", Severity.CRITICAL, "GPU 2 / pid 4711",
            Map.of("pid", "4711", "gpu", "2"), 3, AlertState.FIRING, Instant.parse("2026-03-02T12:00:00Z"),
            Instant.parse("2026-03-02T12:00:30Z"), Instant.parse("2026-03-02T12:00:30Z"), null, "contain-miner",
            "Suspend it.", "", "miner_signature");

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            received.add(new Received(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Content-Type"),
                    new ObjectMapper().readTree(body)));
            int status;
            synchronized (statuses) {
                status = statuses.isEmpty() ? 200 : statuses.poll();
            }
            byte[] answer = (status == 202 ? "{\"status\":\"success\",\"dedup_key\":\"x\"}" : "ok").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    WebhookNotifier notifier(WebhookTarget t) {
        return new WebhookNotifier(t, client, executor, Map.of("PD_KEY", "R0UT1NGKEY"), 4, Duration.ofMillis(20), "gpu-host-1");
    }

    @Test
    void slackPayloadHasTextAndFields() throws Exception {
        WebhookNotifier n = notifier(new WebhookTarget("chat", "slack", url("/services/T0/B0/secret"), null, null));
        WebhookNotifier.Delivery d = n.deliver(new Notification(Notification.Kind.TRIGGER, alert)).get(10, TimeUnit.SECONDS);
        assertTrue(d.delivered());
        Received r = received.poll(1, TimeUnit.SECONDS);
        assertEquals("/services/T0/B0/secret", r.path());
        assertEquals("application/json", r.contentType());
        assertEquals("[FIRING] critical miner: GPU 2 / pid 4711", r.body().path("text").asText());
        JsonNode att = r.body().path("attachments").get(0);
        assertEquals("#ef5350", att.path("color").asText());
        assertEquals("Suspend it.", att.path("text").asText());
        List<String> titles = new java.util.ArrayList<>();
        att.path("fields").forEach(f -> titles.add(f.path("title").asText() + "=" + f.path("value").asText()));
        assertTrue(titles.containsAll(List.of("Subject=GPU 2 / pid 4711", "Host=gpu-host-1", "pid=4711")), titles.toString());
    }

    @Test
    void whatAProcessControlsReachesAWebhookRedactedAndEscaped() throws Exception {
        Alert hostile = new Alert(7, "k", "miner", Severity.CRITICAL, "pid 4711 xmrig\n[RESOLVED] all clear\u001b[2J",
                Map.of("cmdline", "xmrig --password hunter2 -o stratum+tcp://w:pa55@pool:3333 \u202Eexe.txt",
                        "env", "HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567 PWD=/srv"),
                3, AlertState.FIRING, Instant.EPOCH, Instant.EPOCH, Instant.EPOCH, null, "", "", "", "miner_signature");
        WebhookNotifier n = notifier(new WebhookTarget("chat", "slack", url("/services/T0/B0/x"), null, null));
        assertTrue(n.deliver(new Notification(Notification.Kind.TRIGGER, hostile)).get(10, TimeUnit.SECONDS).delivered());
        JsonNode body = received.poll(1, TimeUnit.SECONDS).body();
        String sent = body.toString();
        StringBuilder texts = new StringBuilder();
        body.findParents("text").forEach(x -> texts.append(x.path("text").asText()).append('|'));
        body.findValues("value").forEach(x -> texts.append(x.asText()).append('|'));
        for (String secret : List.of("hunter2", "pa55", "hf_AbCdEfGh")) {
            assertFalse(sent.contains(secret), secret + " in " + sent);
        }
        assertTrue(sent.contains("xmrig\\\\n[RESOLVED] all clear\\\\x1B[2J"), sent);
        assertTrue(sent.contains("\\\\u{202E}exe.txt") && sent.contains("PWD=/srv"), sent);
        assertTrue(texts.toString().contains("all clear"), texts.toString());
        assertFalse(texts.toString().contains("\n[RESOLVED]") || texts.toString().contains("\u001b")
                || texts.toString().contains("\u202E"), "raw control characters: " + texts);
    }

    @Test
    void pagerDutyTriggersAndResolvesWithOneDedupKey() throws Exception {
        WebhookNotifier n = notifier(new WebhookTarget("pd", "pagerduty", url("/v2/enqueue"), "env:PD_KEY", "critical"));
        synchronized (statuses) {
            statuses.add(202);
            statuses.add(202);
        }
        assertTrue(n.deliver(new Notification(Notification.Kind.TRIGGER, alert)).get(10, TimeUnit.SECONDS).delivered());
        assertTrue(n.deliver(new Notification(Notification.Kind.RESOLVE, alert)).get(10, TimeUnit.SECONDS).delivered());
        JsonNode trigger = received.poll(1, TimeUnit.SECONDS).body();
        JsonNode resolve = received.poll(1, TimeUnit.SECONDS).body();
        assertEquals("R0UT1NGKEY", trigger.path("routing_key").asText());
        assertEquals("trigger", trigger.path("event_action").asText());
        assertEquals("critical", trigger.path("payload").path("severity").asText());
        assertEquals("gpu-host-1", trigger.path("payload").path("source").asText());
        assertEquals("2026-03-02T12:00:30Z", trigger.path("payload").path("timestamp").asText());
        assertEquals("4711", trigger.path("payload").path("custom_details").path("pid").asText());
        assertEquals("resolve", resolve.path("event_action").asText());
        assertEquals(trigger.path("dedup_key").asText(), resolve.path("dedup_key").asText());
        assertEquals("vigil:gpu-host-1:miner{pid=\"4711\"}", resolve.path("dedup_key").asText());
        assertTrue(resolve.path("payload").isMissingNode(), "a resolve carries no payload");
        assertFalse(n.accepts(new Notification(Notification.Kind.TRIGGER,
                new Alert(1, "k", "r", Severity.WARNING, "s", Map.of(), 1, AlertState.FIRING, Instant.EPOCH, null,
                        Instant.EPOCH, null, "", "", "", "x"))), "below the target's minimum severity");
    }

    @Test
    void serverErrorsAreRetriedWithBackoffButClientErrorsAreNot() throws Exception {
        WebhookNotifier n = notifier(new WebhookTarget("chat", "slack", url("/hook"), null, null));
        synchronized (statuses) {
            statuses.addAll(List.of(500, 503, 200));
        }
        WebhookNotifier.Delivery d = n.deliver(new Notification(Notification.Kind.TRIGGER, alert)).get(10, TimeUnit.SECONDS);
        assertTrue(d.delivered());
        assertEquals(3, d.attempts());
        assertEquals(3, received.size());

        received.clear();
        synchronized (statuses) {
            statuses.addAll(List.of(500, 500, 500, 500, 500));
        }
        d = n.deliver(new Notification(Notification.Kind.TRIGGER, alert)).get(10, TimeUnit.SECONDS);
        assertFalse(d.delivered());
        assertEquals(4, d.attempts(), "gives up after the configured attempts");
        assertEquals(500, d.status());
        synchronized (statuses) {
            statuses.clear();
            statuses.add(400);
        }
        received.clear();
        d = n.deliver(new Notification(Notification.Kind.TRIGGER, alert)).get(10, TimeUnit.SECONDS);
        assertEquals(1, d.attempts(), "a 400 is not retried");
        assertEquals(1, received.size());
    }

    @Test
    void webhookUrlsAreRedacted() {
        WebhookTarget t = new WebhookTarget("chat", "slack", "https://hooks.slack.com/services/T000/B000/XXXXSECRET", null, null);
        assertEquals("https://hooks.slack.com/…", t.redactedUrl());
        assertFalse(t.toString().contains("SECRET"));
        WebhookTarget bad = new WebhookTarget("chat", "slack", "https://hooks.example.com/a b/SECRET", null, null);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> bad.uri(Map.of()));
        assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
    }
}
