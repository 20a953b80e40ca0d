package io.vigil.fleet.prometheus;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.fleet.FleetException;
import io.vigil.fleet.FleetException.Kind;
import io.vigil.fleet.PromQlQuery;
import io.vigil.telemetry.SeriesPoints;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;

/**
 * A client of Prometheus's HTTP API ({@code /api/v1/query}, {@code query_range}, {@code series},
 * {@code targets}) on {@code java.net.http} and Jackson: no maintained Java client for querying
 * Prometheus exists (see docs/decisions/0700-query-prometheus-with-java-net-http.md). Queries are
 * sent as form POSTs ({@code application/x-www-form-urlencoded}) so long fleet-wide expressions never
 * hit a URL length limit; answers are parsed as a stream, values from their strings (NaN and ±Inf
 * survive).
 *
 * <p>Every failure is a {@link FleetException} whose kind says what went wrong (unreachable,
 * credentials refused, bad query, timeout, server error, not a Prometheus answer) and whose message
 * names the endpoint and what to check. Its {@link #url()} is printed without user info or query.
 *
 * <p>Thread-safe; counts requests and bytes received (for the status and the benchmark).
 */
public final class PrometheusClient implements PromQlQuery {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String FORM = "application/x-www-form-urlencoded";

    private final String name;
    private final URI base;
    private final HttpClient http;
    private final RequestAuth auth;
    private final Duration timeout;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    /**
     * @param name    the endpoint's name in the settings (said in every message)
     * @param base    the Prometheus root ({@code http://prom:9090}, or an AMP workspace URL); the API
     *                paths are appended
     * @param timeout for each request, also sent to Prometheus as the query timeout
     */
    public PrometheusClient(String name, URI base, HttpClient http, RequestAuth auth, Duration timeout) {
        this.name = name;
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.http = http;
        this.auth = auth;
        this.timeout = timeout;
    }

    public String name() {
        return name;
    }

    /** The endpoint URL without user info, query or fragment: safe to print. */
    public String url() {
        return redact(base);
    }

