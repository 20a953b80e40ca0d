package io.vigil.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The prober against real HTTP servers on loopback that behave like the services (and unlike them). */
class ServiceProberTest {

    private final ServiceProber prober = new ServiceProber(Duration.ofMillis(400));
    private HttpServer server;
    private final List<String> requestHeaders = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
        prober.close();
    }

    private int serve(HttpHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestHeaders().forEach((k, v) -> requestHeaders.add(k.toLowerCase() + ": " + v));
            handler.handle(exchange);
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return server.getAddress().getPort();
    }

    private static void reply(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void openJupyterAnswersWithoutTokenAndSendsNoCredentials() throws IOException {
        int port = serve(ex -> {
            switch (ex.getRequestURI().getPath()) {
                case "/api/status" -> reply(ex, 200, "application/json",
                        "{\"connections\": 0, \"kernels\": 1, \"last_activity\": \"2026-11-22T02:00:00Z\", \"started\": \"2026-11-22T01:00:00Z\"}");
                default -> reply(ex, 404, "text/html", "<h1>404</h1>");
            }
        });
        ProbeResult r = prober.probe(ProbeKind.JUPYTER, "0.0.0.0", port);
        assertEquals(ProbeOutcome.OPEN, r.outcome(), r.detail());
        assertTrue(r.detail().contains("/api/status"), r.detail());
        assertFalse(requestHeaders.stream().anyMatch(h -> h.startsWith("authorization") || h.startsWith("cookie")),
                "no credentials sent: " + requestHeaders);
    }

    @Test
    void tokenProtectedJupyterIsAuthRequired() throws IOException {
        int port = serve(ex -> reply(ex, 403, "application/json",
                "{\"message\": \"Forbidden\", \"reason\": null}"));
        ProbeResult r = prober.probe(ProbeKind.JUPYTER, "127.0.0.1", port);
        assertEquals(ProbeOutcome.AUTH_REQUIRED, r.outcome(), r.detail());
        assertTrue(r.detail().contains("403"), r.detail());
    }

    @Test
    void redirectToLoginIsAuthRequiredAndNotFollowed() throws IOException {
        int port = serve(ex -> {
            if (ex.getRequestURI().getPath().startsWith("/login")) {
                reply(ex, 200, "application/json", "{\"models\": []}");
            } else {
                ex.getResponseHeaders().add("Location", "/login?next=%2Fapi%2Ftags");
                ex.sendResponseHeaders(302, -1);
                ex.close();
            }
        });
        ProbeResult r = prober.probe(ProbeKind.OLLAMA, "127.0.0.1", port);
        assertEquals(ProbeOutcome.AUTH_REQUIRED, r.outcome(), r.detail());
    }

    @Test
    void hangingServiceTimesOut() throws IOException {
        int port = serve(ex -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        // The server would hold the request for 30 s and then hang up (UNKNOWN); TIMEOUT means the
        // prober gave up on its own.
        ProbeResult r = prober.probe(ProbeKind.RAY, "127.0.0.1", port);
        assertEquals(ProbeOutcome.TIMEOUT, r.outcome(), r.detail());
    }

    @Test
    void garbageAnswerIsUnknown() throws IOException {
        int port = serve(ex -> reply(ex, 200, "text/plain", "\u0000\u0013garbage<<<>>>{{not json"));
        ProbeResult r = prober.probe(ProbeKind.MLFLOW, "127.0.0.1", port);
        assertEquals(ProbeOutcome.UNKNOWN, r.outcome(), r.detail());
    }

    @Test
    void nonHttpBytesAreUnknown() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            // Like an SSH daemon on a model-server port: every connection gets its banner.
            Thread t = Thread.ofVirtual().start(() -> {
                while (!raw.isClosed()) {
                    try (Socket s = raw.accept()) {
                        InputStream in = s.getInputStream();
                        in.read(new byte[1024]);
                        s.getOutputStream().write("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n".getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                    } catch (IOException e) {
                        // closed at the end of the test, or the prober hung up first
                    }
                }
            });
            ProbeResult r = prober.probe(ProbeKind.OPENAI, "127.0.0.1", raw.getLocalPort());
            assertEquals(ProbeOutcome.UNKNOWN, r.outcome(), r.detail());
            raw.close();
            t.join(5000);
        }
    }

    @Test
    void anotherAppAnsweringJsonIsNotMistakenForTheService() throws IOException {
        int port = serve(ex -> reply(ex, 200, "application/json", "{\"status\": \"ok\"}"));
        assertEquals(ProbeOutcome.UNKNOWN, prober.probe(ProbeKind.RAY, "127.0.0.1", port).outcome());
    }

    @Test
    void closedPortIsUnreachable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertEquals(ProbeOutcome.UNREACHABLE, prober.probe(ProbeKind.OLLAMA, "127.0.0.1", port).outcome());
    }

    @Test
    void serviceBoundOnlyToANetworkAddressIsNotProbed() throws IOException {
        int port = serve(ex -> reply(ex, 200, "application/json", "{\"ray_version\": \"2.9.0\"}"));
        ProbeResult r = prober.probe(ProbeKind.RAY, "10.20.30.40", port);
        assertEquals(ProbeOutcome.NOT_PROBED, r.outcome());
        assertTrue(r.detail().contains("loopback only"), r.detail());
        assertTrue(requestHeaders.isEmpty(), "nothing was sent anywhere");
    }
}
