package io.vigil.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vigil.gpu.GpuReading;
import io.vigil.gpu.GpuSnapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The instance type through IMDSv2 against a loopback HTTP server that speaks it as EC2 does when
 * v2 is required: a GET without a session token is refused with 401.
 */
class InstanceMetadataTest {

    private static final String TOKEN = "AQAEAFake-session-token==";
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile String instanceType = "p4d.24xlarge";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/latest/api/token", ex -> {
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
            String ttl = ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds");
            if (!ex.getRequestMethod().equals("PUT") || ttl == null) {
                reply(ex, ex.getRequestMethod().equals("PUT") ? 400 : 405, "");
                return;
            }
            reply(ex, 200, TOKEN);
        });
        server.createContext("/latest/meta-data/instance-type", ex -> {
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
            if (!TOKEN.equals(ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"))) {
                reply(ex, 401, "");
                return;
            }
            reply(ex, 200, instanceType);
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
        ex.close();
    }

    @Test
    void theServerRefusesAGetWithoutAToken() throws Exception {
        HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                endpoint().resolve("/latest/meta-data/instance-type")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, plain.statusCode(), "the fake enforces IMDSv2, as EC2 does with tokens required");
    }

    @Test
    void theInstanceTypeIsReadWithASessionToken() {
        InstanceMetadata.Lookup found = new InstanceMetadata(endpoint(), Duration.ofSeconds(5)).instanceType();
        assertEquals(Optional.of("p4d.24xlarge"), found.instanceType(), found.note());
        assertEquals(List.of("PUT /latest/api/token", "GET /latest/meta-data/instance-type"), requests);
    }

    @Test
    void aTypeThatIsNotATypeIsNotUsed() {
        instanceType = "<html>captive portal</html>";
        InstanceMetadata.Lookup found = new InstanceMetadata(endpoint(), Duration.ofSeconds(5)).instanceType();
        assertTrue(found.instanceType().isEmpty());
        assertTrue(found.note().contains("no usable instance type"), found.note());
    }

    @Test
    void nothingListeningIsAQuietEmptyAnswer() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        InstanceMetadata.Lookup found = new InstanceMetadata(URI.create("http://127.0.0.1:" + port),
                Duration.ofMillis(500)).instanceType();
        assertTrue(found.instanceType().isEmpty());
        assertTrue(found.note().startsWith("no EC2 instance metadata at http://127.0.0.1:" + port), found.note());
    }

    @Test
    void theSourcePricesTheTypeTheMetadataGives() {
        LiveCostSettings settings = new LiveCostSettings(0, "", true, endpoint().toString(), 2000);
        GpuSnapshot one = new GpuSnapshot(1_000, "test", "", List.of(gpu(0, 300)), List.of());
        LiveCostSource source = LiveCostSource.create(() -> one, new GpuPricing(GpuPriceTable.builtIn(), null),
                settings, Map.of(), Duration.ofSeconds(1));
        source.poll(Instant.ofEpochSecond(1));
        LiveCost c = source.latest();
        assertEquals("p4d.24xlarge", c.instanceType());
        assertEquals(21.96 / 8, c.totalUsdPerHour(), 1e-9, "electricity 0: the GPU-hour share only");
        assertEquals(2, requests.size(), "asked once");
        source.poll(Instant.ofEpochSecond(2));
        assertEquals(2, requests.size(), "a found type is not asked again");
    }

    @Test
    void metadataOffByEnvironmentIsNeverAsked() {
        LiveCostSettings settings = new LiveCostSettings(0, "", true, endpoint().toString(), 2000);
        GpuSnapshot one = new GpuSnapshot(1_000, "test", "", List.of(gpu(0, 300)), List.of());
        LiveCostSource source = LiveCostSource.create(() -> one, new GpuPricing(GpuPriceTable.builtIn(), null),
                settings, Map.of("AWS_EC2_METADATA_DISABLED", "true"), Duration.ofSeconds(1));
        source.poll(Instant.ofEpochSecond(1));
        assertEquals(List.of(), requests);
        assertTrue(source.latest().instanceTypeNote().contains("set liveCost.instanceType"), source.latest().instanceTypeNote());
    }

    static GpuReading gpu(int index, double watts) {
        OptionalDouble d = OptionalDouble.empty();
        OptionalLong l = OptionalLong.empty();
        return new GpuReading(index, "H100", "GPU-" + index, false, OptionalDouble.of(90), d, l, l, d,
                OptionalDouble.of(watts), d, l, l, d, l, l, l, l, l, List.of());
    }
}
