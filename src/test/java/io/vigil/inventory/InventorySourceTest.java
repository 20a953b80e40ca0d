package io.vigil.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vigil.host.HostSnapshot;
import io.vigil.host.ListeningPort;
import io.vigil.host.ProcessInfo;
import io.vigil.store.Database;
import io.vigil.telemetry.HealthState;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.ManualClock;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inventory source end to end: a real notebook-like server, the fake docker, a real database. */
class InventorySourceTest {

    @TempDir
    Path dir;

    private HttpServer notebook;
    private Database database;
    private InventorySource source;
    private final ManualClock clock = new ManualClock(Instant.now());
    private volatile HostSnapshot host = HostSnapshot.EMPTY;

    @BeforeEach
    void setUp() throws Exception {
        notebook = HttpServer.create(new InetSocketAddress("0.0.0.0", 0), 0);
        notebook.createContext("/api/status", ex -> {
            byte[] body = "{\"started\": \"2026-11-22T01:00:00Z\", \"kernels\": 2}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        notebook.start();
        database = Database.open(dir.resolve("vigil.db"));
        InventorySettings settings = InventorySettings.defaults();
        WorkloadCatalog catalog = WorkloadCatalog.builtin();
        BaselineManager manager = new BaselineManager(new BaselineStore(database), new FileHasher(RateLimiter.unlimited()),
                2, clock);
        Path dockerDir = Files.createDirectories(dir.resolve("bin"));
        Supplier<HostSnapshot> hostSupplier = () -> host;
        source = new InventorySource(hostSupplier, catalog, new WorkloadClassifier(catalog, new ProcMaps(dir.resolve("proc"))),
                new ServiceProber(Duration.ofSeconds(2)), new DockerReader(FakeDocker.recorded(dockerDir).toString(),
                Duration.ofSeconds(10)), Optional.of(manager), "", new ModelFileScanner(10_000), List.of(), settings, clock);
    }

    @AfterEach
    void tearDown() {
        source.close();
        database.close();
        notebook.stop(0);
    }

    private static Map<String, Double> byId(PollResult r) {
        return r.samples().stream().collect(Collectors.toMap(s -> s.metric().toString(), Sample::value));
    }

    @Test
    void openNotebookOnAllInterfacesIsCriticalAndPublished() throws Exception {
        int port = notebook.getAddress().getPort();
        host = new HostSnapshot(clock.millis(), List.of(
                new ProcessInfo(4711, 1, "jupyter-lab", "alice", "/usr/bin/python3 /usr/local/bin/jupyter-lab --ip=0.0.0.0",
                        0, 0, clock.millis() - 3_600_000)),
                List.of(new ListeningPort("tcp4", "0.0.0.0", port, 4711)), List.of());

        PollResult r = source.poll(clock.instant());

        InventorySnapshot s = source.latest();
        assertEquals(1, s.workloads().size());
        ExposedService svc = s.services().getFirst();
        assertEquals("jupyter", svc.service(), "a port owned by a Jupyter process is Jupyter whatever its number");
        assertEquals(ProbeOutcome.OPEN, svc.probe().outcome(), svc.probe().detail());
        assertEquals(Severity.CRITICAL, svc.severity());
        Map<String, Double> samples = byId(r);
        assertEquals(1.0, samples.get(MetricId.of(InventoryMetrics.UNAUTHENTICATED_SERVICE, "port", Integer.toString(port),
                "service", "jupyter", "bind", "all").toString()), samples.toString());
        assertEquals(6.0, samples.get("inventory.risky_container{container=\"trainer-notebook\"}"));
        assertEquals(0.0, samples.get("inventory.risky_container{container=\"vllm\"}"));
        assertEquals(HealthState.OK, r.health().state(), r.health().toString());
    }

    @Test
    void driftIsPublishedAfterTheScheduledVerify() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.write(models.resolve("model.safetensors"), new byte[] {1, 2, 3});
        source.addBaseline(models).get(30, TimeUnit.SECONDS);
        Files.write(models.resolve("model.safetensors"), new byte[] {1, 2, 4});

        PollResult first = source.poll(clock.instant());
        assertFalse(first.samples().stream().anyMatch(s -> s.metric().name().equals(InventoryMetrics.INTEGRITY_DRIFT)),
                "no drift figure before the first verify");
        assertTrue(source.latest().recentModelFiles().stream().anyMatch(f -> f.path().endsWith("model.safetensors")),
                "baseline folders are searched for recently modified model files");

        clock.advance(InventorySettings.defaults().verifyPeriod().plusSeconds(1));
        source.poll(clock.instant()); // due: starts the verify in the background
        List<VerifyReport> reports = source.verifyNow().get(30, TimeUnit.SECONDS); // joins the run under way
        assertEquals(1, reports.getFirst().drift().size());

        PollResult after = source.poll(clock.instant());
        assertEquals(1.0, byId(after).get(MetricId.of(InventoryMetrics.INTEGRITY_DRIFT, "path",
                models.toAbsolutePath().toString()).toString()), byId(after).toString());
        assertEquals(1, source.latest().driftCount());
    }

    @Test
    void withoutADatabaseIntegrityIsUnavailableWithTheReason() {
        WorkloadCatalog catalog = WorkloadCatalog.builtin();
        InventorySource noDb = new InventorySource(() -> HostSnapshot.EMPTY, catalog,
                new WorkloadClassifier(catalog, new ProcMaps(dir)), new ServiceProber(Duration.ofMillis(200)),
                new DockerReader(dir.resolve("missing-docker").toString(), Duration.ofSeconds(2)), Optional.empty(),
                "the database is not open", new ModelFileScanner(100), List.of(), InventorySettings.defaults(), clock);
        try {
            noDb.poll(clock.instant());
            assertEquals(Optional.of("the database is not open"), noDb.latest().integrityUnavailable());
            assertFalse(noDb.latest().docker().available());
        } finally {
            noDb.close();
        }
    }
}
