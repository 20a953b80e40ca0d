package io.vigil.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A fake AWS endpoint on loopback speaking the wire protocols of this SDK version: Cost Explorer's
 * awsJson1_1 ({@code POST /}, {@code X-Amz-Target: AWSInsightsIndexService.<Op>}) and CloudWatch's
 * Smithy RPC v2 CBOR ({@code POST /service/GraniteServiceVersion20100801/operation/<Op>}). Responses
 * follow the shapes of AWS's documented examples (string amounts, {@code Estimated}, paging tokens,
 * CBOR epoch-seconds timestamps). Every request is recorded; faults can be queued per operation.
 */
public final class FakeAws implements AutoCloseable {

    /** A failure to answer the next call of an operation with. */
    public enum Fault { THROTTLE, HTTP_500, SLOW, EXPIRED_TOKEN, ACCESS_DENIED }

    /** One request as received. */
    public record Recorded(String operation, String path, Map<String, String> headers, JsonNode body) {
    }

    static final String CW_PREFIX = "/service/GraniteServiceVersion20100801/operation/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CBORMapper CBOR = new CBORMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-aws");
        t.setDaemon(true);
        return t;
    });
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Fault>> faults = new ConcurrentHashMap<>();
    /** A SLOW fault holds its response until the fake is closed: longer than any client timeout. */
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

    /** Services and their base daily cost in USD; a day's cost varies with its day of month. */
    public final Map<String, Double> services = new LinkedHashMap<>();
    /** Days of results per GetCostAndUsage page (when {@link #costGroupsPerPage} is 0). */
    public volatile int costDaysPerPage = 10;
    /**
     * When above 0: every GetCostAndUsage answer is cut into this many pages by (day, service) group,
     * as AWS pages an account with many services, so one day's groups may span two pages.
     */
    public volatile int costPagesPerQuery;
    /** Faults for one page only: operation + " " + the request's NextPageToken ("" for the first page). */
    private final Map<String, Deque<Fault>> pageFaults = new ConcurrentHashMap<>();
    /**
     * Groups (one day × one service) per GetCostAndUsage page; 0: whole days, {@link #costDaysPerPage}
     * of them. AWS pages by groups, so one day's groups can be split across pages, each page
     * repeating that day's TimePeriod with its share of the groups.
     */
    public volatile int costGroupsPerPage;
    public volatile double forecastUsd = 2345.67;
    public volatile double estimatedCharges = 1234.56;
    public volatile Instant estimatedChargesAt = Instant.parse("2026-11-20T12:00:00Z");
    public volatile String existingMonitorArn;
    private final List<ObjectNode> alarms = new CopyOnWriteArrayList<>();
    /** Monitors created through CreateAnomalyMonitor, in the shape GetAnomalyMonitors returns. */
    private final List<ObjectNode> monitors = new CopyOnWriteArrayList<>();
    /** Subscriptions as created or updated, in the shape GetAnomalySubscriptions returns. */
    private final List<ObjectNode> subscriptions = new CopyOnWriteArrayList<>();
    /** Subscriptions per GetAnomalySubscriptions page, so callers must follow NextPageToken. */
    public volatile int subscriptionsPerPage = 1;

    public FakeAws() throws IOException {
        this(0);
    }

    /** On a given loopback port (0: any free one). */
    public FakeAws(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        services.put("Amazon Elastic Compute Cloud - Compute", 120.0);
        services.put("Amazon Simple Storage Service", 14.0);
        services.put("Amazon SageMaker", 40.0);
        services.put("AWS Lambda", 2.5);
        services.put("Amazon CloudWatch", 1.25);
        services.put("Amazon Relational Database Service", 22.0);
        services.put("Amazon Virtual Private Cloud", 3.0);
        alarms.add(alarm("billing-over-2000", "AWS/Billing", "EstimatedCharges", "OK"));
        alarms.add(alarm("api-5xx-rate", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "ALARM"));
        alarms.add(alarm("gpu-node-cpu", "AWS/EC2", "CPUUtilization", "INSUFFICIENT_DATA"));
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    public List<Recorded> requests(String operation) {
        return requests.stream().filter(r -> r.operation().equals(operation)).toList();
    }

    /** The stored alarm named {@code name}, as DescribeAlarms returns it; null when none. */
    public JsonNode alarm(String name) {
        return alarms.stream().filter(a -> a.path("AlarmName").asText().equals(name)).findFirst().orElse(null);
    }

    /** The stored subscriptions, as GetAnomalySubscriptions returns them. */
    public List<JsonNode> subscriptions() {
        return List.copyOf(subscriptions);
    }

    public void clearRequests() {
        requests.clear();
    }

    public void fail(String operation, Fault fault) {
        faults.computeIfAbsent(operation, k -> new ArrayDeque<>()).add(fault);
    }

    /** Fails the next request of {@code operation} that asks for the page {@code token} (null: the first). */
    public void failPage(String operation, String token, Fault fault) {
        pageFaults.computeIfAbsent(operation + " " + (token == null ? "" : token), k -> new ArrayDeque<>()).add(fault);
    }


    /** The cost of {@code service} on {@code day} as this fake reports it, USD (4 decimals). */
    public double cost(String service, LocalDate day) {
        double base = services.get(service);
        return Math.round(base * (1 + (day.getDayOfMonth() % 7) / 10.0) * 10_000) / 10_000.0;
    }

    public double dailyTotal(LocalDate day) {
        return services.keySet().stream().mapToDouble(s -> cost(s, day)).sum();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, String> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            String path = ex.getRequestURI().getPath();
            boolean cbor = path.startsWith(CW_PREFIX);
            String operation;
            JsonNode req;
            if (cbor) {
                operation = path.substring(CW_PREFIX.length());
                req = body.length == 0 ? JSON.createObjectNode() : CBOR.readTree(body);
            } else {
                String target = headers.getOrDefault("x-amz-target", "");
                operation = target.substring(target.indexOf('.') + 1);
                req = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            }
            requests.add(new Recorded(operation, path, headers, req == null ? JSON.createObjectNode() : req));
            Deque<Fault> queue = faults.get(operation);
            Fault fault = queue == null ? null : queue.poll();
            if (fault == null) {
                Deque<Fault> pq = pageFaults.get(operation + " " + req.path("NextPageToken").asText(""));
                fault = pq == null ? null : pq.poll();
            }
            if (fault == Fault.SLOW) {
                try {
                    closed.await(); // the fake AWS not answering until it is shut down
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                fault = null;
            }
            if (fault != null) {
                sendFault(ex, cbor, fault, operation);
                return;
            }
            if (cbor) {
                sendCbor(ex, 200, cloudWatch(operation, req), null);
            } else {
                sendJson(ex, 200, costExplorer(operation, req));
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            ex.sendResponseHeaders(500, -1);
        }
    }

    private ObjectNode costExplorer(String op, JsonNode req) {
        ObjectNode out = JSON.createObjectNode();
        switch (op) {
            case "GetCostAndUsage" -> {
                if (costPagesPerQuery > 0) {
                    return costByGroupPages(req);
                }
                LocalDate start = LocalDate.parse(req.path("TimePeriod").path("Start").asText());
                LocalDate end = LocalDate.parse(req.path("TimePeriod").path("End").asText());
                int perPage = costGroupsPerPage > 0 ? costGroupsPerPage : costDaysPerPage * Math.max(1, services.size());
                // The token counts groups when paging by groups, days when paging by whole days.
                int tokenUnit = costGroupsPerPage > 0 ? 1 : Math.max(1, services.size());
                int pageStart = req.hasNonNull("NextPageToken")
                        ? Integer.parseInt(req.get("NextPageToken").asText()) * tokenUnit : 0;
                ArrayNode defs = out.putArray("GroupDefinitions");
                defs.addObject().put("Type", "DIMENSION").put("Key", "SERVICE");
                ArrayNode results = out.putArray("ResultsByTime");
                int index = 0; // position of the (day, service) group in the whole answer
                for (LocalDate d = start; d.isBefore(end); d = d.plusDays(1)) {
                    ArrayNode groups = null;
                    for (String s : services.keySet()) {
                        int i = index++;
                        if (i < pageStart || i >= pageStart + perPage) {
                            continue;
                        }
                        if (groups == null) {
                            ObjectNode r = results.addObject();
                            r.putObject("TimePeriod").put("Start", d.toString()).put("End", d.plusDays(1).toString());
                            r.putObject("Total");
                            groups = r.putArray("Groups");
                            r.put("Estimated", !d.isBefore(end.minusDays(2)));
                        }
                        ObjectNode g = groups.addObject();
                        g.putArray("Keys").add(s);
                        g.putObject("Metrics").putObject("UnblendedCost")
                                .put("Amount", String.format(Locale.ROOT, "%.10f", cost(s, d))).put("Unit", "USD");
                    }
                }
                out.putArray("DimensionValueAttributes");
                if (pageStart + perPage < index) {
                    out.put("NextPageToken", String.valueOf((pageStart + perPage) / tokenUnit));
                }
            }
            case "GetCostForecast" -> {
                out.putObject("Total").put("Amount", String.format(Locale.ROOT, "%.10f", forecastUsd)).put("Unit", "USD");
                ObjectNode r = out.putArray("ForecastResultsByTime").addObject();
                r.set("TimePeriod", req.path("TimePeriod"));
                r.put("MeanValue", String.valueOf(forecastUsd))
                        .put("PredictionIntervalLowerBound", String.valueOf(forecastUsd * 0.9))
                        .put("PredictionIntervalUpperBound", String.valueOf(forecastUsd * 1.1));
            }
            case "GetAnomalies" -> {
                // Two anomalies, one per page, as AWS pages them with NextPageToken.
                boolean second = req.hasNonNull("NextPageToken");
                ArrayNode list = out.putArray("Anomalies");
                LocalDate endDate = LocalDate.parse(req.path("DateInterval").path("EndDate").asText());
                if (!second) {
                    ObjectNode a = list.addObject();
                    a.put("AnomalyId", "a1b2c3d4-open").put("AnomalyStartDate", endDate.minusDays(2) + "T00:00:00Z")
                            .put("DimensionValue", "Amazon Elastic Compute Cloud - Compute")
                            .put("MonitorArn", "arn:aws:ce::123456789012:anomalymonitor/11111111-2222-3333-4444-555555555555");
                    a.putArray("RootCauses").addObject()
                            .put("Service", "Amazon Elastic Compute Cloud - Compute").put("Region", "us-east-1")
                            .put("LinkedAccount", "123456789012").put("LinkedAccountName", "ml-prod")
                            .put("UsageType", "BoxUsage:p4d.24xlarge");
                    a.putObject("AnomalyScore").put("MaxScore", 0.92).put("CurrentScore", 0.81);
                    a.putObject("Impact").put("MaxImpact", 410.0).put("TotalImpact", 1180.5)
                            .put("TotalActualSpend", 1400.0).put("TotalExpectedSpend", 219.5)
                            .put("TotalImpactPercentage", 537.8);
                    out.put("NextPageToken", "page-2");
                } else {
                    ObjectNode a = list.addObject();
                    a.put("AnomalyId", "e5f6-closed").put("AnomalyStartDate", endDate.minusDays(12) + "T00:00:00Z")
                            .put("AnomalyEndDate", endDate.minusDays(10) + "T00:00:00Z")
                            .put("DimensionValue", "Amazon Simple Storage Service")
                            .put("MonitorArn", "arn:aws:ce::123456789012:anomalymonitor/11111111-2222-3333-4444-555555555555");
                    a.putArray("RootCauses").addObject()
                            .put("Service", "Amazon Simple Storage Service").put("Region", "eu-west-1")
                            .put("LinkedAccount", "123456789012").put("UsageType", "EU-DataTransfer-Out-Bytes");
                    a.putObject("AnomalyScore").put("MaxScore", 0.55).put("CurrentScore", 0.1);
                    a.putObject("Impact").put("MaxImpact", 35.0).put("TotalImpact", 71.2);
                }
            }
            case "GetAnomalyMonitors" -> {
                ArrayNode list = out.putArray("AnomalyMonitors");
                if (existingMonitorArn != null) {
                    list.addObject().put("MonitorArn", existingMonitorArn).put("MonitorName", "Default-Services-Monitor")
                            .put("MonitorType", "DIMENSIONAL").put("MonitorDimension", "SERVICE");
                }
                monitors.forEach(list::add);
            }
            case "CreateAnomalyMonitor" -> {
                // The first ARN is the one of AWS's documentation example; later ones differ, as in AWS.
                String arn = "arn:aws:ce::123456789012:anomalymonitor/" + (monitors.isEmpty()
                        ? "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" : java.util.UUID.randomUUID());
                ObjectNode m = ((ObjectNode) req.path("AnomalyMonitor").deepCopy()).put("MonitorArn", arn)
                        .put("CreationDate", "2026-11-20");
                monitors.add(m);
                out.put("MonitorArn", arn);
            }
            case "CreateAnomalySubscription" -> {
                // AWS does not refuse a second subscription with the same name: it makes another one.
                String arn = "arn:aws:ce::123456789012:anomalysubscription/" + (subscriptions.isEmpty()
                        ? "9a8b7c6d-5e4f-3a2b-1c0d-ef0123456789" : java.util.UUID.randomUUID());
                ObjectNode sub = ((ObjectNode) req.path("AnomalySubscription").deepCopy())
                        .put("SubscriptionArn", arn).put("AccountId", "123456789012");
                sub.withArray("Subscribers").forEach(x -> ((ObjectNode) x).put("Status", "CONFIRMED"));
                subscriptions.add(sub);
                out.put("SubscriptionArn", arn);
            }
            case "GetAnomalySubscriptions" -> {
                int from = req.hasNonNull("NextPageToken") ? Integer.parseInt(req.get("NextPageToken").asText()) : 0;
                int to = Math.min(subscriptions.size(), from + Math.max(1, subscriptionsPerPage));
                ArrayNode list = out.putArray("AnomalySubscriptions");
                subscriptions.subList(from, to).forEach(list::add);
                if (to < subscriptions.size()) {
                    out.put("NextPageToken", String.valueOf(to));
                }
            }
            case "UpdateAnomalySubscription" -> {
                String arn = req.path("SubscriptionArn").asText();
                ObjectNode sub = subscriptions.stream().filter(x -> x.path("SubscriptionArn").asText().equals(arn))
                        .findFirst().orElseThrow(() -> new IllegalArgumentException("no subscription " + arn));
                // Update replaces each field it is given, as AWS does (a Subscribers list replaces them all).
                for (String field : List.of("MonitorArnList", "Subscribers", "Frequency", "ThresholdExpression",
                        "Threshold", "SubscriptionName")) {
                    if (req.has(field)) {
                        sub.set(field, req.get(field).deepCopy());
                    }
                }
                sub.withArray("Subscribers").forEach(x -> ((ObjectNode) x).put("Status", "CONFIRMED"));
                out.put("SubscriptionArn", arn);
            }
            default -> throw new IllegalArgumentException("fake Cost Explorer does not know " + op);
        }
        return out;
    }

    /** GetCostAndUsage cut into {@link #costPagesPerQuery} pages by (day, service) group. */
    private ObjectNode costByGroupPages(JsonNode req) {
        LocalDate start = LocalDate.parse(req.path("TimePeriod").path("Start").asText());
        LocalDate end = LocalDate.parse(req.path("TimePeriod").path("End").asText());
        List<String> names = new ArrayList<>(services.keySet());
        int days = (int) (end.toEpochDay() - start.toEpochDay());
        int total = days * names.size();
        int perPage = (total + costPagesPerQuery - 1) / costPagesPerQuery;
        int from = req.hasNonNull("NextPageToken") ? Integer.parseInt(req.get("NextPageToken").asText()) : 0;
        int to = Math.min(total, from + perPage);
        ObjectNode out = JSON.createObjectNode();
        out.putArray("GroupDefinitions").addObject().put("Type", "DIMENSION").put("Key", "SERVICE");
        ArrayNode results = out.putArray("ResultsByTime");
        ObjectNode current = null;
        int currentDay = -1;
        for (int i = from; i < to; i++) {
            int dayIndex = i / names.size();
            LocalDate d = start.plusDays(dayIndex);
            if (dayIndex != currentDay) {
                current = results.addObject();
                current.putObject("TimePeriod").put("Start", d.toString()).put("End", d.plusDays(1).toString());
                current.putObject("Total");
                current.putArray("Groups");
                current.put("Estimated", !d.isBefore(end.minusDays(2)));
                currentDay = dayIndex;
            }
            String s = names.get(i % names.size());
            ObjectNode g = ((ArrayNode) current.get("Groups")).addObject();
            g.putArray("Keys").add(s);
            g.putObject("Metrics").putObject("UnblendedCost")
                    .put("Amount", String.format(Locale.ROOT, "%.10f", cost(s, d))).put("Unit", "USD");
        }
        out.putArray("DimensionValueAttributes");
        if (to < total) {
            out.put("NextPageToken", String.valueOf(to));
        }
        return out;
    }

    private Map<String, Object> cloudWatch(String op, JsonNode req) {
        Map<String, Object> out = new LinkedHashMap<>();
        switch (op) {
            case "GetMetricData" -> {
                List<Object> results = new ArrayList<>();
                for (JsonNode q : req.path("MetricDataQueries")) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("Id", q.path("Id").asText());
                    r.put("Label", q.path("MetricStat").path("Metric").path("MetricName").asText());
                    r.put("Timestamps", List.of(estimatedChargesAt, estimatedChargesAt.minus(Duration.ofHours(6))));
                    r.put("Values", List.of(estimatedCharges, estimatedCharges - 50));
                    r.put("StatusCode", "Complete");
                    results.add(r);
                }
                out.put("MetricDataResults", results);
                out.put("Messages", List.of());
            }
            case "DescribeAlarms" -> {
                List<ObjectNode> selected = new ArrayList<>();
                List<String> names = new ArrayList<>();
                req.path("AlarmNames").forEach(n -> names.add(n.asText()));
                for (ObjectNode a : alarms) {
                    if (names.isEmpty() || names.contains(a.path("AlarmName").asText())) {
                        selected.add(a);
                    }
                }
                int from = req.hasNonNull("NextToken") ? Integer.parseInt(req.get("NextToken").asText()) : 0;
                int to = Math.min(selected.size(), from + 2);
                List<Object> page = new ArrayList<>();
                for (ObjectNode a : selected.subList(from, to)) {
                    Map<String, Object> m = JSON.convertValue(a, Map.class);
                    m.put("StateUpdatedTimestamp", Instant.parse(a.path("StateUpdatedTimestamp").asText()));
                    page.add(m);
                }
                out.put("MetricAlarms", page);
                out.put("CompositeAlarms", List.of());
                if (to < selected.size()) {
                    out.put("NextToken", String.valueOf(to));
                }
            }
            case "PutMetricAlarm" -> {
                // PutMetricAlarm replaces an alarm of the same name whole: fields not sent are gone.
                String name = req.path("AlarmName").asText();
                ObjectNode a = alarm(name, req.path("Namespace").asText(), req.path("MetricName").asText(),
                        "INSUFFICIENT_DATA");
                req.fields().forEachRemaining(e -> {
                    if (!a.has(e.getKey())) {
                        a.set(e.getKey(), e.getValue().deepCopy());
                    }
                });
                for (String list : List.of("AlarmActions", "OKActions", "InsufficientDataActions")) {
                    if (!a.has(list)) {
                        a.putArray(list);
                    }
                }
                if (!a.has("ActionsEnabled")) {
                    a.put("ActionsEnabled", true);
                }
                alarms.removeIf(x -> x.path("AlarmName").asText().equals(name));
                alarms.add(a);
            }
            default -> throw new IllegalArgumentException("fake CloudWatch does not know " + op);
        }
        return out;
    }

    private static ObjectNode alarm(String name, String namespace, String metric, String state) {
        ObjectNode a = JSON.createObjectNode();
        a.put("AlarmName", name).put("AlarmArn", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:" + name)
                .put("Namespace", namespace).put("MetricName", metric).put("StateValue", state)
                .put("StateReason", "Threshold Crossed: 1 datapoint was " + state.toLowerCase(Locale.ROOT))
                .put("StateUpdatedTimestamp", "2026-11-20T08:30:00Z");
        return a;
    }

    private void sendFault(HttpExchange ex, boolean cbor, Fault fault, String operation) throws IOException {
        String type;
        String query;
        int status = 400;
        String message;
        switch (fault) {
            case THROTTLE -> { type = "ThrottlingException"; query = "Throttling;Sender"; message = "Rate exceeded"; }
            case EXPIRED_TOKEN -> { type = "ExpiredTokenException"; query = "ExpiredToken;Sender";
                message = "The security token included in the request is expired"; }
            case ACCESS_DENIED -> { type = "AccessDeniedException"; query = "AccessDenied;Sender";
                // AWS names the action it refused, as here.
                String action = (cbor ? "cloudwatch:" : "ce:") + operation;
                message = "User: arn:aws:iam::123456789012:user/analyst is not authorized to perform: " + action
                        + " on resource: arn:aws:" + (cbor ? "cloudwatch" : "ce") + ":us-east-1:123456789012:*"
                        + " because no identity-based policy allows the " + action + " action"; }
            default -> { type = "InternalFailure"; query = "InternalFailure;Receiver"; status = 500;
                message = "We encountered an internal error. Please try again."; }
        }
        if (cbor) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("__type", "com.amazonaws.cloudwatch#" + type);
            body.put("message", message);
            sendCbor(ex, status, body, query);
        } else {
            ObjectNode body = JSON.createObjectNode().put("__type", type).put("message", message);
            sendJson(ex, status, body);
        }
    }

    private static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        ex.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    private static void sendCbor(HttpExchange ex, int status, Map<String, Object> body, String queryError)
            throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (CBORGenerator g = (CBORGenerator) new CBORFactory().createGenerator(buf)) {
            write(g, body);
        }
        byte[] bytes = buf.toByteArray();
        ex.getResponseHeaders().set("Content-Type", "application/cbor");
        ex.getResponseHeaders().set("smithy-protocol", "rpc-v2-cbor");
        ex.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        if (queryError != null) {
            ex.getResponseHeaders().set("x-amzn-query-error", queryError);
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    /** Writes maps, lists, strings, numbers and Instants (CBOR tag 1, epoch seconds). */
    private static void write(CBORGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (var e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            case List<?> l -> {
                g.writeStartArray();
                for (Object o : l) {
                    write(g, o);
                }
                g.writeEndArray();
            }
            case Instant i -> {
                g.writeTag(1);
                g.writeNumber(i.toEpochMilli() / 1000.0);
            }
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Integer n -> g.writeNumber(n);
            case Long n -> g.writeNumber(n);
            case Number n -> g.writeNumber(n.doubleValue());
            default -> g.writeString(String.valueOf(v));
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
