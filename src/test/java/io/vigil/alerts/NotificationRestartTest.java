package io.vigil.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.vigil.rules.Evaluation;
import io.vigil.rules.InstancePhase;
import io.vigil.rules.Rule;
import io.vigil.rules.RuleFile;
import io.vigil.rules.RuleInstance;
import io.vigil.rules.Severity;
import io.vigil.store.Database;
import io.vigil.telemetry.ManualClock;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notification state survives a restart: an alert that paged before Vigil restarted is resolved on
 * PagerDuty when it clears afterwards, and a restored firing alert keeps being repeated. Against a
 * local HTTP server speaking PagerDuty Events v2 (202 with a dedup key).
 */
class NotificationRestartTest {

    @TempDir
    Path dir;

    HttpServer server;
    final LinkedBlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T12:00:00Z"));
    final Rule rule;

    NotificationRestartTest() throws Exception {
        rule = new RuleFile().parse("t", """
                rules:
                  - id: miner
                    detector: miner_signature
                    critical: 2
                """).getFirst();
    }

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v2/enqueue", ex -> {
            events.add(new ObjectMapper().readTree(ex.getRequestBody().readAllBytes()));
            byte[] answer = "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"k\"}"
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(202, answer.length);
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

    /** One run of Vigil's alerting on the database file: manager, dispatcher with its stored state, PagerDuty. */
    record Run(Database db, AlertManager alerts, NotificationDispatcher dispatcher) implements AutoCloseable {
        @Override
        public void close() {
            db.close();
        }
    }

    Run run() throws Exception {
        Database db = Database.open(dir.resolve("vigil.db"));
        AlertManager alerts = new AlertManager(db, clock, id -> Optional.of(rule), Duration.ZERO);
        NotificationDispatcher dispatcher = new NotificationDispatcher(clock, Duration.ofMinutes(60), new NotificationLog(db));
        dispatcher.addNotifier(new WebhookNotifier(new WebhookTarget("pd", "pagerduty",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/v2/enqueue", "env:PD_KEY", "warning"),
                HttpClient.newHttpClient(), executor, Map.of("PD_KEY", "R0UT1NGKEY"), 2, Duration.ofMillis(20), "gpu-host-1"));
        alerts.addListener(dispatcher);
        return new Run(db, alerts, dispatcher);
    }

    Evaluation firing(String pid) {
        return new Evaluation(clock.instant(), List.of(new RuleInstance("miner", Map.of("pid", pid), Map.of("pid", pid),
                "pid " + pid, Severity.CRITICAL, 3, InstancePhase.FIRING, clock.instant(), clock.instant(), "")), Map.of());
    }

    JsonNode next() throws InterruptedException {
        JsonNode e = events.poll(10, TimeUnit.SECONDS);
        assertNotNull(e, "PagerDuty received an event within 10 s");
        return e;
    }

    @Test
    void anAlertThatPagedBeforeARestartIsResolvedOnPagerDutyAfterIt() throws Exception {
        String dedupKey;
        try (Run first = run()) {
            first.alerts().reconcile(firing("4711"));
            JsonNode trigger = next();
            assertEquals("trigger", trigger.path("event_action").asText());
            dedupKey = trigger.path("dedup_key").asText();
        }
        clock.advance(Duration.ofMinutes(5));
        try (Run second = run()) {
            second.alerts().reconcile(new Evaluation(clock.instant(), List.of(), Map.of())); // the condition cleared
            JsonNode resolve = next();
            assertEquals("resolve", resolve.path("event_action").asText());
            assertEquals(dedupKey, resolve.path("dedup_key").asText(), "the incident PagerDuty opened is the one resolved");
        }
        try (Run third = run()) {
            clock.advance(Duration.ofHours(2));
            third.dispatcher().tick(third.alerts().open());
            assertEquals(null, events.poll(200, TimeUnit.MILLISECONDS), "a resolved alert is forgotten, not repeated");
        }
    }

    @Test
    void aRestoredFiringAlertIsRepeated() throws Exception {
        try (Run first = run()) {
            first.alerts().reconcile(firing("4711"));
            assertEquals("trigger", next().path("event_action").asText());
        }
        try (Run second = run()) {
            clock.advance(Duration.ofMinutes(30));
            second.dispatcher().tick(second.alerts().open());
            assertEquals(null, events.poll(200, TimeUnit.MILLISECONDS), "not before the repeat interval");
            clock.advance(Duration.ofMinutes(31));
            second.dispatcher().tick(second.alerts().open());
            assertEquals("trigger", next().path("event_action").asText(), "the repeat goes out after the restart");
        }
    }
}
