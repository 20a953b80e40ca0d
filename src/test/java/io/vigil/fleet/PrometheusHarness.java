package io.vigil.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real Prometheus for tests: Debian's {@code prometheus} binary started on a free loopback port
 * with a temporary config and storage, scraping every second the targets given (usually
 * {@link FakeExporter}s). Closing it kills the process and deletes its folder (a JVM shutdown hook
 * does both, should a test run end abruptly).
 *
 * <p>Without the binary it fails the test with a message saying how to install it; it never skips.
 *
 * <pre>{@code
 * try (var prom = PrometheusHarness.start(List.of(PrometheusHarness.job("dcgm", List.of(exporter.target()))))) {
 *     prom.awaitTargetsUp(1);
 *     ... prom.url() ...
 * }
 * }</pre>
 */
public final class PrometheusHarness implements AutoCloseable {

    /** Waits are generous: CI machines are loaded and Prometheus takes seconds to start. */
    public static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One scrape job: static targets ({@code host:port}), labels added to them, honor_labels. */
    public record Job(String name, List<String> targets, Map<String, String> labels, boolean honorLabels,
                      String scrapeInterval) {
        public Job {
            targets = List.copyOf(targets);
            labels = Map.copyOf(labels);
        }
    }

    public static Job job(String name, List<String> targets) {
        return new Job(name, targets, Map.of(), false, "1s");
    }

    private final Process process;
    private final Path dir;
    private final URI url;
    private final String basicAuth;
    private final HttpClient http;
    private final Thread shutdownHook;

