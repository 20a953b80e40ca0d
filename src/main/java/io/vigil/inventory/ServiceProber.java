package io.vigil.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks a local AI service, on loopback only, whether its read-only API answers without
 * authentication. It never sends credentials: the HTTP client has no authenticator, no cookie
 * handler, no proxy and follows no redirects (a redirect to a login page counts as "auth required"),
 * and the requests carry no {@code Authorization} or {@code Cookie} header. Each request is bounded
 * by the timeout (connect and whole answer) and answers are read up to {@link #MAX_BODY_BYTES}.
 *
 * <p>A service bound only to a specific non-loopback address is not probed at all: reaching it would
 * mean sending traffic to the network, which a monitoring tool should not do on its own.
 *
 * <p>Thread-safe; probes may run concurrently.
 */
public final class ServiceProber implements ServiceProbe {

    static final long MAX_BODY_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Duration timeout;
    private final HttpClient client;

    public ServiceProber(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** Probes {@code port} as a {@code kind} service bound to {@code bindAddress}. */
    @Override
    public ProbeResult probe(ProbeKind kind, String bindAddress, int port) {
        BindScope scope = BindScope.of(bindAddress);
        if (scope == BindScope.SPECIFIC) {
            return new ProbeResult(ProbeOutcome.NOT_PROBED, "bound only to " + bindAddress
                    + "; Vigil probes loopback only, so it did not probe this service");
        }
        if (kind == ProbeKind.NONE || kind.paths().isEmpty()) {
            return new ProbeResult(ProbeOutcome.NOT_PROBED, "no probe for this service");
        }
        // An IPv6-only socket (::, ::1) is reached on ::1; everything else on 127.0.0.1.
        String host = bindAddress.contains(":") ? "[::1]" : "127.0.0.1";
        ProbeResult last = null;
        for (String path : kind.paths()) {
            ProbeResult r = get(kind, URI.create("http://" + host + ":" + port + path), path);
            if (r.outcome() == ProbeOutcome.OPEN || r.outcome() == ProbeOutcome.TIMEOUT
                    || r.outcome() == ProbeOutcome.UNREACHABLE) {
                return r;
            }
            // An auth answer on one path and garbage on another: the auth answer is the informative one.
            if (last == null || r.outcome() == ProbeOutcome.AUTH_REQUIRED) {
                last = r;
            }
        }
        return last;
    }

    private ProbeResult get(ProbeKind kind, URI uri, String path) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header("Accept", "application/json").header("User-Agent", "Vigil-inventory-probe").build();
        CompletableFuture<HttpResponse<byte[]>> call = client.sendAsync(request,
                HttpResponse.BodyHandlers.limiting(HttpResponse.BodyHandlers.ofByteArray(), MAX_BODY_BYTES));
        HttpResponse<byte[]> response;
        try {
            // The request timeout covers only the wait for headers; this bounds the body as well.
            response = call.get(timeout.toMillis() + 250, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            return new ProbeResult(ProbeOutcome.TIMEOUT, "GET " + path + ": no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            return new ProbeResult(ProbeOutcome.UNKNOWN, "probe interrupted");
        } catch (ExecutionException e) {
            return failure(path, e.getCause());
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            return new ProbeResult(ProbeOutcome.AUTH_REQUIRED, "GET " + path + " → " + status + " without credentials");
        }
        if (status >= 300 && status < 400) {
            String location = response.headers().firstValue("Location").orElse("");
            if (location.contains("login") || location.contains("auth") || location.contains("token")) {
                return new ProbeResult(ProbeOutcome.AUTH_REQUIRED, "GET " + path + " → " + status + " to " + location);
            }
            return new ProbeResult(ProbeOutcome.UNKNOWN, "GET " + path + " → " + status + " redirect to " + location);
        }
        if (status != 200) {
            return new ProbeResult(ProbeOutcome.UNKNOWN, "GET " + path + " → " + status);
        }
        if (looksLike(kind, response.body())) {
            return new ProbeResult(ProbeOutcome.OPEN, "GET " + path + " → 200 without credentials");
        }
        return new ProbeResult(ProbeOutcome.UNKNOWN, "GET " + path + " → 200 but the answer is not "
                + kind.name().toLowerCase(java.util.Locale.ROOT) + "'s API");
    }

    static boolean looksLike(ProbeKind kind, byte[] body) {
        JsonNode json;
        try {
            json = JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return false;
        }
        if (json == null) {
            return false;
        }
        for (String field : kind.expectedFields()) {
            if (field.equals("[]") ? json.isArray() : field.equals("{}") ? json.isObject() : json.has(field)) {
                return true;
            }
        }
        return false;
    }

    private ProbeResult failure(String path, Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return new ProbeResult(ProbeOutcome.TIMEOUT, "GET " + path + ": connect timed out");
        }
        if (cause instanceof HttpTimeoutException) {
            return new ProbeResult(ProbeOutcome.TIMEOUT, "GET " + path + ": no answer within " + timeout.toMillis() + " ms");
        }
        if (cause instanceof ConnectException) {
            return new ProbeResult(ProbeOutcome.UNREACHABLE, "nothing accepts connections on loopback");
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ProbeResult(ProbeOutcome.UNKNOWN, "GET " + path + ": not an HTTP answer (" + message + ")");
    }

    @Override
    public void close() {
        client.close();
    }
}
