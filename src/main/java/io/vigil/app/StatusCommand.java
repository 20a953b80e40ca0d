package io.vigil.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.Source;
import io.vigil.telemetry.SourceStatus;
import io.vigil.text.Escaper;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vigil status [--json]}: one reading of every source with its health. Rates (CPU %, network
 * bytes/s) need two readings, so sources are polled twice, {@link #RATE_INTERVAL} apart.
 * Exit code 0 when every source is OK or DEGRADED, 2 when one is DOWN.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Take one reading of every telemetry source and print it with the source's health.")
final class StatusCommand implements Callable<Integer> {

    static final Duration RATE_INTERVAL = Duration.ofMillis(1000);

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--refresh", description = "Read AWS Cost Explorer now even when the figures cached by an "
            + "earlier run are fresh (each request costs USD 0.01).")
    boolean refresh;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Wiring wiring = Wiring.forStatus(AppPaths.fromSystem(), Clock.systemUTC())) {
            if (refresh) {
                wiring.cloud().ifPresent(c -> c.cost().requestRefresh());
            }
            Map<String, Object> report = reading(wiring);
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
            } else {
                printText(out, report);
            }
            out.flush();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> sources = (List<Map<String, Object>>) report.get("sources");
            return sources.stream().anyMatch(s -> "DOWN".equals(s.get("health"))) ? 2 : 0;
        }
    }

    static Map<String, Object> reading(Wiring wiring) throws InterruptedException {
        Map<String, Map<MetricId, Double>> latest = new LinkedHashMap<>();
        wiring.scheduler().addListener(new io.vigil.telemetry.TelemetryListener() {
            @Override
            public void onSamples(String sourceId, List<Sample> samples) {
                synchronized (latest) {
                    Map<MetricId, Double> m = latest.computeIfAbsent(sourceId, k -> new TreeMap<>());
                    for (Sample s : samples) {
                        m.put(s.metric(), s.value());
                    }
                }
            }
        });
        await(wiring.scheduler().pollNow(source -> true));
        Thread.sleep(RATE_INTERVAL.toMillis());
        // Rates need a second reading; only cheap, fast sources get one (never a second paid request).
        await(wiring.scheduler().pollNow(source -> source.period().compareTo(Duration.ofMinutes(1)) < 0));

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("time", Instant.now().toString());
        report.put("host", hostName());
        List<Map<String, Object>> sources = new ArrayList<>();
        for (SourceStatus st : wiring.scheduler().statuses()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("id", st.sourceId());
            s.put("name", st.displayName());
            s.put("health", st.health().state().name());
            s.put("reason", st.health().reason());
            Map<String, Object> metrics = new LinkedHashMap<>();
            synchronized (latest) {
                latest.getOrDefault(st.sourceId(), Map.of()).forEach((k, v) -> metrics.put(k.toString(), v));
            }
            s.put("metrics", metrics);
            for (Source source : wiring.scheduler().sources()) {
                if (source.id().equals(st.sourceId())) {
                    s.putAll(source.statusDetails());
                }
            }
            sources.add(s);
        }
        report.put("sources", sources);
        // --- live cost: the estimate at the top level too, where a script looks first ---
        report.put("liveCost", wiring.liveCost().statusDetails().get("liveCost"));
        // gpu-uuid: open exfiltration.suspected alerts and the newest evidence captures (SecurityStatus).
        report.put("security", SecurityStatus.read(wiring.paths(), wiring.settings()));
        if (wiring.cloudOff()) {
            report.put("aws", "off (cloud.enabled: false): no AWS calls");
        }
        if (!wiring.problems().isEmpty()) {
            report.put("problems", wiring.problems());
        }
        return report;
    }

    private static void await(List<Future<?>> polls) throws InterruptedException {
        for (Future<?> f : polls) {
            try {
                f.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // The scheduler has already recorded the failure as the source's health.
            }
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }

    @SuppressWarnings("unchecked")
    private static void printText(PrintWriter out, Map<String, Object> report) {
        out.println("Vigil status on " + report.get("host") + " at " + TerminalText.time((String) report.get("time")));
        for (Map<String, Object> s : (List<Map<String, Object>>) report.get("sources")) {
            String reason = (String) s.get("reason");
            // Fleet metric ids and reasons carry labels from remote exporters: escape them.
            out.printf("%n%-12s %s%s%n", s.get("name"), s.get("health"), reason.isEmpty() ? "" : "  " + Escaper.escape(reason));
            ((Map<String, Object>) s.get("metrics")).forEach((k, v) -> out.printf("  %-44s %s%n", Escaper.escape(k),
                    format(k, (Double) v)));
            // Cost figures may come from an earlier run's cache: say how old they are.
            if (s.get("cost") instanceof Map<?, ?> cost && cost.get("asOf") != null) {
                out.printf("  as of %s%s%n", TerminalText.time(String.valueOf(cost.get("asOf"))),
                        Boolean.TRUE.equals(cost.get("fromCache")) ? " (cached; --refresh reads AWS now)" : "");
            }
        }
        if (report.get("liveCost") instanceof Map<?, ?> live) {
            out.println();
            out.println("Spend now (live GPU estimate): " + (live.get("usdPerHour") == null ? "no GPU readings"
                    : io.vigil.text.Unit.USD_PER_HOUR.format(((Number) live.get("usdPerHour")).doubleValue()))
                    + "  (instance type " + Escaper.escape((live.get("instanceType") == null ? ""
                            : live.get("instanceType") + ", ") + live.get("instanceTypeFrom")) + ")");
        }
        if (report.containsKey("aws")) {
            out.println();
            out.println("AWS: " + report.get("aws"));
        }
        if (report.containsKey("problems")) {
            out.println();
            for (Object p : (List<Object>) report.get("problems")) {
                out.println("problem: " + p);
            }
        }
    }

    /** A metric's value in its unit: bytes as GiB, money as "$1,521.25" (JSON keeps the raw number). */
    static String format(String metric, Double v) {
        return v == null ? io.vigil.text.Unit.NO_DATA : TerminalText.value(metric, v);
    }
}