    private PrometheusHarness(Process process, Path dir, URI url, String basicAuth, HttpClient http) {
        this.process = process;
        this.dir = dir;
        this.url = url;
        this.basicAuth = basicAuth;
        this.http = http;
        this.shutdownHook = new Thread(() -> { // a test run ended abruptly: leave no process or folder behind
            process.destroyForcibly();
            try {
                process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteTree(dir);
        }, "prometheus-harness-kill");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The {@code prometheus} binary, or a test failure that says how to install it. */
    public static Path binary() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                if (!d.isEmpty()) {
                    candidates.add(Path.of(d, "prometheus"));
                }
            }
        }
        candidates.add(Path.of("/usr/bin/prometheus"));
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError("The fleet tests need a real Prometheus and found no 'prometheus' binary on the PATH"
                + " or at /usr/bin/prometheus. Install it: sudo apt-get install prometheus (Debian/Ubuntu; .ci/run does this)");
    }

    /** Starts Prometheus scraping {@code jobs}, without auth. */
    public static PrometheusHarness start(List<Job> jobs) {
        return start(jobs, null, null, null);
    }

    /**
     * Starts Prometheus. {@code webConfig} (may be null) is the content of its {@code --web.config.file}
     * (basic_auth_users, tls_server_config); then {@code user}/{@code password} are what the harness
     * itself uses to wait for readiness and targets.
     */
    public static PrometheusHarness start(List<Job> jobs, String webConfig, String user, String password) {
        String auth = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return launch(jobs, webConfig, auth, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), "http");
    }

    /**
     * Starts Prometheus serving https with {@code webConfig}'s {@code tls_server_config}; the harness
     * trusts {@code caFile} and presents {@code certFile}/{@code keyFile} (PEM) itself.
     */
    public static PrometheusHarness startTls(List<Job> jobs, String webConfig, Path caFile, Path certFile, Path keyFile) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .sslContext(io.vigil.fleet.prometheus.TlsContexts.create(caFile, certFile, keyFile, "test harness")).build();
        return launch(jobs, webConfig, null, http, "https");
    }

    private static PrometheusHarness launch(List<Job> jobs, String webConfig, String auth, HttpClient http, String scheme) {
        Path bin = binary();
        Path dir;
        try {
            dir = Files.createTempDirectory("vigil-prometheus-");
            Files.writeString(dir.resolve("prometheus.yml"), config(jobs));
            if (webConfig != null) {
                Files.writeString(dir.resolve("web.yml"), webConfig);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AssertionError last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port may be taken between probe and bind
            int port = freePort();
            List<String> cmd = new ArrayList<>(List.of(bin.toString(),
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn"));
            if (webConfig != null) {
                cmd.add("--web.config.file=" + dir.resolve("web.yml"));
            }
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("prometheus-" + attempt + ".log").toFile()).start();
            } catch (IOException e) {
                deleteTree(dir);
                throw new AssertionError("cannot start " + bin + ": " + e.getMessage(), e);
            }
            URI url = URI.create(scheme + "://127.0.0.1:" + port);
            PrometheusHarness h = new PrometheusHarness(p, dir, url, auth, http);
            try {
                h.awaitReady();
                return h;
            } catch (AssertionError e) {
                last = e;
                h.close(false);
            }
        }
        deleteTree(dir);
        throw last;
    }

    static String config(List<Job> jobs) {
        StringBuilder y = new StringBuilder("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
                + "scrape_configs:\n");
        for (Job j : jobs) {
            y.append("  - job_name: '").append(j.name()).append("'\n");
            y.append("    scrape_interval: ").append(j.scrapeInterval()).append('\n');
            y.append("    scrape_timeout: ").append(j.scrapeInterval()).append('\n');
            if (j.honorLabels()) {
                y.append("    honor_labels: true\n");
            }
            y.append("    static_configs:\n      - targets: [");
            y.append(String.join(", ", j.targets().stream().map(t -> "'" + t + "'").toList())).append("]\n");
            if (!j.labels().isEmpty()) {
                y.append("        labels:\n");
                j.labels().forEach((k, v) -> y.append("          ").append(k).append(": '").append(v).append("'\n"));
            }
        }
        return y.toString();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prometheus's process id (benchmarks read its CPU time from /proc). */
    public long pid() {
        return process.pid();
    }

    /** The root URL ({@code http://127.0.0.1:PORT}). */
    public URI url() {
        return url;
    }

    /** Prometheus's own log so far (for failure messages). */
    public String log() {
        try (Stream<Path> logs = Files.list(dir)) {
            StringBuilder out = new StringBuilder();
            for (Path p : logs.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
                out.append(Files.readString(p));
            }
            return out.length() > 4000 ? out.substring(out.length() - 4000) : out.toString();
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private void awaitReady() {
        await("Prometheus ready at " + url, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + ": " + log());
            }
            try {
                return get("/-/ready").statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private HttpResponse<String> get(String path) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url.resolve(path)).timeout(Duration.ofSeconds(10));
        if (basicAuth != null) {
            b.header("Authorization", basicAuth);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The {@code activeTargets} array of {@code /api/v1/targets}. */
    public JsonNode activeTargets() {
        try {
            return JSON.readTree(get("/api/v1/targets?state=active").body()).path("data").path("activeTargets");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until every active target is up and has been scraped at least {@code scrapes} times' worth. */
    public void awaitTargetsUp(int expectedTargets) {
        awaitTargets("all " + expectedTargets + " targets up", targets -> {
            int up = 0;
            for (JsonNode t : targets) {
                up += t.path("health").asText().equals("up") ? 1 : 0;
            }
            return up == expectedTargets;
        });
    }

    /** Waits until the target scraping {@code hostPort} has {@code health} ({@code up} or {@code down}). */
    public void awaitTargetHealth(String hostPort, String health) {
        awaitTargets(hostPort + " " + health, targets -> {
            for (JsonNode t : targets) {
                if (t.path("scrapeUrl").asText().contains("//" + hostPort + "/")) {
                    return t.path("health").asText().equals(health);
                }
            }
            return false;
        });
    }

    public void awaitTargets(String what, Predicate<JsonNode> condition) {
        await(what, () -> condition.test(activeTargets()));
    }

    /** Polls {@code condition} every 200 ms until it holds or {@link #DEADLINE} passes (then fails with the log). */
    public void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (UncheckedIOException e) {
                // Not answering yet: keep waiting.
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + DEADLINE.toSeconds() + " s waiting for " + what
                        + "\nprometheus log:\n" + log());
            }
            try {
                Thread.sleep(200); // polling a condition with a deadline, not waiting for time to pass
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    @Override
    public void close() {
        close(true);
    }

    private void close(boolean deleteDir) {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs anyway.
        }
        if (deleteDir) {
            deleteTree(dir);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A leftover temp folder is not worth failing a test over.
        }
    }
}