    static String redact(URI u) {
        if (u.getScheme() == null || u.getHost() == null) {
            return "(invalid URL)";
        }
        return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "")
                + (u.getRawPath() == null ? "" : u.getRawPath());
    }

    /** HTTP requests sent so far. */
    public long requestCount() {
        return requests.get();
    }

    /** Response body bytes received so far. */
    public long bytesReceived() {
        return bytes.get();
    }

    /** An instant query; {@code at} null means Prometheus's now. A scalar comes back as one unlabelled value. */
    @Override
    public List<Value> query(String expression, Instant at) throws FleetException {
        List<String> form = new ArrayList<>(List.of("query", expression, "timeout", timeoutParam()));
        if (at != null) {
            form.addAll(List.of("time", PromValues.seconds(at.toEpochMilli())));
        }
        return post("/api/v1/query", form, expression, PrometheusClient::parseInstant);
    }

    /**
     * A range query. Use {@link RangeStep#choose} for {@code step}: Prometheus refuses more than
     * 11,000 points per series.
     */
    public List<RangeSeries> queryRange(String expression, Instant start, Instant end, Duration step)
            throws FleetException {
        List<String> form = List.of("query", expression, "start", PromValues.seconds(start.toEpochMilli()),
                "end", PromValues.seconds(end.toEpochMilli()), "step", PromValues.seconds(step.toMillis()),
                "timeout", timeoutParam());
        return post("/api/v1/query_range", form, expression, PrometheusClient::parseMatrix);
    }

    /** The label sets of the series matching any of {@code matchers} between {@code start} and {@code end}. */
    public List<Map<String, String>> series(List<String> matchers, Instant start, Instant end) throws FleetException {
        List<String> form = new ArrayList<>();
        for (String m : matchers) {
            form.add("match[]");
            form.add(m);
        }
        form.addAll(List.of("start", PromValues.seconds(start.toEpochMilli()), "end",
                PromValues.seconds(end.toEpochMilli())));
        return post("/api/v1/series", form, String.join(", ", matchers), p -> {
            List<Map<String, String>> out = new ArrayList<>();
            expect(p, JsonToken.START_ARRAY);
            while (p.nextToken() == JsonToken.START_OBJECT) {
                out.add(readLabels(p));
            }
            return out;
        });
    }

    /** The active scrape targets with their health. */
    public List<ScrapeTarget> targets() throws FleetException {
        URI uri = URI.create(base + "/api/v1/targets?state=active");
        return send("GET", uri, null, "the scrape targets", p -> {
            JsonNode data = MAPPER.readTree(p);
            List<ScrapeTarget> out = new ArrayList<>();
            for (JsonNode t : data.path("activeTargets")) {
                Map<String, String> labels = new HashMap<>();
                Iterator<Map.Entry<String, JsonNode>> it = t.path("labels").fields();
                while (it.hasNext()) {
                    var e = it.next();
                    labels.put(e.getKey(), e.getValue().asText());
                }
                out.add(new ScrapeTarget(labels, t.path("scrapePool").asText(), t.path("scrapeUrl").asText(),
                        t.path("health").asText("unknown"), t.path("lastError").asText(""),
                        scrapeTime(t.path("lastScrape").asText(""))));
            }
            return out;
        });
    }

    static long scrapeTime(String rfc3339) {
        if (rfc3339.isEmpty() || rfc3339.startsWith("0001-")) {
            return 0; // Go's zero time: never scraped
        }
        try {
            return OffsetDateTime.parse(rfc3339).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    private String timeoutParam() {
        return Math.max(1, timeout.toSeconds()) + "s";
    }

    @FunctionalInterface
    private interface DataParser<T> {
        /** Parses the envelope's {@code data} value; the parser is on its first token. */
        T parse(JsonParser p) throws IOException;
    }

    private <T> T post(String path, List<String> form, String what, DataParser<T> parser) throws FleetException {
        StringJoiner body = new StringJoiner("&");
        for (int i = 0; i < form.size(); i += 2) {
            body.add(URLEncoder.encode(form.get(i), StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(form.get(i + 1), StandardCharsets.UTF_8));
        }
        return send("POST", URI.create(base + path), body.toString().getBytes(StandardCharsets.UTF_8),
                "query " + abbreviate(what), parser);
    }

    private <T> T send(String method, URI uri, byte[] body, String what, DataParser<T> parser) throws FleetException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", FORM).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        auth.headers(method, uri, body == null ? null : FORM, body == null ? new byte[0] : body).forEach(b::header);
        requests.incrementAndGet();
        HttpResponse<InputStream> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw new FleetException(Kind.UNREACHABLE, where() + ": no connection within " + timeout.toSeconds()
                    + " s. Is Prometheus running there, and is the url of fleet endpoint '" + name + "' right?", e);
        } catch (HttpTimeoutException e) {
            throw new FleetException(Kind.TIMEOUT, where() + ": no answer to " + what + " within "
                    + timeout.toSeconds() + " s. Prometheus may be overloaded; raise timeoutSeconds of fleet endpoint '"
                    + name + "' or query less.", e);
        } catch (SSLException e) {
            throw new FleetException(Kind.AUTH, where() + ": TLS handshake failed (" + e.getMessage()
                    + "). Check caFile, certFile and keyFile of fleet endpoint '" + name + "'.", e);
        } catch (ConnectException e) {
            throw new FleetException(Kind.UNREACHABLE, where() + ": cannot connect (" + describe(e)
                    + "). Is Prometheus running there, and is the url of fleet endpoint '" + name + "' right?", e);
        } catch (IOException e) {
            throw new FleetException(Kind.UNREACHABLE, where() + ": the connection failed (" + describe(e)
                    + "). Is Prometheus running there, and is the url of fleet endpoint '" + name + "' right?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FleetException(Kind.TIMEOUT, where() + ": interrupted while waiting for " + what, e);
        }
        try (CountingStream in = new CountingStream(response.body(), bytes)) {
            int status = response.statusCode();
            if (status / 100 != 2) {
                throw failure(status, in.readAllBytes(), what);
            }
            return parseEnvelope(in, what, parser);
        } catch (IOException e) {
            throw new FleetException(Kind.BAD_RESPONSE, where() + ": the answer to " + what
                    + " could not be read (" + describe(e) + "). Is the url of fleet endpoint '" + name
                    + "' the Prometheus root (the API path /api/v1 is added)?", e);
        }
    }

    private String where() {
        return "Prometheus '" + name + "' at " + url();
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static String abbreviate(String s) {
        String oneLine = s.replaceAll("\\s+", " ");
        return oneLine.length() <= 160 ? "'" + oneLine + "'" : "'" + oneLine.substring(0, 157) + "…'";
    }

    /** An HTTP error: Prometheus's own errorType when the body is its envelope, else the status. */
    private FleetException failure(int status, byte[] body, String what) {
        String errorType = "";
        String error = "";
        try {
            JsonNode env = MAPPER.readTree(body);
            if (env != null) {
                errorType = env.path("errorType").asText("");
                error = env.path("error").asText("");
            }
        } catch (IOException e) {
            // Not Prometheus's envelope (a proxy's HTML page, say): the status alone tells.
        }
        String detail = error.isEmpty() ? "HTTP " + status : "HTTP " + status + ", " + errorType + ": " + error;
        if (status == 401 || status == 403) {
            return new FleetException(Kind.AUTH, where() + " refused the credentials (HTTP " + status
                    + (status == 401 ? " Unauthorized" : " Forbidden") + ", auth " + auth.describe()
                    + "). Check the auth of fleet endpoint '" + name + "'.");
        }
        if (status == 400 || status == 422 || errorType.equals("bad_data") || errorType.equals("execution")) {
            return new FleetException(Kind.BAD_QUERY, where() + " rejected " + what + " (" + detail + ").");
        }
        if (errorType.equals("timeout") || errorType.equals("canceled") || status == 504) {
            return new FleetException(Kind.TIMEOUT, where() + " gave up on " + what + " (" + detail
                    + "). Prometheus is overloaded or the query is too large.");
        }
        if (status == 404) {
            return new FleetException(Kind.BAD_RESPONSE, where() + " has no Prometheus API (" + detail
                    + "). Is the url of fleet endpoint '" + name + "' the Prometheus root (the API path /api/v1 is added)?");
        }
        return new FleetException(Kind.SERVER, where() + " failed on " + what + " (" + detail + "). Retrying at the next poll.");
    }

    private <T> T parseEnvelope(InputStream in, String what, DataParser<T> parser) throws IOException, FleetException {
        try (JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new FleetException(Kind.BAD_RESPONSE, where() + ": the answer to " + what
                        + " is not JSON. Is the url of fleet endpoint '" + name + "' the Prometheus root?");
            }
            String status = "";
            String errorType = "";
            String error = "";
            T data = null;
            boolean hasData = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "status" -> status = p.getValueAsString("");
                    case "errorType" -> errorType = p.getValueAsString("");
                    case "error" -> error = p.getValueAsString("");
                    case "data" -> {
                        if (t != JsonToken.VALUE_NULL) {
                            data = parser.parse(p);
                            hasData = true;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (!status.equals("success")) {
                String detail = errorType + (error.isEmpty() ? "" : ": " + error);
                throw new FleetException(errorType.equals("timeout") ? Kind.TIMEOUT : Kind.BAD_QUERY,
                        where() + " answered " + what + " with status '" + status + "' (" + detail + ").");
            }
            if (!hasData) {
                throw new FleetException(Kind.BAD_RESPONSE, where() + ": the answer to " + what + " has no data.");
            }
            return data;
        }
    }

    private static void expect(JsonParser p, JsonToken token) throws IOException {
        if (p.currentToken() != token) {
            throw new IOException("expected " + token + " but found " + p.currentToken() + " at "
                    + p.currentLocation());
        }
    }

    /** The labels object the parser is on; label names are interned (thousands of series share them). */
    private static Map<String, String> readLabels(JsonParser p) throws IOException {
        expect(p, JsonToken.START_OBJECT);
        Map<String, String> labels = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName().intern();
            p.nextToken();
            labels.put(key, p.getValueAsString(""));
        }
        return labels;
    }

    /** {@code [<unix seconds>, "<value>"]}: sets {@code out[0]} (ms) and returns the value. */
    private static double readPoint(JsonParser p, long[] out) throws IOException {
        expect(p, JsonToken.START_ARRAY);
        p.nextToken();
        out[0] = PromValues.millis(p.getDoubleValue());
        p.nextToken();
        double v = PromValues.parse(p.getText());
        p.nextToken();
        expect(p, JsonToken.END_ARRAY);
        return v;
    }

    /** {@code {"resultType": vector|scalar|matrix|string, "result": …}} as instant values. */
    private static List<Value> parseInstant(JsonParser p) throws IOException {
        expect(p, JsonToken.START_OBJECT);
        List<Value> out = new ArrayList<>();
        String type = "";
        long[] t = new long[1];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("resultType")) {
                type = p.getText();
            } else if (field.equals("result")) {
                if (p.currentToken() == JsonToken.START_ARRAY && (type.equals("scalar") || type.equals("string"))) {
                    p.nextToken();
                    p.nextToken();
                    String text = p.getText();
                    p.nextToken();
                    out.add(new Value(Map.of(), type.equals("scalar") ? PromValues.parse(text) : Double.NaN));
                } else if (p.currentToken() == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        Map<String, String> labels = Map.of();
                        double v = Double.NaN;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            p.nextToken();
                            switch (f) {
                                case "metric" -> labels = readLabels(p);
                                case "value" -> v = readPoint(p, t);
                                case "values" -> { // a matrix answer to an instant query: its newest point
                                    while (p.nextToken() == JsonToken.START_ARRAY) {
                                        v = readPoint(p, t);
                                    }
                                }
                                default -> p.skipChildren();
                            }
                        }
                        out.add(new Value(labels, v));
                    }
                } else {
                    p.skipChildren();
                }
            } else {
                p.skipChildren();
            }
        }
        return out;
    }

    private static List<RangeSeries> parseMatrix(JsonParser p) throws IOException {
        expect(p, JsonToken.START_OBJECT);
        List<RangeSeries> out = new ArrayList<>();
        long[] t = new long[1];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (!field.equals("result") || p.currentToken() != JsonToken.START_ARRAY) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                Map<String, String> labels = Map.of();
                long[] times = new long[16];
                double[] values = new double[16];
                int n = 0;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    p.nextToken();
                    if (f.equals("metric")) {
                        labels = readLabels(p);
                    } else if (f.equals("values") && p.currentToken() == JsonToken.START_ARRAY) {
                        while (p.nextToken() == JsonToken.START_ARRAY) {
                            double v = readPoint(p, t);
                            if (n == times.length) {
                                times = Arrays.copyOf(times, n * 2);
                                values = Arrays.copyOf(values, n * 2);
                            }
                            times[n] = t[0];
                            values[n++] = v;
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                out.add(new RangeSeries(labels, new SeriesPoints(times, values, n)));
            }
        }
        return out;
    }

    /** Counts the bytes read from a response body. */
    private static final class CountingStream extends java.io.FilterInputStream {
        private final AtomicLong counter;

        CountingStream(InputStream in, AtomicLong counter) {
            super(in);
            this.counter = counter;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counter.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                counter.addAndGet(n);
            }
            return n;
        }
    }
}
