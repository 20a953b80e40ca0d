package io.vigil.fleet.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.vigil.fleet.FleetAuth;
import io.vigil.fleet.FleetEndpoint;
import io.vigil.fleet.PromQlQuery;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests as a hosted Prometheus sees them: SigV4 for Amazon Managed Service for Prometheus (the
 * signature recomputed here from the bytes received, with static test credentials the AWS SDK's
 * default chain reads from system properties; never real AWS) and bearer tokens.
 */
class SignedRequestTest {

    private static final String KEY_ID = "AKIDVIGILTEST0000001";
    private static final String SECRET = "vigil/test/secret/key/not/a/real/one/000";
    private static final String TOKEN = "vigil-test-session-token";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC);

    record Received(String method, String path, String query, Headers headers, byte[] body) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @TempDir
    Path dir;

    @BeforeEach
    void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        server.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders(), exchange.getRequestBody().readAllBytes()));
            byte[] body = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"job\":\"dcgm\"},\"value\":[1764496800.5,\"3\"]}]}}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.setProperty("aws.accessKeyId", KEY_ID);
        System.setProperty("aws.secretAccessKey", SECRET);
        System.setProperty("aws.sessionToken", TOKEN);
    }

    @AfterEach
    void stop() {
        server.stop(0);
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        System.clearProperty("aws.sessionToken");
    }

    private String workspaceUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/workspaces/ws-vigil-test";
    }

    private PrometheusClient sigv4Client() {
        FleetAuth auth = new FleetAuth("sigv4", null, null, null, null, null, null, "us-west-2", null);
        return PrometheusEndpoints.client(new FleetEndpoint("amp", workspaceUrl(), auth, 10), Map.of(), CLOCK);
    }

    @Test
    void ampQueriesAreSignedForServiceApsWithTheSessionToken() throws Exception {
        List<PromQlQuery.Value> values = sigv4Client().query("sum by (job) (up)", null);
        assertEquals(List.of(new PromQlQuery.Value(Map.of("job", "dcgm"), 3)), values);

        Received r = received.getFirst();
        assertEquals("POST", r.method());
        assertEquals("/workspaces/ws-vigil-test/api/v1/query", r.path());
        String authorization = r.headers().getFirst("Authorization");
        assertTrue(authorization.startsWith("AWS4-HMAC-SHA256 Credential=" + KEY_ID + "/20261130/us-west-2/aps/aws4_request, "),
                authorization);
        assertEquals("20261130T100000Z", r.headers().getFirst("X-Amz-Date"));
        assertEquals(TOKEN, r.headers().getFirst("X-Amz-Security-Token"));
        List<String> signed = signedHeaders(authorization);
        assertTrue(signed.containsAll(List.of("host", "x-amz-date", "x-amz-security-token", "content-type")), signed.toString());
        assertEquals(expectedSignature(r, "us-west-2"), signature(authorization), "the signature checks out");
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).startsWith("query=sum+by+%28job%29+%28up%29&"));
    }

    @Test
    void withoutASessionTokenNoTokenHeaderAndTheRegionComesFromTheWorkspaceUrl() throws Exception {
        System.clearProperty("aws.sessionToken");
        assertEquals("eu-central-1", SigV4Auth.regionOf(java.net.URI.create(
                "https://aps-workspaces.eu-central-1.amazonaws.com/workspaces/ws-1")));
        sigv4Client().targets();
        Received r = received.getFirst();
        assertEquals("GET", r.method());
        assertNull(r.headers().getFirst("X-Amz-Security-Token"));
        assertFalse(signedHeaders(r.headers().getFirst("Authorization")).contains("x-amz-security-token"));
        assertEquals(expectedSignature(r, "us-west-2"), signature(r.headers().getFirst("Authorization")));
    }

    @Test
    void bearerTokenFileIsReadAtEachRequestSoRotationIsPickedUp() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "first-token\n");
        FleetAuth auth = new FleetAuth("bearer", null, null, token.toString(), null, null, null, null, null);
        PrometheusClient c = PrometheusEndpoints.client(new FleetEndpoint("proxy", workspaceUrl(), auth, 10), Map.of(), CLOCK);
        c.query("up", null);
        Files.writeString(token, "rotated-token\n");
        c.query("up", null);
        assertEquals(List.of("Bearer first-token", "Bearer rotated-token"),
                received.stream().map(x -> x.headers().getFirst("Authorization")).toList());
    }

    private static List<String> signedHeaders(String authorization) {
        String part = authorization.substring(authorization.indexOf("SignedHeaders=") + "SignedHeaders=".length());
        return Arrays.asList(part.substring(0, part.indexOf(',')).split(";"));
    }

    private static String signature(String authorization) {
        return authorization.substring(authorization.indexOf("Signature=") + "Signature=".length()).trim();
    }

    /** SigV4 recomputed from what arrived (AWS's documented algorithm), with the test secret. */
    private static String expectedSignature(Received r, String region) throws Exception {
        List<String> names = signedHeaders(r.headers().getFirst("Authorization"));
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String n : names) {
            canonicalHeaders.append(n).append(':').append(r.headers().getFirst(n).trim().replaceAll(" +", " ")).append('\n');
        }
        String payloadHash = r.headers().getFirst("x-amz-content-sha256") != null
                ? r.headers().getFirst("x-amz-content-sha256") : hex(sha256(r.body()));
        List<String> params = r.query().isEmpty() ? List.of() : Arrays.stream(r.query().split("&")).sorted().toList();
        String canonicalRequest = r.method() + "\n" + r.path() + "\n" + String.join("&", params) + "\n" + canonicalHeaders + "\n" + String.join(";", names)
                + "\n" + payloadHash;
        String date = r.headers().getFirst("X-Amz-Date");
        String scope = date.substring(0, 8) + "/" + region + "/aps/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + SECRET).getBytes(StandardCharsets.UTF_8), date.substring(0, 8));
        key = hmac(key, region);
        key = hmac(key, "aps");
        key = hmac(key, "aws4_request");
        return hex(hmac(key, toSign));
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

}
